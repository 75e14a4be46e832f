"""The subsidies API: scoped like the pages (counties, institutions, employers),
beneficiaries and accounts masked, balances as the ledger says, filters by code,
lists in a fixed number of queries."""

import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.core import crypto
from jifu.core.testing import COUNTY_A, COUNTY_B, PASSWORD, ApiScopeMatrix, api_client_for
from jifu.employment import services as employment_services
from jifu.employment.tests.fixtures import HOUSEKEEPING, finished_class, id_numbers, place
from jifu.regions.models import Region
from jifu.registry.models import Person
from jifu.subsidies import services
from jifu.subsidies.choices import LineStatus, PaymentStatus
from jifu.subsidies.models import ClaimLine, FundAllocation, Payment, SubsidyClaim, SubsidyStandard

from .fixtures import (  # noqa: F401 - pytest fixture
    ACCOUNTS,
    EMPLOYER_ACCOUNT,
    INSTITUTION_ACCOUNT,
    assert_balances_match_payments,
    claimable_fixture,
    occupation,
    pass_all,
    today,
)

LISTS = ("standards", "funds", "claims", "payments")
PROVINCE = "620000000000"


def second_payer(world, side, n=2):
    """Another finance officer: whoever verified a claim may not also pay it."""
    return account_services.create_user(
        actor=None,
        username=f"finance_{side}{n}",
        role=Role.COUNTY_FINANCE,
        region=world.user(Role.COUNTY_FINANCE, side).region,
        password=PASSWORD,
    )


def walk_to_verified(world, claim, side, allocation):
    services.review(claim, actor=world.user(Role.COUNTY_HRSS, side))
    services.verify(
        claim,
        actor=world.user(Role.COUNTY_FINANCE, side),
        allocation=allocation,
        today=today() + timedelta(days=8),  # after the publicity
    )
    claim.refresh_from_db()
    return claim


def bank_row(payment, n, *, success=True, reason=""):
    """The bank's return row for one instruction (the account as the bank sends it)."""
    return services.ReturnRow(
        row=n,
        key=payment.idempotency_key,
        account=crypto.decrypt(payment.account_enc, context=services.PAYMENT_ACCOUNT_CONTEXT),
        amount=payment.amount,
        success=success,
        reference=f"BANK{n:06d}" if success else "",
        paid_on=today() if success else None,
        reason=reason,
    )


def employer_claim(world, employer):
    """以工代训 for 妥德, employed by the side-A employer since three months ago."""
    person = Person.objects.get(name="妥德")
    place(
        world,
        "妥德",
        employer=employer,
        employer_name="",
        start=today() - relativedelta(months=3),
    )
    month = (today() - relativedelta(months=2)).replace(day=1)
    wbt = employment_services.record_work_training(
        actor=world.user(Role.EMPLOYER, "a"),
        employer=employer,
        person=person,
        month=month,
        wage=Decimal("3000"),
    )
    return services.submit_employer_claim(
        actor=world.user(Role.EMPLOYER, "a"), employer=employer, months=[wbt]
    )


@pytest.fixture(autouse=True, name="data")
def data_fixture(claimable):
    """County A: the class claim verified, batched and partly paid (马文's two lines
    paid, 韩梅's living allowance refused by the bank, her training subsidy missing
    from the return) and an employer's 以工代训 claim just submitted. County B:
    the class claim with 王永's living allowance struck off after an upheld
    complaint, the rest verified and instructed. A county standard on each side,
    a second allocation in A and one kept by the province."""
    world = claimable.world
    claim_a = services.submit_class_claim(
        actor=world.user(Role.INSTITUTION, "a"), training_class=claimable.classes["a"]
    )
    walk_to_verified(world, claim_a, "a", claimable.allocations["a"])
    payer_a = second_payer(world, "a")
    batch_a = services.create_batch([claim_a], actor=payer_a)
    pay = {(p.line.person.name, p.line.item): p for p in batch_a.payments.select_related("line")}
    services.apply_bank_return(
        batch_a,
        [
            bank_row(pay[("马文", "training")], 2),
            bank_row(pay[("马文", "living")], 3),
            bank_row(pay[("韩梅", "living")], 4, success=False, reason="账户已销户"),
        ],
        actor=payer_a,
    )

    claim_b = services.submit_class_claim(
        actor=world.user(Role.INSTITUTION, "b"), training_class=claimable.classes["b"]
    )
    claim_b = services.review(claim_b, actor=world.user(Role.COUNTY_HRSS, "b"))
    complaint = services.file_complaint(
        claim_b.lines.get(item="living"), text="该学员多数时间未到课，出勤不实"
    )
    services.answer_complaint(
        complaint, actor=world.user(Role.COUNTY_HRSS, "b"), upheld=True, answer="经核实属实"
    )
    services.verify(
        claim_b,
        actor=world.user(Role.COUNTY_FINANCE, "b"),
        allocation=claimable.allocations["b"],
        today=today() + timedelta(days=8),
    )
    batch_b = services.create_batch([claim_b], actor=second_payer(world, "b"))

    claim_e = employer_claim(world, claimable.employers["a"])

    # Standards added after the claims, so that they cannot change their amounts.
    province = world.user(Role.PROVINCE)
    county_standard = {
        "a": services.save_standard(
            actor=province,
            region=Region.objects.get(code=COUNTY_A),
            item="training",
            occupation=occupation(HOUSEKEEPING),
            amount=Decimal("1500"),
            effective_from=date(2019, 1, 1),
            document="东人社发〔2019〕3号",
        ),
        "b": services.save_standard(
            actor=province,
            region=Region.objects.get(code=COUNTY_B),
            item="living",
            amount=Decimal("60"),
            effective_from=date(2019, 1, 1),
        ),
    }
    services.end_standard(county_standard["a"], actor=province, on=date(2019, 12, 31))
    extra_fund = services.allocate(
        actor=world.user(Role.COUNTY_FINANCE, "a"),
        region=Region.objects.get(code=COUNTY_A),
        source="integrated",
        year=today().year - 1,
        amount=Decimal("20000"),
        allocated_on=today() - timedelta(days=400),
    )
    province_fund = services.allocate(
        actor=province,
        region=Region.objects.get(code=PROVINCE),
        source="provincial",
        year=today().year,
        amount=Decimal("500000"),
        allocated_on=today() - timedelta(days=120),
    )
    return SimpleNamespace(
        world=world,
        claimable=claimable,
        claims={"a": claim_a, "b": claim_b, "employer": claim_e},
        batches={"a": batch_a, "b": batch_b},
        payments=pay,
        standards=county_standard,
        funds={
            "a": claimable.allocations["a"],
            "b": claimable.allocations["b"],
            "a_extra": extra_fund,
            "province": province_fund,
        },
    )


def results(client, url, params=None):
    response = client.get(url, {"page_size": 1000, **(params or {})})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(client, url, params=None):
    return {row["id"] for row in results(client, url, params)}


def payment_ids(**lookups):
    return set(Payment.objects.filter(**lookups).values_list("pk", flat=True))


# --- the scope matrix, one resource each ----------------------------------------------------


class TestStandardApi(ApiScopeMatrix):
    """Reference data: every reader sees every standard, whichever region set it."""

    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.SCHOOL  # 技工院校 do not claim these subsidies
    api_list_url = "/api/standards/"

    def own_object(self, world):
        return SubsidyStandard.objects.get(region_code=COUNTY_A)

    def other_object(self, world):
        return SubsidyStandard.objects.get(region_code=COUNTY_B)

    def api_detail_url(self, obj):
        return f"/api/standards/{obj.pk}/"

    def test_api_scope(self, world):
        # Not 404: the other county's standard is readable too (scope_everyone).
        client = api_client_for(world.user(self.viewer_role))
        for obj in (self.own_object(world), self.other_object(world)):
            assert client.get(self.api_detail_url(obj)).status_code == 200

    def test_api_list_is_everything(self, world):
        for role in (Role.COUNTY_HRSS, Role.VILLAGE, Role.INSTITUTION, Role.EMPLOYER):
            client = api_client_for(world.user(role, "b"))
            assert ids(client, self.api_list_url) == set(
                SubsidyStandard.objects.values_list("pk", flat=True)
            ), role
        assert SubsidyStandard.objects.count() == 7  # five the province's, one per county


class TestFundApi(ApiScopeMatrix):
    viewer_role = Role.COUNTY_FINANCE
    outsider_role = Role.INSTITUTION  # institutions see their claims, not the county's money
    api_list_url = "/api/funds/"

    def own_object(self, world):
        return FundAllocation.objects.get(region_code=COUNTY_A, source="central")

    def other_object(self, world):
        return FundAllocation.objects.get(region_code=COUNTY_B)

    def api_detail_url(self, obj):
        return f"/api/funds/{obj.pk}/"

    def test_api_list_is_scoped(self, data):
        client = api_client_for(data.world.user(self.viewer_role))
        # Not B's, nor the province's own allocation.
        assert ids(client, self.api_list_url) == {data.funds["a"].pk, data.funds["a_extra"].pk}
        client = api_client_for(data.world.user(Role.PROVINCE))
        assert ids(client, self.api_list_url) == {f.pk for f in data.funds.values()}


class TestClaimApi(ApiScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.SCHOOL
    api_list_url = "/api/claims/"

    def own_object(self, world):
        return SubsidyClaim.objects.get(region_code=COUNTY_A, kind="class")

    def other_object(self, world):
        return SubsidyClaim.objects.get(region_code=COUNTY_B)

    def api_detail_url(self, obj):
        return f"/api/claims/{obj.pk}/"

    def test_api_list_is_scoped(self, data):
        for role in (Role.COUNTY_HRSS, Role.COUNTY_FINANCE, Role.AUDITOR):
            client = api_client_for(data.world.user(role))
            assert ids(client, self.api_list_url) == {
                data.claims["a"].pk,
                data.claims["employer"].pk,
            }, role
        client = api_client_for(data.world.user(Role.COUNTY_HRSS, "b"))
        assert ids(client, self.api_list_url) == {data.claims["b"].pk}


class TestPaymentApi(ApiScopeMatrix):
    viewer_role = Role.COUNTY_FINANCE
    outsider_role = Role.SYSADMIN
    api_list_url = "/api/payments/"

    def own_object(self, world):
        return Payment.objects.filter(region_code=COUNTY_A).first()

    def other_object(self, world):
        return Payment.objects.filter(region_code=COUNTY_B).first()

    def api_detail_url(self, obj):
        return f"/api/payments/{obj.pk}/"

    def test_api_list_is_scoped(self, data):
        client = api_client_for(data.world.user(self.viewer_role))
        expected = payment_ids(batch=data.batches["a"])
        assert len(expected) == 4
        assert ids(client, self.api_list_url) == expected
        client = api_client_for(data.world.user(self.viewer_role, "b"))
        assert ids(client, self.api_list_url) == payment_ids(batch=data.batches["b"])


def test_paths_are_final(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    for path in LISTS:
        assert client.get(f"/api/{path}/").status_code == 200, path


# --- organisation users --------------------------------------------------------------------


def test_institution_user_sees_only_its_own_claims_and_payments(data):
    user = data.world.user(Role.INSTITUTION, "a")
    assert data.claims["a"].institution.credit_code == user.org_credit_code
    client = api_client_for(user)
    rows = results(client, "/api/claims/")
    # Not the employer's claim in the same county, nor institution B's.
    assert [(r["number"], r["institution"]) for r in rows] == [
        (data.claims["a"].number, user.org_credit_code)
    ]
    # Its claim's payments, the trainees' living allowances included.
    assert ids(client, "/api/payments/") == payment_ids(batch=data.batches["a"])
    assert client.get(f"/api/claims/{data.claims['b'].pk}/").status_code == 404
    assert client.get(f"/api/claims/{data.claims['employer'].pk}/").status_code == 404
    other = Payment.objects.filter(batch=data.batches["b"]).first()
    assert client.get(f"/api/payments/{other.pk}/").status_code == 404
    assert client.get("/api/funds/").status_code == 403

    client = api_client_for(data.world.user(Role.INSTITUTION, "b"))
    assert ids(client, "/api/claims/") == {data.claims["b"].pk}
    assert ids(client, "/api/payments/") == payment_ids(batch=data.batches["b"])


def test_employer_user_sees_only_its_own_claims(data):
    client = api_client_for(data.world.user(Role.EMPLOYER, "a"))
    rows = results(client, "/api/claims/")
    assert [(r["id"], r["kind"]) for r in rows] == [(data.claims["employer"].pk, "employer")]
    assert rows[0]["employer"] == data.claimable.employers["a"].credit_code
    assert results(client, "/api/payments/") == []  # nothing instructed yet
    assert results(api_client_for(data.world.user(Role.EMPLOYER, "b")), "/api/claims/") == []


def test_an_institution_without_a_credit_code_sees_nothing(data):
    user = data.world.user(Role.INSTITUTION, "a")
    user.org_credit_code = ""
    user.save(update_fields=["org_credit_code"])
    client = api_client_for(user)
    assert results(client, "/api/claims/") == []
    assert results(client, "/api/payments/") == []


def test_a_filter_never_widens_the_scope(data):
    client = api_client_for(data.world.user(Role.COUNTY_FINANCE, "a"))
    assert results(client, "/api/claims/", {"region": "620121"}) == []
    assert results(client, "/api/payments/", {"batch": data.batches["b"].number}) == []
    assert results(client, "/api/funds/", {"region": "62"}) != []
    assert ids(client, "/api/funds/", {"region": "62"}) == ids(client, "/api/funds/")


# --- nothing in clear ------------------------------------------------------------------------


def everything(client):
    """Every list and every detail the client may read, as one text."""
    body = ""
    for path in LISTS:
        response = client.get(f"/api/{path}/", {"page_size": 1000})
        if response.status_code == 403:
            continue
        assert response.status_code == 200, path
        body += response.content.decode()
        for pk in ids(client, f"/api/{path}/"):
            response = client.get(f"/api/{path}/{pk}/")
            assert response.status_code == 200
            body += response.content.decode()
    return body


@pytest.mark.parametrize(
    "role", [Role.PROVINCE, Role.COUNTY_FINANCE, Role.INSTITUTION, Role.EMPLOYER]
)
def test_no_id_number_or_account_in_clear(data, role):
    body = everything(api_client_for(data.world.user(role)))
    if role == Role.EMPLOYER:
        assert "妥德" in body
    else:
        # The payments are there, masked: the search below is not vacuous.
        assert "马文" in body and "韩梅" in body
        assert INSTITUTION_ACCOUNT[-4:] in body and ACCOUNTS["马文"][-4:] in body
    for number in id_numbers().values():
        assert number not in body
    for account in (*ACCOUNTS.values(), INSTITUTION_ACCOUNT, EMPLOYER_ACCOUNT):
        assert account not in body
    assert not re.search(r'"[a-z_]*_(enc|bidx)"', body)
    for field in ("phone", "bank_account", "birth_date", "contact"):
        assert f'"{field}"' not in body


def test_claim_lines_and_totals(data):
    client = api_client_for(data.world.user(Role.COUNTY_HRSS, "b"))
    claim = data.claims["b"]
    row = client.get(f"/api/claims/{claim.pk}/").json()
    wang = Person.objects.get(name="王永")
    lines = {line["item"]: line for line in row["lines"]}
    assert set(lines) == {"training", "living"}
    assert lines["training"]["person"] == {
        "id": wang.pk,
        "name": "王永",
        "id_number": wang.id_number_masked,
    }
    assert "*" in wang.id_number_masked
    training = claim.lines.get(item="training")
    assert lines["training"] | {"person": None} == {
        "id": training.pk,
        "person": None,
        "village_code": wang.village_code,
        "item": "training",
        "period": training.period,
        "year": training.year,
        "quantity": "1.00",
        "amount": "1320.00",
        "rule": training.rule,
        "status": "instructed",
        "payee_kind": "institution",
        "note": "",
    }
    assert lines["living"]["status"] == "rejected" and lines["living"]["note"].startswith(
        "举报属实"
    )
    assert (lines["living"]["quantity"], lines["living"]["amount"]) == ("20.00", "1000.00")
    # The struck-off living allowance counts in neither total.
    assert (row["line_count"], row["total_amount"], row["paid_amount"]) == (1, "1320.00", "0.00")
    assert row["institution"] == claim.institution.credit_code
    assert row["training_class"] == "B-JY-1" and row["employer"] is None
    assert row["allocation"] == data.funds["b"].pk
    assert (row["kind"], row["status"], row["region_code"]) == ("class", "paying", COUNTY_B)

    client = api_client_for(data.world.user(Role.COUNTY_HRSS, "a"))
    row = client.get(f"/api/claims/{data.claims['a'].pk}/").json()
    # Four lines; the bank paid 马文's two (1320 + 1000).
    assert (row["line_count"], row["total_amount"], row["paid_amount"]) == (
        4,
        "4640.00",
        "2320.00",
    )
    statuses = {(line["person"]["name"], line["item"]): line["status"] for line in row["lines"]}
    assert statuses == {
        ("马文", "training"): "paid",
        ("马文", "living"): "paid",
        ("韩梅", "training"): "instructed",
        ("韩梅", "living"): "failed",
    }
    row = client.get(f"/api/claims/{data.claims['employer'].pk}/").json()
    assert row["institution"] is None and row["training_class"] is None
    assert [(line["item"], line["amount"], line["payee_kind"]) for line in row["lines"]] == [
        ("work_based", "500.00", "employer")
    ]
    assert (row["total_amount"], row["status"]) == ("500.00", "submitted")


def test_claim_totals_agree_with_the_lines(data):
    """Over every claim, the annotated totals are the lines' sums."""
    client = api_client_for(data.world.user(Role.PROVINCE))
    rows = results(client, "/api/claims/")
    assert len(rows) == 3
    for row in rows:
        lines = ClaimLine.objects.filter(claim_id=row["id"])
        live = lines.exclude(status=LineStatus.REJECTED)
        total = live.aggregate(s=Sum("amount"))["s"] or Decimal("0")
        paid = lines.filter(status=LineStatus.PAID).aggregate(s=Sum("amount"))["s"] or Decimal("0")
        assert Decimal(row["total_amount"]) == total, row["number"]
        assert Decimal(row["paid_amount"]) == paid, row["number"]
        assert row["line_count"] == live.count()
        assert (
            sum(Decimal(line["amount"]) for line in row["lines"])
            == lines.aggregate(s=Sum("amount"))["s"]
        )


def test_payment_fields(data):
    client = api_client_for(data.world.user(Role.COUNTY_FINANCE, "a"))
    paid = data.payments[("马文", "training")]
    paid.refresh_from_db()
    row = client.get(f"/api/payments/{paid.pk}/").json()
    assert row == {
        "id": paid.pk,
        "idempotency_key": paid.idempotency_key,
        "batch": data.batches["a"].number,
        "claim": data.claims["a"].number,
        "line": paid.line_id,
        "allocation": data.funds["a"].pk,
        "region_code": COUNTY_A,
        "amount": "1320.00",
        "payee_name": data.claimable.classes["a"].institution.name,
        "payee_kind": "institution",
        "account_masked": paid.account_masked,
        "status": "paid",
        "bank_reference": "BANK000002",
        "paid_on": today().isoformat(),
        "failure_reason": "",
        "created_at": row["created_at"],
    }
    assert paid.idempotency_key.startswith(data.claims["a"].number)
    assert row["account_masked"].endswith(INSTITUTION_ACCOUNT[-4:]) and "*" in row["account_masked"]
    failed = client.get(f"/api/payments/{data.payments[('韩梅', 'living')].pk}/").json()
    assert (failed["status"], failed["failure_reason"], failed["paid_on"]) == (
        "failed",
        "账户已销户",
        None,
    )
    assert (failed["payee_name"], failed["payee_kind"]) == ("韩梅", "person_bank")
    assert failed["account_masked"].endswith(ACCOUNTS["韩梅"][-4:])


# --- funds ---------------------------------------------------------------------------------


def test_fund_balance_is_amount_less_committed_and_paid(data):
    assert_balances_match_payments()
    client = api_client_for(data.world.user(Role.COUNTY_FINANCE, "a"))
    allocation = data.funds["a"]
    row = client.get(f"/api/funds/{allocation.pk}/").json()
    # Paid: 马文's 1320 + 1000. Set aside: 韩梅's lines, instructed or refused by the bank.
    paid = Payment.objects.filter(allocation=allocation, status=PaymentStatus.PAID).aggregate(
        s=Sum("amount")
    )["s"]
    committed = ClaimLine.objects.filter(
        claim__allocation=allocation,
        status__in=[LineStatus.APPROVED, LineStatus.INSTRUCTED, LineStatus.FAILED],
    ).aggregate(s=Sum("amount"))["s"]
    assert (paid, committed) == (Decimal("2320.00"), Decimal("2320.00"))
    assert (row["amount"], row["committed"], row["paid"]) == ("100000.00", "2320.00", "2320.00")
    assert Decimal(row["balance"]) == Decimal("100000") - committed - paid == Decimal("95360.00")
    assert (row["source"], row["year"], row["region_code"]) == ("central", today().year, COUNTY_A)

    # Another verification sets more aside; the balance follows.
    claimable = data.claimable
    world = data.world
    extra = finished_class(world, "a", code="A-JY-2", names=["妥德"], ended_days_ago=20)
    pass_all(extra)
    claim = services.submit_class_claim(
        actor=world.user(Role.INSTITUTION, "a"), training_class=extra
    )
    before = Decimal(row["balance"])
    walk_to_verified(world, claim, "a", claimable.allocations["a"])
    total = claim.lines.aggregate(s=Sum("amount"))["s"]
    assert total > 0
    row = client.get(f"/api/funds/{allocation.pk}/").json()
    assert Decimal(row["committed"]) == committed + total
    assert Decimal(row["balance"]) == before - total
    assert Decimal(row["balance"]) == (
        Decimal(row["amount"]) - Decimal(row["committed"]) - Decimal(row["paid"])
    )
    # The other county's allocation did not move.
    row = api_client_for(world.user(Role.COUNTY_FINANCE, "b")).get(
        f"/api/funds/{data.funds['b'].pk}/"
    )
    assert Decimal(row.json()["balance"]) == Decimal("100000") - Decimal("1320")


# --- filters -------------------------------------------------------------------------------


def test_standard_filters(data):
    client = api_client_for(data.world.user(Role.INSTITUTION, "a"))
    url = "/api/standards/"
    own, other = data.standards["a"].pk, data.standards["b"].pk
    province = set(
        SubsidyStandard.objects.filter(region_code=PROVINCE).values_list("pk", flat=True)
    )
    assert len(province) == 5

    def found(**params):
        return ids(client, url, params)

    assert found() == province | {own, other}
    training = set(
        SubsidyStandard.objects.filter(region_code=PROVINCE, item="training").values_list(
            "pk", flat=True
        )
    )
    assert found(item="training") == training | {own}
    assert found(item="living", region="620121") == {other}
    assert found(occupation=HOUSEKEEPING) == {own}
    assert found(occupation="6-31-01-03") == set()
    assert found(region="622926") == {own}
    assert found(region="62") == province | {own, other}
    assert found(region="not-a-code") == set()
    # County A's standard ran through 2019, both ends included.
    assert found(in_force_on="2019-12-31") == province | {own, other}
    assert found(in_force_on="2020-01-01") == province | {other}
    assert found(in_force_on="2019-01-01", item="training") == training | {own}
    assert found(in_force_on="2018-12-31") == province
    assert found(in_force_on="2017-12-31") == set()
    assert client.get(url, {"in_force_on": "not-a-date"}).status_code == 400

    row = client.get(f"{url}{own}/").json()
    assert row["occupation"] == HOUSEKEEPING and row["occupation_name"] == "家政服务员"
    assert (row["amount"], row["unit"], row["effective_to"]) == ("1500.00", "person", "2019-12-31")
    assert row["document"] == "东人社发〔2019〕3号" and row["region_code"] == COUNTY_A


def test_fund_filters(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    funds = {key: f.pk for key, f in data.funds.items()}

    def found(**params):
        return ids(client, "/api/funds/", params)

    assert found(source="central") == {funds["a"], funds["b"]}
    assert found(source="integrated") == {funds["a_extra"]}
    assert found(source="donation") == set()
    assert found(year=today().year) == {funds["a"], funds["b"], funds["province"]}
    assert found(year=today().year - 1) == {funds["a_extra"]}
    assert found(region="622926") == {funds["a"], funds["a_extra"]}
    assert found(region="620121", source="central") == {funds["b"]}
    assert found(region="62") == set(funds.values())


def test_claim_filters(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    a, b, e = (data.claims[k].pk for k in ("a", "b", "employer"))

    def found(**params):
        return ids(client, "/api/claims/", params)

    assert found() == {a, b, e}
    assert found(status="paying") == {a, b}
    assert found(status="submitted") == {e}
    assert found(status="reconciled") == set()
    assert found(kind="class") == {a, b}
    assert found(kind="employer") == {e}
    assert found(kind="person") == set()
    assert found(number=data.claims["b"].number) == {b}
    assert found(number=data.claims["b"].number[:-1]) == set()  # exact, not a prefix
    assert found(institution=data.claimable.classes["a"].institution.credit_code) == {a}
    assert found(employer=data.claimable.employers["a"].credit_code) == {e}
    assert found(employer=data.claimable.employers["b"].credit_code) == set()
    assert found(training_class="A-JY-1") == {a}
    assert found(training_class="B-JY-1") == {b}
    assert found(region="622926") == {a, e}
    assert found(region="620121") == {b}
    assert found(region="622926", kind="class") == {a}
    assert found(region="not-a-code") == set()


def test_payment_filters(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    pay = data.payments

    def found(**params):
        return ids(client, "/api/payments/", params)

    batch_b = payment_ids(batch=data.batches["b"])
    assert len(batch_b) == 1  # 王永's training subsidy; his living allowance was struck off
    assert found(status="paid") == {pay[("马文", "training")].pk, pay[("马文", "living")].pk}
    assert found(status="failed") == {pay[("韩梅", "living")].pk}
    assert found(status="pending") == {pay[("韩梅", "training")].pk} | batch_b
    assert found(batch=data.batches["a"].number) == {p.pk for p in pay.values()}
    assert found(batch=data.batches["b"].number) == batch_b
    assert found(batch="ZF000000") == set()
    assert found(claim=data.claims["b"].number) == batch_b
    assert found(claim=data.claims["employer"].number) == set()
    assert found(region="622926", status="pending") == {pay[("韩梅", "training")].pk}
    assert found(region="620121") == batch_b


# --- the rest --------------------------------------------------------------------------------


def test_read_only(data):
    client = api_client_for(data.world.user(Role.COUNTY_FINANCE, "a"))
    fund = data.funds["a"]
    payment = data.payments[("韩梅", "training")]
    responses = [
        client.post("/api/funds/", {}, format="json"),
        client.patch(f"/api/funds/{fund.pk}/", {"amount": "1"}, format="json"),
        client.delete(f"/api/claims/{data.claims['a'].pk}/"),
        client.put(f"/api/payments/{payment.pk}/", {"status": "paid"}, format="json"),
    ]
    assert [r.status_code in (403, 405) for r in responses] == [True] * 4
    fund.refresh_from_db()
    payment.refresh_from_db()
    assert fund.amount == Decimal("100000") and payment.status == PaymentStatus.PENDING
    assert SubsidyClaim.objects.filter(pk=data.claims["a"].pk).exists()


# Queries per list, whatever the number of rows: the token, the caller's region
# (not for reference data), the count, the page and (claims) the lines with their persons.
MAX_QUERIES = {"standards": 3, "funds": 4, "claims": 5, "payments": 4}


def test_lists_do_not_query_per_row(data, django_assert_max_num_queries):
    world = data.world
    client = api_client_for(world.user(Role.PROVINCE))

    def cost():
        counts = {}
        for path in LISTS:
            with (
                django_assert_max_num_queries(MAX_QUERIES[path]),
                CaptureQueriesContext(connection) as queries,
            ):
                rows = results(client, f"/api/{path}/")
            counts[path] = (len(queries), len(rows), sum(len(r.get("lines", ())) for r in rows))
        return counts

    before = cost()
    # More of everything: a second class claimed, verified and paid in A, more
    # standards and allocations.
    extra = finished_class(world, "a", code="A-JY-2", names=["马小", "妥德"], ended_days_ago=20)
    pass_all(extra)
    claim = services.submit_class_claim(
        actor=world.user(Role.INSTITUTION, "a"), training_class=extra
    )
    walk_to_verified(world, claim, "a", data.claimable.allocations["a"])
    services.create_batch([claim], actor=second_payer(world, "a", n=3))
    for n, item in enumerate(("appraisal", "living", "training")):
        services.save_standard(
            actor=world.user(Role.PROVINCE),
            region=Region.objects.get(code=COUNTY_B),
            item=item,
            amount=Decimal("100") + n,
            effective_from=date(2020, 1, 1),
        )
        services.allocate(
            actor=world.user(Role.COUNTY_FINANCE, "b"),
            region=Region.objects.get(code=COUNTY_B),
            source="county",
            year=2020 + n,
            amount=Decimal("1000"),
            allocated_on=date(2020 + n, 3, 1),
        )
    after = cost()
    for path in LISTS:
        assert after[path][1] > before[path][1], path
        assert after[path][0] == before[path][0], path
    assert after["claims"][2] > before["claims"][2]  # more lines too, at no extra cost


def schema(user):
    client = api_client_for(user)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_has_the_endpoints(data):
    document = schema(data.world.user(Role.PROVINCE))
    paths = document["paths"]
    for path in LISTS:
        assert f"/api/{path}/" in paths and f"/api/{path}/{{id}}/" in paths, path

    def params(path):
        return {p["name"] for p in paths[path]["get"]["parameters"]}

    assert {"item", "occupation", "region", "in_force_on"} <= params("/api/standards/")
    assert {"source", "year", "region"} <= params("/api/funds/")
    assert {
        "status",
        "kind",
        "number",
        "institution",
        "employer",
        "training_class",
        "region",
    } <= params("/api/claims/")
    assert {"status", "batch", "claim", "region"} <= params("/api/payments/")
    payment = document["components"]["schemas"]["Payment"]["properties"]
    assert "account_masked" in payment
    assert not any(name.endswith(("_enc", "_bidx")) for name in payment)
    assert "balance" in document["components"]["schemas"]["FundAllocation"]["properties"]


def test_schema_without_warnings(data):
    GENERATOR_STATS.reset()
    schema(data.world.user(Role.PROVINCE))
    warnings = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    assert warnings == []
