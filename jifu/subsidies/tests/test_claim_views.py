"""Claim pages: scoped, the three ways to claim, the workflow buttons go through the
services, the public publicity page masks people and takes complaints."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache

from jifu.accounts.roles import Role
from jifu.core.testing import ScopeMatrix
from jifu.employment import services as employment_services
from jifu.employment.tests.fixtures import id_numbers, place
from jifu.registry.models import Person
from jifu.subsidies import services
from jifu.subsidies.choices import ClaimStatus, ComplaintStatus, LineStatus
from jifu.subsidies.models import ClaimLine, Complaint, SubsidyClaim
from jifu.training.models import Appraisal

from .fixtures import (  # noqa: F401 - pytest fixtures
    ACCOUNTS,
    assert_balances_match_payments,
    claimable_fixture,
    occupation,
    today,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def submitted(claimable):
    """A submitted class claim per county; returns the test world."""
    w = claimable.world
    for side in "ab":
        services.submit_class_claim(
            actor=w.user(Role.INSTITUTION, side), training_class=claimable.classes[side]
        )
    w.claimable = claimable
    return w


def claim_of(side):
    return SubsidyClaim.objects.get(region_code__startswith="622926" if side == "a" else "620121")


class TestClaimPages(ScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.SCHOOL
    list_url = "/subsidies/claims/"

    @pytest.fixture(autouse=True)
    def _claims(self, submitted):
        """The matrix's ``world`` is the one the claims were made in."""

    def own_object(self, world):
        return claim_of("a")

    def other_object(self, world):
        return claim_of("b")


def test_institution_sees_only_its_claims_and_the_ledger_is_masked(client, submitted):
    world = submitted
    client.force_login(world.user(Role.INSTITUTION))
    body = client.get("/subsidies/claims/").content.decode()
    assert claim_of("a").number in body and claim_of("b").number not in body
    assert client.get(claim_of("b").get_absolute_url()).status_code == 404
    client.force_login(world.user(Role.COUNTY_HRSS))
    response = client.get("/subsidies/claims/?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "马文" in text and "王永" not in text
    for name in ("马文", "韩梅"):
        assert id_numbers()[name] not in text and ACCOUNTS[name] not in text


def test_claim_detail_shows_each_line_with_its_rule(client, submitted):
    world = submitted
    client.force_login(world.user(Role.COUNTY_HRSS))
    body = client.get(claim_of("a").get_absolute_url()).content.decode()
    assert "重点产业上浮 10%" in body and "生活费补贴 出勤 20 天" in body
    assert 'data-testid="review"' in body
    assert id_numbers()["马文"] not in body


def test_class_claim_page_previews_and_submits(client, claimable):
    w = claimable.world
    client.force_login(w.user(Role.INSTITUTION))
    c = claimable.classes["a"]
    page = client.get(f"/subsidies/claims/add/class/?class={c.pk}").content.decode()
    assert 'data-testid="preview-total"' in page and "4640.00" in page
    response = client.post("/subsidies/claims/add/class/", {"class": c.pk})
    assert response.status_code == 302
    claim = SubsidyClaim.objects.get(training_class=c)
    assert claim.lines.count() == 4
    # The class is claimed: its button is gone and a second POST changes nothing.
    again = client.post("/subsidies/claims/add/class/", {"class": c.pk})
    assert "没有符合条件的补贴明细" in again.content.decode()
    assert SubsidyClaim.objects.filter(training_class=c).count() == 1
    # Only the class's institution: another county's institution gets 404.
    client.force_login(w.user(Role.INSTITUTION, "b"))
    assert client.get(f"/subsidies/claims/add/class/?class={c.pk}").status_code == 404


def test_workflow_buttons_walk_the_claim_and_refuse_early_verification(client, submitted):
    world = submitted
    claim = claim_of("a")
    client.force_login(world.user(Role.COUNTY_HRSS))
    client.post(f"/subsidies/claims/{claim.pk}/review/")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLICISING
    assert claim.publicity_until == today() + timedelta(days=6)
    client.force_login(world.user(Role.COUNTY_FINANCE))
    allocation = world.claimable.allocations["a"]
    response = client.post(
        f"/subsidies/claims/{claim.pk}/verify/", {"allocation": allocation.pk}, follow=True
    )
    assert "公示期满后方可复核" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLICISING
    # Another county's allocation is not even found.
    other = world.claimable.allocations["b"]
    response = client.post(
        f"/subsidies/claims/{claim.pk}/verify/", {"allocation": other.pk}, follow=True
    )
    assert "请选择列支资金" in response.content.decode()
    assert_balances_match_payments()


def test_return_needs_a_reason_and_frees_the_lines(client, submitted):
    world = submitted
    claim = claim_of("a")
    client.force_login(world.user(Role.COUNTY_HRSS))
    response = client.post(f"/subsidies/claims/{claim.pk}/return/", {"reason": " "}, follow=True)
    assert "退回须说明理由" in response.content.decode()
    client.post(f"/subsidies/claims/{claim.pk}/return/", {"reason": "缺少签到表"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.RETURNED
    assert not ClaimLine.objects.live().filter(claim=claim).exists()
    client.force_login(world.user(Role.INSTITUTION))
    client.post(f"/subsidies/claims/{claim.pk}/resubmit/")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert ClaimLine.objects.live().filter(claim=claim).count() == 4


def test_public_publicity_masks_and_takes_a_complaint_that_holds_verification(client, submitted):
    world = submitted
    claim = claim_of("a")
    services.review(claim, actor=world.user(Role.COUNTY_HRSS))
    listing = client.get("/public/publicity/").content.decode()
    assert claim.number in listing and claim_of("b").number not in listing  # b not reviewed
    page = client.get(f"/public/publicity/{claim.number}/").content.decode()
    assert "马*" in page and "马文" not in page and id_numbers()["马文"] not in page
    line = claim.lines.get(person__name="马文", item="living")
    response = client.post(
        f"/public/publicity/{claim.number}/",
        {"line": line.pk, "text": "此人培训期间在外务工，未参加培训", "contact": "13900001111"},
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(line=line)
    assert complaint.contact_masked == "139****1111" and "13900001111" not in complaint.contact_enc
    # Verification waits for the answer, even after the publicity.
    finance = world.user(Role.COUNTY_FINANCE)
    with pytest.raises(services.ValidationError, match="尚未处理的公示举报"):
        services.verify(
            claim,
            actor=finance,
            allocation=world.claimable.allocations["a"],
            today=today() + timedelta(days=8),
        )
    client.force_login(world.user(Role.COUNTY_HRSS))
    assert (
        "此人培训期间在外务工" in client.get("/subsidies/complaints/?status=open").content.decode()
    )
    client.post(
        f"/subsidies/complaints/{complaint.pk}/answer/",
        {"upheld": "yes", "answer": "经核实，培训期间有 5 天外出"},
    )
    complaint.refresh_from_db()
    line.refresh_from_db()
    assert complaint.status == ComplaintStatus.UPHELD and line.status == LineStatus.REJECTED
    services.verify(
        claim,
        actor=finance,
        allocation=world.claimable.allocations["a"],
        today=today() + timedelta(days=8),
    )
    allocation = world.claimable.allocations["a"]
    allocation.refresh_from_db()
    assert allocation.committed == Decimal("4640.00") - line.amount
    assert_balances_match_payments()


def test_person_claim_for_an_appraisal_from_the_person_page(client, claimable):
    w = claimable.world
    person = Person.objects.get(name="韩梅")
    appraisal = Appraisal.objects.create(
        person=person,
        occupation=occupation(),
        level=4,
        appraised_on=today() - timedelta(days=40),
        passed=True,
        organisation="临夏州职业技能鉴定所",
        village_code=person.village_code,
    )
    client.force_login(w.user(Role.VILLAGE))
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'data-testid="claim-person"' in page
    response = client.post(
        f"/subsidies/claims/add/person/?person={person.pk}",
        {
            "item": "appraisal",
            "appraisal": appraisal.pk,
            "payee_kind": "sscard",
            "note": "身份证、证书复印件",
        },
    )
    assert response.status_code == 302
    line = ClaimLine.objects.get(person=person, item="appraisal")
    assert line.amount == Decimal("300.00") and line.payee_kind == "sscard"
    assert line.period == f"{appraisal.occupation.code}/4"
    # Another county's person: 404.
    other = Person.objects.get(name="王永")
    assert client.get(f"/subsidies/claims/add/person/?person={other.pk}").status_code == 404


def test_employer_claims_its_work_based_training_months(client, claimable):
    w = claimable.world
    employer = claimable.employers["a"]
    start = (today() - timedelta(days=120)).replace(day=1)
    place(w, "韩梅", start=start, employer=employer)
    person = Person.objects.get(name="韩梅")
    month = start.replace(day=1)
    for _ in range(2):
        month = (month + timedelta(days=32)).replace(day=1)
        employment_services.record_work_training(
            actor=w.user(Role.EMPLOYER), employer=employer, person=person, month=month, wage=2600
        )
    client.force_login(w.user(Role.EMPLOYER))
    page = client.get("/subsidies/claims/add/employer/").content.decode()
    assert page.count('name="month"') == 2
    response = client.post(
        "/subsidies/claims/add/employer/",
        {"month": [str(pk) for pk in person.work_based_training.values_list("pk", flat=True)]},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    claim = SubsidyClaim.objects.get(employer=employer)
    assert claim.lines.count() == 2 and all(
        x.amount == Decimal("500.00") for x in claim.lines.all()
    )
