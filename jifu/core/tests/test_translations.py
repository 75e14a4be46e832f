"""Every UI string has its English translation (Chinese is the source language)."""

from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 100
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing and not fuzzy, (missing, fuzzy)


def test_placeholders_survive_translation():
    import re

    po = polib.pofile(str(CATALOGUE))
    pattern = re.compile(r"%\(\w+\)s")
    for entry in po.translated_entries():
        # A plural entry keeps its text in msgstr_plural; every form keeps the placeholders.
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            assert sorted(pattern.findall(entry.msgid)) == sorted(pattern.findall(form)), (
                entry.msgid
            )
