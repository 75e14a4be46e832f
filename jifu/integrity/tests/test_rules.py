"""Every integrity rule against the planted data set (see ``planted.py``).

A rule is done when it finds every planted case and flags no look-alike: per
rule, the findings' subjects are compared with the planted cases' subjects
exactly (a missing case or an extra finding fails, named), and no look-alike's
subject appears in any finding of the rule. A prefix restricts a rule to one
county. Look-alikes are near misses: nudged across the line, each is found.
"""

from datetime import timedelta

import pytest

from jifu.integrity import rules
from jifu.integrity.choices import Rule, Severity
from jifu.registry import services as registry_services
from jifu.registry.models import Household
from jifu.subsidies.choices import LineStatus
from jifu.subsidies.models import ClaimLine
from jifu.training.models import Certificate, Enrolment, Institution, TrainingClass

from .planted import A, B, planted_fixture  # noqa: F401 - pytest fixture

pytestmark = pytest.mark.django_db

RULES = [r.value for r in Rule]


def subjects_of(found) -> frozenset:
    return frozenset((s.kind, s.key) for s in found.subjects)


def findings_of(rule: str, prefix: str = "") -> list:
    """What the rule finds; impossible attendance includes its weak signal, which
    ``run_all`` adds for classes that already show another sign."""
    if rule == Rule.IMPOSSIBLE_ATTENDANCE:
        return [f for f in rules.run_all(prefix) if f.rule == rule]
    return [f for f in getattr(rules, rule)(prefix) if f.rule == rule]


def compare(found: list, cases: list) -> tuple[list, list]:
    """(names of cases not found, details of findings that are no case)."""
    expected = {c.subjects: c for c in cases}
    got = {subjects_of(f): f for f in found}
    missing = [f"{c.name} ({c.why})" for s, c in expected.items() if s not in got]
    extra = [
        f"{f.detail} [{', '.join(sorted(f'{k}:{v}' for k, v in s))}]"
        for s, f in got.items()
        if s not in expected
    ]
    return missing, extra


def test_every_rule_has_cases_and_look_alikes(planted):
    for rule in RULES:
        assert planted.cases_of(rule), rule
        assert planted.lookalikes_of(rule), rule
    # the look-alikes the issue names
    names = {x.name for x in planted.lookalikes}
    assert {"shared.family_phone", "overlap.back_to_back", "ineligible.turns_16"} <= names


@pytest.mark.parametrize("rule", RULES)
def test_rule_finds_exactly_the_planted_cases(planted, rule):
    found = findings_of(rule)
    missing, extra = compare(found, planted.cases_of(rule))
    assert not missing and not extra, f"missing: {missing}\nnot planted: {extra}"
    # each finding once, with the contract's codes and the case's severity
    assert len(found) == len({subjects_of(f) for f in found})
    severity = {c.subjects: c.severity for c in planted.cases_of(rule)}
    for f in found:
        assert f.rule == rule
        assert f.severity == severity[subjects_of(f)], f.detail


@pytest.mark.parametrize("rule", RULES)
def test_rule_flags_no_look_alike(planted, rule):
    flagged = set().union(*(subjects_of(f) for f in findings_of(rule)))
    wrongly = [x.name for x in planted.lookalikes_of(rule) if x.subjects & flagged]
    assert not wrongly


def test_weak_perfect_attendance_needs_another_sign(planted):
    weak = [f for f in findings_of(Rule.IMPOSSIBLE_ATTENDANCE) if f.severity == Severity.LOW]
    assert {subjects_of(f) for f in weak} == {
        planted.case_named("attendance.perfect_and_flagged").subjects
    }
    # Without the other sign there is nothing: the weak signal alone is not a finding.
    perfect = planted.classes["ATT-PERFECT"]
    assert rules.weak_perfect_attendance("", set()) == []
    assert rules.weak_perfect_attendance("", {perfect.pk}) != []


def test_findings_name_their_persons_classes_and_lines(planted):
    """The relations payment blocking queries are the subjects the finding names."""
    codes = dict(TrainingClass.objects.values_list("pk", "code"))
    for f in rules.run_all(""):
        kinds = {}
        for s in f.subjects:
            kinds.setdefault(s.kind, set()).add(s.key)
        assert {str(pk) for pk in f.persons} == kinds.get("person", set()), f.detail
        assert {codes[pk] for pk in f.classes} == kinds.get("class", set()), f.detail
        assert {str(pk) for pk in f.lines} == kinds.get("claim_line", set()), f.detail
        assert f.region_code[6:] == "000000" and f.region_code[:6] in (A, B), f.detail


def test_findings_labels_are_masked(planted):
    """Labels are what the pages show: never a full ID, account or phone number."""
    secrets = [*planted.id_numbers.values(), *planted.accounts.values()]
    for f in rules.run_all(""):
        shown = f.detail + " ".join(s.label for s in f.subjects)
        assert not [s for s in secrets if s in shown], f.detail


# --- one county -----------------------------------------------------------------------------------


@pytest.mark.parametrize("county", [A, B])
@pytest.mark.parametrize("rule", RULES)
def test_prefix_restricts_a_rule_to_a_county(planted, rule, county):
    """A county's scan finds the cases that touch the county, each named as the
    whole province's scan names it (one case, one fingerprint, whoever scans)."""
    missing, extra = compare(findings_of(rule, county), planted.cases_of(rule, county))
    assert not missing and not extra, f"missing: {missing}\nnot planted: {extra}"


def test_prefix_of_a_township_and_of_nowhere(planted):
    township = planted.classes["OV-X"].place_code[:9]
    found = {subjects_of(f) for f in rules.overlapping_enrolment(township)}
    assert found == {planted.case_named("overlap.two_classes").subjects}
    assert rules.run_all("629999") == []


# --- look-alikes are near misses --------------------------------------------------------------------


def _shift_class(code, *, start=None, end=None):
    c = TrainingClass.objects.get(code=code)
    TrainingClass.objects.filter(pk=c.pk).update(
        start_date=start or c.start_date, end_date=end or c.end_date
    )


def _birth(planted, key, days):
    p = planted.persons[key]
    type(p).objects.filter(pk=p.pk).update(birth_date=p.birth_date + timedelta(days=days))


def _own_household(planted, key):
    p = planted.persons[key]
    old = p.household
    new = Household.objects.create(
        household_no=old.household_no[:-6] + "999999",
        village=old.village,
        village_code=old.village_code,
        poverty_status=old.poverty_status,
    )
    type(p).objects.filter(pk=p.pk).update(household=new)


NUDGES = {
    # name: (rule, nudge, subjects of the finding it then makes)
    "overlap.back_to_back": (
        Rule.OVERLAPPING_ENROLMENT,
        lambda p: _shift_class("BB-2", start=p.classes["BB-1"].end_date),
        lambda p: {p.person("back_to_back"), p.klass("BB-1"), p.klass("BB-2")},
    ),
    "ineligible.turns_16": (
        Rule.TRAINEE_INELIGIBLE,
        lambda p: _birth(p, "turns_16", 1),
        lambda p: {p.person("turns_16"), p.klass("EL-A")},
    ),
    "ineligible.aged_60": (
        Rule.TRAINEE_INELIGIBLE,
        lambda p: _birth(p, "aged_60", -1),
        lambda p: {p.person("aged_60"), p.klass("EL-A")},
    ),
    "shared.family_phone": (
        Rule.SHARED_PHONE,
        lambda p: _own_household(p, "family_son"),
        lambda p: {
            p.account("phone", p.accounts["family_phone"]),
            p.person("family_head"),
            p.person("family_spouse"),
            p.person("family_son"),
        },
    ),
    "certificate.on_end": (
        Rule.CERTIFICATE_ANOMALY,
        lambda p: Certificate.objects.filter(pk=p.certificates["cert_on_end"].pk).update(
            issued_on=p.classes["CERT-A"].end_date - timedelta(days=1)
        ),
        lambda p: {p.certificate("cert_on_end"), p.person("cert_on_end"), p.klass("CERT-A")},
    ),
    "certificate.70": (
        Rule.CERTIFICATE_ANOMALY,
        lambda p: Enrolment.objects.filter(certificates=p.certificates["cert_70"]).update(
            sessions_present=13
        ),
        lambda p: {p.certificate("cert_70"), p.person("cert_70"), p.klass("CERT-A")},
    ),
    "subsidy.three_in_2025": (
        Rule.SUBSIDY_RULE_BREACH,
        lambda p: ClaimLine.objects.filter(pk=p.lines["three.rejected"].pk).update(
            status=LineStatus.PENDING
        ),
        lambda p: (
            {p.person("three")}
            | {p.line(k) for k in ("three.1", "three.2", "three.3", "three.rejected")}
        ),
    ),
    "attendance.first_and_last_day_full": (
        Rule.IMPOSSIBLE_ATTENDANCE,
        lambda p: TrainingClass.objects.filter(code="ATT-EDGE").update(capacity=2),
        lambda p: {p.klass("ATT-EDGE"), p.institution("a")},
    ),
    "scope.started_on_last_licence_day": (
        Rule.INSTITUTION_OUT_OF_SCOPE,
        lambda p: Institution.objects.filter(pk=p.institutions["lapsed"].pk).update(
            licence_valid_until=p.classes["LAP-LAST-DAY"].start_date - timedelta(days=1)
        ),
        lambda p: {p.klass("LAP-LAST-DAY"), p.institution("lapsed")},
    ),
    "placement.on_the_last_day": (
        Rule.PLACEMENT_BEFORE_TRAINING_END,
        lambda p: (
            p.persons["placed_on_end"]
            .placements.all()
            .update(start_date=p.classes["PL-A"].end_date - timedelta(days=1))
        ),
        lambda p: {p.person("placed_on_end"), p.klass("PL-A")},
    ),
    "area.exactly_half": (
        Rule.OUT_OF_AREA_TRAINEES,
        lambda p: Enrolment.objects.filter(
            training_class__code="HALF-1", person=p.persons["a01"]
        ).update(village_code=p.persons["b10"].village_code),
        lambda p: {p.institution("half")},
    ),
}


@pytest.mark.parametrize("name", sorted(NUDGES))
def test_a_look_alike_nudged_across_the_line_is_found(planted, name):
    rule, nudge, subjects = NUDGES[name]
    assert name in {x.name for x in planted.lookalikes_of(rule)}
    before = {subjects_of(f) for f in findings_of(rule)}
    nudge(planted)
    after = {subjects_of(f) for f in findings_of(rule)}
    assert after - before == {frozenset(subjects(planted))}


def test_a_corrected_case_is_no_longer_found(planted):
    """A case found for a reason is not found once the reason is corrected."""
    p = planted
    phone = registry_services.protect("phone", "13912349876")
    type(p.persons["phone_2"]).objects.filter(pk=p.persons["phone_2"].pk).update(
        phone_enc=phone.enc, phone_bidx=phone.bidx, phone_masked=phone.masked
    )
    found = {subjects_of(f) for f in rules.shared_phone("")}
    assert p.case_named("shared.phone_two_households").subjects not in found
    assert p.case_named("shared.phone_county_b").subjects in found
