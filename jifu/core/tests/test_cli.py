"""The `jifu` command: every verb has --help, messages in both languages."""

import subprocess
import sys

import pytest

from jifu.cli import VERBS, usage


def test_usage_lists_every_verb():
    text = usage()
    for verb in ("serve", "migrate", "regions", "demo-data", "users", "check", "audit"):
        assert verb in text
    assert "用法" in text and "usage" in text


@pytest.mark.parametrize("verb", sorted(set(VERBS) - {"worker"}))
def test_every_verb_has_help(verb):
    result = subprocess.run(
        [sys.executable, "-m", "jifu.cli", verb, "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "usage" in result.stdout


def test_unknown_subcommand_fails():
    result = subprocess.run(
        [sys.executable, "-m", "jifu.cli", "regions", "frobnicate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
