"""The findings pages: scoped to the county, deciding through the page, the
dashboard cards, the scan log and "scan now". Data: the planted set, scanned."""

import re

import pytest
from django.urls import reverse

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core import home
from jifu.integrity import rules, services
from jifu.integrity.choices import FindingStatus, Severity
from jifu.integrity.models import Finding, ScanRun

from .planted import A, B, finding_of, planted_fixture  # noqa: F401 - pytest fixture

pytestmark = pytest.mark.django_db

LIST = reverse("integrity:finding_list")


@pytest.fixture(name="scanned")
def scanned_fixture(planted):
    services.scan(trigger="test")
    return planted


def listed_ids(client, url=LIST) -> set[int]:
    """The findings a list shows, over all its pages."""
    ids, page = set(), 1
    while True:
        sep = "&" if "?" in url else "?"
        response = client.get(f"{url}{sep}page={page}")
        assert response.status_code == 200
        ids |= {
            int(pk)
            for pk in re.findall(r'href="/integrity/findings/(\d+)/"', response.content.decode())
        }
        table = response.context["table"]
        if not table.page or not table.page.has_next():
            return ids
        page += 1


def total(client, url) -> int:
    return client.get(url).context["total"]


def test_a_county_lists_its_own_findings_only(scanned, client):
    client.force_login(scanned.world.user(Role.COUNTY_HRSS))
    own = set(Finding.objects.filter(region_code__startswith=A).values_list("pk", flat=True))
    other = set(Finding.objects.filter(region_code__startswith=B).values_list("pk", flat=True))
    assert own and other
    assert listed_ids(client) == own
    assert total(client, LIST) == len(own)
    # the province sees both counties
    client.force_login(scanned.world.user(Role.PROVINCE))
    assert listed_ids(client) == own | other


def test_another_countys_finding_is_404(scanned, client):
    other = finding_of(scanned.case_named("overlap.county_b_one_shared_day"))
    for role in (Role.COUNTY_HRSS, Role.COUNTY_FINANCE, Role.PREFECTURE):
        client.force_login(scanned.world.user(role))
        assert client.get(other.get_absolute_url()).status_code == 404, role
    client.force_login(scanned.world.user(Role.COUNTY_HRSS))
    url = reverse("integrity:finding_decide", args=[other.pk])
    response = client.post(url, {"status": "dismissed", "reason": "越权"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == FindingStatus.NEW


@pytest.mark.parametrize(
    "role", [Role.COUNTY_HRSS, Role.COUNTY_FINANCE, Role.COUNTY_POVERTY, Role.AUDITOR]
)
def test_the_countys_offices_see_the_finding(scanned, client, role):
    own = finding_of(scanned.case_named("overlap.two_classes"))
    client.force_login(scanned.world.user(role))
    body = client.get(own.get_absolute_url()).content.decode()
    assert "欧重叠" in body and "OV-X" in body
    # only the HR office (and the province) decides
    assert ('data-testid="decide-form"' in body) == (role == Role.COUNTY_HRSS)


@pytest.mark.parametrize("role", [Role.VILLAGE, Role.TOWNSHIP, Role.INSTITUTION])
def test_roles_without_the_permission_are_refused(scanned, client, role):
    own = finding_of(scanned.case_named("overlap.two_classes"))
    client.force_login(scanned.world.user(role))
    assert client.get(LIST).status_code == 403
    assert client.get(own.get_absolute_url()).status_code in (403, 404)


def test_anonymous_is_sent_to_login(scanned, client):
    own = finding_of(scanned.case_named("overlap.two_classes"))
    for url in (LIST, own.get_absolute_url(), reverse("integrity:scan_list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_deciding_through_the_page(scanned, client):
    hrss = scanned.world.user(Role.COUNTY_HRSS)
    finding = finding_of(scanned.case_named("overlap.two_classes"))
    url = reverse("integrity:finding_decide", args=[finding.pk])
    client.force_login(hrss)

    response = client.post(url, {"status": "checking", "reason": ""})
    assert response.status_code == 302 and response["Location"] == finding.get_absolute_url()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CHECKING

    # confirming needs a conclusion: the form comes back with the service's message
    response = client.post(url, {"status": "confirmed", "reason": ""})
    assert response.status_code == 200
    assert "请填写核查结论" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CHECKING

    response = client.post(url, {"status": "confirmed", "reason": "花名册系补签，已移交纪检"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CONFIRMED and finding.decided_by == hrss
    body = client.get(finding.get_absolute_url()).content.decode()
    assert "花名册系补签" in body and 'data-testid="decide-form"' not in body
    assert list(
        AuditEvent.objects.filter(object_type="integrity.finding", object_id=str(finding.pk))
        .order_by("seq")
        .values_list("after__status", flat=True)
    ) == ["checking", "confirmed"]

    # a decided finding cannot be decided again through the page
    response = client.post(url, {"status": "dismissed", "reason": "改判"})
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CONFIRMED


def test_dismissing_through_the_page_needs_a_reason(scanned, client):
    finding = finding_of(scanned.case_named("shared.phone_two_households"))
    url = reverse("integrity:finding_decide", args=[finding.pk])
    client.force_login(scanned.world.user(Role.COUNTY_HRSS))
    assert client.post(url, {"status": "dismissed", "reason": " "}).status_code == 200
    finding.refresh_from_db()
    assert finding.status == FindingStatus.NEW
    assert (
        client.post(url, {"status": "dismissed", "reason": "母子分户，共用一部手机"}).status_code
        == 302
    )
    finding.refresh_from_db()
    assert finding.status == FindingStatus.DISMISSED


def test_a_viewer_cannot_decide_through_the_page(scanned, client):
    finding = finding_of(scanned.case_named("overlap.two_classes"))
    client.force_login(scanned.world.user(Role.COUNTY_FINANCE))
    url = reverse("integrity:finding_decide", args=[finding.pk])
    assert client.post(url, {"status": "dismissed", "reason": "x"}).status_code == 403
    finding.refresh_from_db()
    assert finding.status == FindingStatus.NEW


def test_the_page_shows_masked_values_and_the_held_lines(scanned, client):
    client.force_login(scanned.world.user(Role.COUNTY_HRSS))
    finding = finding_of(scanned.case_named("subsidy.same_level_twice"))
    body = client.get(finding.get_absolute_url()).content.decode()
    person = scanned.persons["twice"]
    assert person.id_number_masked in body
    assert scanned.id_numbers["twice"] not in body
    held = re.search(r'data-testid="held-lines">(.*?)</ul>', body, re.S)
    assert held, "the lines the finding holds are listed"
    for key in ("twice.1", "twice.2"):
        assert scanned.lines[key].claim.number in held.group(1)
    phone = finding_of(scanned.case_named("shared.phone_two_households"))
    body = client.get(phone.get_absolute_url()).content.decode()
    assert scanned.accounts["shared_phone"] not in body
    assert scanned.persons["phone_1"].phone_masked in body


# --- dashboard ---------------------------------------------------------------------------------------


def _cards(user) -> dict:
    return {str(c["label"]): c for c in home.cards_for(user)}


def test_dashboard_cards_count_the_countys_open_findings(scanned, client):
    user = scanned.world.user(Role.COUNTY_HRSS)
    own = Finding.objects.filter(region_code__startswith=A)
    cards = _cards(user)
    assert cards["待核查疑点"]["value"] == own.count()
    assert cards["高风险疑点"]["value"] == own.filter(severity=Severity.HIGH).count()
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "待核查疑点" in body
    # decided findings leave the cards
    services.dismiss(
        finding_of(scanned.case_named("overlap.two_classes")), actor=user, reason="已核实"
    )
    assert _cards(user)["待核查疑点"]["value"] == own.count() - 1
    assert _cards(user)["高风险疑点"]["value"] == own.filter(severity=Severity.HIGH).count() - 1
    # another county's card does not move, and a role without the permission has none
    other = _cards(scanned.world.user(Role.COUNTY_HRSS, "b"))
    assert other["待核查疑点"]["value"] == Finding.objects.filter(region_code__startswith=B).count()
    assert "待核查疑点" not in _cards(scanned.world.user(Role.VILLAGE))


def test_a_dashboard_card_counts_what_its_list_shows(scanned, client):
    """A card links to the list behind it (jifu.core.home): the same number, also
    once a finding is being checked."""
    user = scanned.world.user(Role.COUNTY_HRSS)
    services.start_check(finding_of(scanned.case_named("overlap.two_classes")), actor=user)
    client.force_login(user)
    for card in home.cards_for(user):
        if "/integrity/" in card["url"]:
            assert card["value"] == total(client, card["url"]), card["label"]


# --- scans -----------------------------------------------------------------------------------------


def test_scan_now_scans_the_users_county(scanned, client):
    client.force_login(scanned.world.user(Role.COUNTY_HRSS))
    response = client.post(reverse("integrity:scan_now"))
    assert response.status_code == 302 and response["Location"] == LIST
    run = ScanRun.objects.order_by("started_at", "pk").last()
    assert run.region_code == A and run.trigger == "manual"
    assert run.found == len(rules.run_all(A))
    assert "扫描完成" in client.get(LIST).content.decode()
    client.force_login(scanned.world.user(Role.COUNTY_FINANCE))
    assert client.post(reverse("integrity:scan_now")).status_code == 403


def test_the_scan_log_is_scoped(scanned, client):
    services.scan(trigger="province-run")
    services.scan(prefix=A, trigger="county-a-run")
    services.scan(prefix=B, trigger="county-b-run")
    client.force_login(scanned.world.user(Role.COUNTY_HRSS))
    response = client.get(reverse("integrity:scan_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "county-a-run" in body and "province-run" in body  # its own and the province's
    assert "county-b-run" not in body
