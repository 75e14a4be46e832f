"""Scanning, deciding and payment blocking, and ``jifu integrity scan``.

``services.scan`` files each finding once under its fingerprint, keeps a
decision across rescans, and marks a finding whose data was corrected as no
longer present. Decisions are audited and refused out of turn, without a
reason, or outside the decider's county. A new, checking or confirmed finding
holds the claim lines it touches when the county pays; a dismissed one does not.
The CLI prints the contract's JSON with full numbers; the pages show masked ones.
"""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core.testing import PASSWORD
from jifu.employment import services as employment_services
from jifu.integrity import rules, services
from jifu.integrity.choices import FindingStatus, Rule, Severity
from jifu.integrity.models import Finding, ScanRun
from jifu.registry import services as registry_services
from jifu.registry.models import Person
from jifu.subsidies import services as subsidy_services
from jifu.subsidies.choices import ClaimStatus, LineStatus
from jifu.subsidies.tests.fixtures import claimable_fixture  # noqa: F401 - pytest fixture
from jifu.training import services as training_services
from jifu.training.choices import ClassStatus, EnrolmentSource
from jifu.training.models import AttendanceSession, TrainingClass
from jifu.training.tests.fixtures_public import id_numbers, make_class, today

from .planted import A, B, finding_of, planted_fixture  # noqa: F401 - pytest fixture

pytestmark = pytest.mark.django_db

CONTRACT_RULES = {
    "overlapping_enrolment",
    "trainee_ineligible",
    "shared_account",
    "shared_phone",
    "certificate_anomaly",
    "subsidy_rule_breach",
    "impossible_attendance",
    "institution_out_of_scope",
    "placement_before_training_end",
    "out_of_area_trainees",
}
CONTRACT_SUBJECT_KEYS = {
    "person": {"kind", "id_number"},
    "class": {"kind", "code"},
    "institution": {"kind", "credit_code"},
    "certificate": {"kind", "number"},
    "account": {"kind", "number"},
    "claim_line": {"kind", "id"},
}


def county(prefix: str) -> str:
    return prefix + "000000"


def class_of(found) -> str | None:
    return next((s.key for s in found.subjects if s.kind == "class"), None)


def events_of(finding) -> list:
    return list(
        AuditEvent.objects.filter(object_type="integrity.finding", object_id=str(finding.pk))
        .order_by("seq")
        .values_list("after", flat=True)
    )


# --- scanning ------------------------------------------------------------------------------------------


def test_scan_files_each_finding_once(planted):
    first = services.scan(trigger="test")
    assert first.run.found == len(first.found) == Finding.objects.count() == first.run.new
    assert len({f.fingerprint for f in first.found}) == len(first.found)
    assert Finding.objects.filter(status=FindingStatus.NEW, present=True).count() == first.run.new
    second = services.scan(trigger="test")
    assert second.run.new == 0 and second.run.found == first.run.found
    assert Finding.objects.count() == first.run.new
    assert [f.pk for f in second.findings] == [f.pk for f in first.findings]
    assert ScanRun.objects.count() == 2
    # each scan is audited
    runs = AuditEvent.objects.filter(object_type="integrity.scanrun")
    assert runs.count() == 2


def test_a_finding_is_filed_with_masked_subjects_and_its_relations(planted):
    services.scan()
    case = planted.case_named("overlap.two_classes")
    finding = finding_of(case)
    assert (finding.rule, finding.severity, finding.status) == (case.rule, Severity.HIGH, "new")
    assert finding.region_code == county(A)
    assert set(finding.persons.all()) == {planted.persons["overlap"]}
    assert {c.code for c in finding.classes.all()} == {"OV-X", "OV-Y"}
    person = next(s for s in finding.subjects if s["kind"] == "person")
    assert planted.persons["overlap"].id_number_masked in person["label"]
    assert planted.id_numbers["overlap"] not in json.dumps(finding.subjects, ensure_ascii=False)


def test_a_rescan_keeps_the_decision(planted):
    services.scan()
    hrss = planted.world.user(Role.COUNTY_HRSS)
    finding = finding_of(planted.case_named("shared.phone_two_households"))
    services.confirm(finding, actor=hrss, reason="两户共用同一手机号，经入户核实系代办人电话")
    services.scan()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CONFIRMED
    assert finding.reason.startswith("两户共用")
    assert finding.decided_by == hrss and finding.present


def test_a_corrected_case_is_no_longer_present_and_comes_back(planted):
    services.scan()
    finding = finding_of(planted.case_named("shared.phone_two_households"))
    other = finding_of(planted.case_named("shared.phone_county_b"))
    person = planted.persons["phone_2"]
    own = registry_services.protect("phone", "13912349876")
    Person.objects.filter(pk=person.pk).update(
        phone_enc=own.enc, phone_bidx=own.bidx, phone_masked=own.masked
    )
    result = services.scan()
    finding.refresh_from_db()
    other.refresh_from_db()
    assert not finding.present and finding.status == FindingStatus.NEW
    assert other.present
    assert result.run.new == 0
    # the same data again: the same finding, present again, nothing new
    shared = registry_services.protect("phone", planted.accounts["shared_phone"])
    Person.objects.filter(pk=person.pk).update(
        phone_enc=shared.enc, phone_bidx=shared.bidx, phone_masked=shared.masked
    )
    assert services.scan().run.new == 0
    finding.refresh_from_db()
    assert finding.present


def test_a_county_scan_leaves_other_counties_findings_alone(planted):
    services.scan()
    result = services.scan(prefix=B)
    assert result.run.region_code == B
    a_findings = Finding.objects.filter(region_code=county(A))
    assert a_findings.exists()
    assert not a_findings.filter(present=False).exists()


@pytest.mark.parametrize("rule", [r.value for r in Rule])
def test_a_county_scan_after_a_province_scan_adds_and_removes_nothing(planted, rule):
    """One case is one finding whoever scans: the counties' "scan now" after the
    nightly province scan find the same fingerprints (cases spanning two counties
    included), so they add none and mark none as corrected."""
    services.scan()
    province = set(Finding.objects.values_list("fingerprint", flat=True))
    for prefix in (A, B):
        services.scan(prefix=prefix)
        added = Finding.objects.filter(rule=rule).exclude(fingerprint__in=province)
        gone = Finding.objects.filter(rule=rule, present=False)
        assert not added.exists() and not gone.exists(), (
            f"scan of {prefix} added {list(added.values_list('detail', flat=True))}, "
            f"marked as corrected {list(gone.values_list('detail', flat=True))}"
        )


def _perfect_class_with_a_session_after_its_end(planted):
    """ATT-PERFECT-CLEAN (30 days, 5 of 5 trainees every day) gets a session the day
    after it ended: a strong attendance sign, and so the weak one too."""
    clean = planted.classes["ATT-PERFECT-CLEAN"]
    AttendanceSession.objects.create(training_class=clean, date=clean.end_date + timedelta(days=1))
    return clean


def test_rules_give_one_fingerprint_per_finding_when_both_attendance_signals_hit_a_class(
    planted,
):
    """The weak "everyone perfect" signal on a class already flagged for impossible
    attendance must not come as a second finding with the same fingerprint."""
    clean = _perfect_class_with_a_session_after_its_end(planted)
    about = [f for f in rules.run_all("") if class_of(f) == clean.code]
    assert about, "the class is found"
    fingerprints = [f.fingerprint for f in rules.run_all("")]
    duplicates = [f.detail for f in about if fingerprints.count(f.fingerprint) > 1]
    assert not duplicates


def test_scan_survives_both_attendance_signals_on_one_class(planted):
    """… or the scan creates two findings under one fingerprint and fails on the unique index."""
    clean = _perfect_class_with_a_session_after_its_end(planted)
    services.scan()
    findings = Finding.objects.filter(rule=Rule.IMPOSSIBLE_ATTENDANCE, classes=clean)
    assert any("之外" in f.detail for f in findings)  # the strong sign reaches the county


# --- decisions ---------------------------------------------------------------------------------------------


@pytest.fixture(name="scanned")
def scanned_fixture(planted):
    services.scan()
    return planted


def test_start_check_confirm_and_their_audit_events(scanned):
    hrss = scanned.world.user(Role.COUNTY_HRSS)
    finding = finding_of(scanned.case_named("overlap.two_classes"))
    services.start_check(finding, actor=hrss)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CHECKING and finding.decided_by == hrss
    with pytest.raises(ValidationError) as exc:
        services.confirm(finding, actor=hrss, reason="   ")
    assert "reason" in exc.value.message_dict
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CHECKING
    services.confirm(finding, actor=hrss, reason="两班花名册均有签到，机构冒名")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CONFIRMED and finding.decided_at is not None
    assert events_of(finding) == [
        {"status": "checking", "reason": ""},
        {"status": "confirmed", "reason": "两班花名册均有签到，机构冒名"},
    ]
    event = AuditEvent.objects.filter(object_type="integrity.finding").order_by("seq").last()
    assert event.actor == hrss and event.before == {"status": "checking"}
    assert event.region_code.startswith(A)


def test_dismiss_needs_a_reason_and_is_audited(scanned):
    province = scanned.world.user(Role.PROVINCE)
    finding = finding_of(scanned.case_named("placement.before_end"))
    with pytest.raises(ValidationError):
        services.dismiss(finding, actor=province, reason="")
    assert events_of(finding) == []
    services.dismiss(finding, actor=province, reason="系岗前实习，培训结束后正式入职")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED
    assert events_of(finding) == [
        {"status": "dismissed", "reason": "系岗前实习，培训结束后正式入职"}
    ]


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (FindingStatus.CHECKING, "start_check"),
        (FindingStatus.CONFIRMED, "start_check"),
        (FindingStatus.CONFIRMED, "confirm"),
        (FindingStatus.CONFIRMED, "dismiss"),
        (FindingStatus.DISMISSED, "confirm"),
        (FindingStatus.DISMISSED, "dismiss"),
        (FindingStatus.DISMISSED, "start_check"),
    ],
)
def test_a_decision_out_of_turn_is_refused(scanned, status, step):
    hrss = scanned.world.user(Role.COUNTY_HRSS)
    finding = finding_of(scanned.case_named("overlap.two_classes"))
    Finding.objects.filter(pk=finding.pk).update(status=status)
    kwargs = {} if step == "start_check" else {"reason": "再次处理"}
    with pytest.raises(ValidationError):
        getattr(services, step)(finding, actor=hrss, **kwargs)
    finding.refresh_from_db()
    assert finding.status == status
    assert events_of(finding) == []


@pytest.mark.parametrize("step", ["start_check", "confirm", "dismiss"])
def test_another_countys_user_may_not_decide(scanned, step):
    """Permission to decide is the county's, for the county's findings."""
    other_county = scanned.world.user(Role.COUNTY_HRSS, "b")
    finding = finding_of(scanned.case_named("overlap.two_classes"))  # county A
    kwargs = {} if step == "start_check" else {"reason": "越权处理"}
    with pytest.raises(PermissionDenied):
        getattr(services, step)(finding, actor=other_county, **kwargs)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.NEW
    assert events_of(finding) == []


@pytest.mark.parametrize("role", [Role.COUNTY_FINANCE, Role.AUDITOR, Role.VILLAGE])
def test_a_role_without_the_permission_may_not_decide(scanned, role):
    finding = finding_of(scanned.case_named("overlap.two_classes"))
    with pytest.raises(PermissionDenied):
        services.confirm(finding, actor=scanned.world.user(role), reason="x")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.NEW


# --- payment is held ----------------------------------------------------------------------------------------


def _verified_claim(claimable):
    """A class claim walked to 财政复核通过, as in the subsidy workflow tests."""
    w = claimable.world
    claim = subsidy_services.submit_class_claim(
        actor=w.user(Role.INSTITUTION), training_class=claimable.classes["a"]
    )
    subsidy_services.review(claim, actor=w.user(Role.COUNTY_HRSS))
    subsidy_services.verify(
        claim,
        actor=w.user(Role.COUNTY_FINANCE),
        allocation=claimable.allocations["a"],
        today=today() + timedelta(days=8),
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED
    return claim


def _payer(claimable):
    return account_services.create_user(
        actor=None,
        username="finance_a2",
        role=Role.COUNTY_FINANCE,
        region=claimable.world.user(Role.COUNTY_FINANCE).region,
        password=PASSWORD,
    )


def _share_phone(owner: str, *others: str):
    """Give ``others`` the phone of ``owner`` (another household's phone: a finding)."""
    phone = Person.objects.get(name=owner)
    Person.objects.filter(name__in=others).update(
        phone_enc=phone.phone_enc, phone_bidx=phone.phone_bidx, phone_masked=phone.phone_masked
    )


def _paid_names(batch) -> set:
    return {
        (p.line.person.name, p.line.item) for p in batch.payments.select_related("line__person")
    }


def test_the_claimable_world_has_no_findings(claimable):
    assert rules.run_all("") == []


@pytest.mark.parametrize(
    "status", [FindingStatus.NEW, FindingStatus.CHECKING, FindingStatus.CONFIRMED]
)
def test_an_open_or_confirmed_finding_holds_the_trainees_lines_until_dismissed(claimable, status):
    w = claimable.world
    claim = _verified_claim(claimable)
    _share_phone("马文", "妥德")  # 妥德 is of another household
    services.scan()
    finding = Finding.objects.get(rule=Rule.SHARED_PHONE)
    assert {p.name for p in finding.persons.all()} == {"马文", "妥德"}
    hrss = w.user(Role.COUNTY_HRSS)
    if status != FindingStatus.NEW:
        services.start_check(finding, actor=hrss)
    if status == FindingStatus.CONFIRMED:
        services.confirm(finding, actor=hrss, reason="马文、妥德共用手机，冒领嫌疑")
    finding.refresh_from_db()
    assert finding.status == status

    payer = _payer(claimable)
    batch = subsidy_services.create_batch([claim], actor=payer)
    assert _paid_names(batch) == {("韩梅", "training"), ("韩梅", "living")}
    held = claim.lines.filter(person__name="马文")
    assert set(held.values_list("status", flat=True)) == {LineStatus.APPROVED}
    reasons = subsidy_services.blocked(list(held))
    assert set(reasons) == set(held.values_list("pk", flat=True))
    assert all(f"#{finding.pk}" in r for r in reasons.values())

    if status == FindingStatus.CONFIRMED:
        # confirmed stays held, on every later attempt
        with pytest.raises(ValidationError, match="疑点冻结"):
            subsidy_services.create_batch([claim], actor=payer)
        return
    services.dismiss(finding, actor=hrss, reason="系同村代办人电话，已核实本人领取")
    batch = subsidy_services.create_batch([claim], actor=payer)
    assert _paid_names(batch) == {("马文", "training"), ("马文", "living")}


def test_a_claim_whose_every_line_is_held_is_refused(claimable):
    claim = _verified_claim(claimable)
    _share_phone("马文", "韩梅", "妥德")
    services.scan()
    with pytest.raises(ValidationError, match="均被疑点冻结"):
        subsidy_services.create_batch([claim], actor=_payer(claimable))
    assert not claim.lines.exclude(status=LineStatus.APPROVED).exists()


def _placement_before_end(world, name, training_class):
    employment_services.record_placement(
        Person.objects.get(name=name),
        actor=world.user(Role.VILLAGE),
        employer_name="兰州某家政公司",
        start_date=training_class.end_date - timedelta(days=3),
        place="in_province",
        province="甘肃省",
        monthly_wage=3000,
        channel="organised",
        training_class=training_class,
    )


def test_a_finding_about_the_claims_class_holds_the_line(claimable):
    w = claimable.world
    claim = _verified_claim(claimable)
    _placement_before_end(w, "马文", claimable.classes["a"])
    services.scan()
    finding = Finding.objects.get(rule=Rule.PLACEMENT_BEFORE_TRAINING_END)
    assert set(finding.classes.all()) == {claimable.classes["a"]}
    batch = subsidy_services.create_batch([claim], actor=_payer(claimable))
    assert _paid_names(batch) == {("韩梅", "training"), ("韩梅", "living")}


def test_a_finding_about_another_class_of_the_trainee_does_not_hold_this_one(claimable):
    w = claimable.world
    claim = _verified_claim(claimable)
    other = make_class(w, code="A-OTHER", start=date(2025, 3, 3), days=20)
    training_services.enrol(
        other,
        Person.objects.get(name="马文"),
        actor=w.user(Role.VILLAGE),
        source=EnrolmentSource.VILLAGE,
    )
    TrainingClass.objects.filter(pk=other.pk).update(status=ClassStatus.ASSESSED)
    _placement_before_end(w, "马文", other)
    services.scan()
    finding = Finding.objects.get(rule=Rule.PLACEMENT_BEFORE_TRAINING_END)
    assert set(finding.classes.all()) == {other}
    batch = subsidy_services.create_batch([claim], actor=_payer(claimable))
    assert batch.payments.count() == 4


# --- the command ------------------------------------------------------------------------------------------


def _scan_json(*args) -> list:
    out = StringIO()
    call_command("jifu_integrity", "scan", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_scan_json_follows_the_contract(planted):
    data = _scan_json()
    assert isinstance(data, list) and len(data) == len(rules.run_all(""))
    for item in data:
        assert set(item) == {"rule", "severity", "subjects", "detail"}
        assert item["rule"] in CONTRACT_RULES
        assert item["severity"] in {"high", "medium", "low"}
        assert isinstance(item["detail"], str) and item["detail"]
        assert item["subjects"]
        for subject in item["subjects"]:
            assert set(subject) == CONTRACT_SUBJECT_KEYS[subject["kind"]], subject
            if subject["kind"] == "claim_line":
                assert isinstance(subject["id"], int)
            else:
                assert all(isinstance(v, str) and v for v in subject.values()), subject
    assert {item["rule"] for item in data} == CONTRACT_RULES
    assert Finding.objects.count() == len(data)  # the command files what it prints


def test_scan_json_names_persons_and_accounts_in_full_and_pages_mask_them(planted, client):
    data = _scan_json()
    overlap = next(
        i for i in data if i["rule"] == "overlapping_enrolment" and "OV-X" in i["detail"]
    )
    full = planted.id_numbers["overlap"]
    assert {"kind": "person", "id_number": full} in overlap["subjects"]
    assert {"kind": "class", "code": "OV-X"} in overlap["subjects"]
    account = next(i for i in data if i["rule"] == "shared_account")
    assert {"kind": "account", "number": planted.accounts["shared_account"]} in account["subjects"]
    ids = {s["id_number"] for s in account["subjects"] if s["kind"] == "person"}
    assert ids == {planted.id_numbers["acc_1"], planted.id_numbers["acc_2"]}
    lines = next(i for i in data if i["rule"] == "subsidy_rule_breach" and "马多次" in i["detail"])
    assert {s["id"] for s in lines["subjects"] if s["kind"] == "claim_line"} == {
        planted.lines[f"many.{n}"].pk for n in range(1, 5)
    }

    client.force_login(planted.world.user(Role.COUNTY_HRSS))
    for case, secret, masked in (
        ("overlap.two_classes", full, planted.persons["overlap"].id_number_masked),
        (
            "shared.account_two_households",
            planted.accounts["shared_account"],
            planted.persons["acc_1"].bank_account_masked,
        ),
    ):
        body = client.get(finding_of(planted.case_named(case)).get_absolute_url()).content.decode()
        assert secret not in body
        assert masked in body


def test_scan_json_of_the_standard_ledger_person(claimable):
    """A person of the registry's standard ledger is named by the ID number they were imported with."""
    _share_phone("马文", "妥德")
    data = _scan_json()
    assert len(data) == 1
    ids = {s["id_number"] for s in data[0]["subjects"] if s["kind"] == "person"}
    assert ids == {id_numbers()["马文"], id_numbers()["妥德"]}


def test_scan_region_restricts_to_the_county(planted):
    data = _scan_json("--region", A)
    assert len(data) == len(rules.run_all(A))
    text = json.dumps(data, ensure_ascii=False)
    assert planted.id_numbers["overlap"] in text
    for only_b in ("overlap_b", "too_old_b", "phone_b1", "twice_b", "placed_early_b"):
        assert planted.id_numbers[only_b] not in text, only_b
    assert ScanRun.objects.get().region_code == A
    # a 12-digit code works too
    assert len(_scan_json("--region", county(B))) == len(rules.run_all(B))


def test_scan_prints_findings_as_text_and_exits_0(planted):
    out = StringIO()
    call_command("jifu_integrity", "scan", stdout=out)
    text = out.getvalue()
    assert "[high] overlapping_enrolment:" in text and "扫描完成" in text


def test_scan_with_nothing_to_find_exits_0(world):
    # call_command raises CommandError(returncode=…) where ``jifu`` would exit non-zero
    assert _scan_json() == []
    assert ScanRun.objects.get().found == 0


@pytest.mark.parametrize("region", ["629999", "999999999999", "not-a-code"])
def test_scan_of_an_unknown_region_exits_2(world, region):
    with pytest.raises(CommandError) as exc:
        call_command("jifu_integrity", "scan", "--region", region, stdout=StringIO())
    assert exc.value.returncode == 2
    assert not ScanRun.objects.exists()


def test_scan_that_cannot_reach_the_database_exits_2(world, monkeypatch):
    from jifu.integrity.management.commands import jifu_integrity

    def broken(**kwargs):
        raise DatabaseError("no such table: integrity_finding")

    monkeypatch.setattr(jifu_integrity, "scan", broken)
    with pytest.raises(CommandError) as exc:
        call_command("jifu_integrity", "scan", "--json", stdout=StringIO())
    assert exc.value.returncode == 2
