"""工作进度 dashboards and ``/api/progress/``: scoped like every page, the numbers on
the page are ``progress.dashboard``'s, which are an independent count of the raw
tables; slow counties are flagged on their parent's dashboard; the phase follows
the "as of" day; the refresh queues one rebuild and the page says so.

The small data set (``build_progress_data``): in 东乡族自治县 (A) a class of 马文 and
韩梅, completed, claimed and paid, 马文 certified and placed in the province; in
永登县 (B) a class of 王永, placed outside the province. Everything is then moved
into 2019 (the classes end 2019-10-31) and targets are set so that B and 兰州市 are
behind the share the phases expect on 2019-12-31 (55 %) and A and 临夏州 are not.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Exists, Min, OuterRef, Sum
from django_tasks_db.models import DBTaskResult

from jifu.accounts import services as account_services
from jifu.accounts.roles import Role
from jifu.core import crypto
from jifu.core.testing import COUNTY_A, COUNTY_B, PASSWORD, TOWNSHIP_A, api_client_for
from jifu.employment.models import Placement
from jifu.employment.tests.fixtures import place
from jifu.planning import dashboard_views, progress, summaries
from jifu.planning.models import SummaryState, Target
from jifu.regions.models import Region
from jifu.registry.models import Person
from jifu.subsidies import services as subsidy_services
from jifu.subsidies.choices import PaymentStatus
from jifu.subsidies.models import Payment
from jifu.subsidies.tests.fixtures import claimable_fixture, today  # noqa: F401 - fixture
from jifu.training import services as training_services
from jifu.training.choices import ClassStatus, EnrolmentStatus
from jifu.training.models import Certificate, Enrolment, TrainingClass

AS_OF = date(2019, 12, 31)
CLASS_END = date(2019, 10, 31)
PROVINCE = "620000000000"
LINXIA = "622900000000"  # 临夏回族自治州, A's prefecture
LANZHOU = "620100000000"  # 兰州市, B's prefecture
URL = "/planning/dashboard/"
API = "/api/progress/"
TARGETS = {PROVINCE: 10, LINXIA: 4, LANZHOU: 10, COUNTY_A: 3, COUNTY_B: 10, TOWNSHIP_A: 3}


# --- data -----------------------------------------------------------------------------------------


def _pay_class_claim(world, training_class, allocation, side="a"):
    """The class's claim through review, verification, a batch and a bank return paying all."""
    claim = subsidy_services.submit_class_claim(
        actor=world.user(Role.INSTITUTION, side), training_class=training_class
    )
    subsidy_services.review(claim, actor=world.user(Role.COUNTY_HRSS, side))
    subsidy_services.verify(
        claim,
        actor=world.user(Role.COUNTY_FINANCE, side),
        allocation=allocation,
        today=today() + timedelta(days=8),  # after the publicity
    )
    payer = account_services.create_user(
        actor=None,
        username=f"finance_{side}_payer",
        role=Role.COUNTY_FINANCE,
        region=world.user(Role.COUNTY_FINANCE, side).region,
        password=PASSWORD,
    )
    batch = subsidy_services.create_batch([claim], actor=payer)
    rows = [
        subsidy_services.ReturnRow(
            row=n,
            key=p.idempotency_key,
            account=crypto.decrypt(p.account_enc, context=subsidy_services.PAYMENT_ACCOUNT_CONTEXT),
            amount=p.amount,
            success=True,
            reference=f"BANK{n:06d}",
            paid_on=today(),
        )
        for n, p in enumerate(batch.payments.all(), start=2)
    ]
    subsidy_services.apply_bank_return(batch, rows, actor=payer)


def _shift_into_2019(delta: timedelta) -> None:
    """Move every date the summaries read back by ``delta`` (row by row: date
    arithmetic in UPDATE differs between SQLite and PostgreSQL)."""
    for c in TrainingClass.objects.all():
        TrainingClass.objects.filter(pk=c.pk).update(
            start_date=c.start_date - delta, end_date=c.end_date - delta
        )
    for p in Placement.objects.all():
        Placement.objects.filter(pk=p.pk).update(start_date=p.start_date - delta)
    for c in Certificate.objects.all():
        Certificate.objects.filter(pk=c.pk).update(issued_on=c.issued_on - delta)
    for p in Payment.objects.exclude(paid_on=None):
        Payment.objects.filter(pk=p.pk).update(paid_on=p.paid_on - delta)


def set_targets(values: dict[str, int], year=None) -> None:
    for code, value in values.items():
        region = Region.objects.get(code=code)
        Target.objects.update_or_create(
            region_code=code,
            year=year,
            kind="trainees",
            training_type="",
            defaults={"region": region, "value": Decimal(value)},
        )


def build_progress_data(world, classes, allocations):
    """The data set of the module docstring, with summaries rebuilt."""
    _pay_class_claim(world, classes["a"], allocations["a"])
    end = classes["a"].end_date
    ma = Enrolment.objects.get(training_class=classes["a"], person__name="马文")
    training_services.issue_certificate(
        actor=world.user(Role.COUNTY_HRSS, "a"),
        person=ma.person,
        kind="skill_level",
        number="S2019622926000001",
        occupation=classes["a"].occupation,
        level=5,
        issuer="东乡族自治县职业技能鉴定所",
        issued_on=end + timedelta(days=5),
        enrolment=ma,
    )
    place(world, "马文", side="a", start=end + timedelta(days=10), place="in_province")
    place(
        world,
        "王永",
        side="b",
        start=end + timedelta(days=20),
        place="out_of_province",
        province="浙江省",
        location="宁波市",
    )
    _shift_into_2019(end - CLASS_END)
    set_targets(TARGETS)
    summaries.rebuild()


@pytest.fixture(name="data")
def data_fixture(claimable):
    build_progress_data(claimable.world, claimable.classes, claimable.allocations)
    return claimable


def raw_counts(prefix: str, start: date, end: date) -> dict:
    """The dashboard's definitions counted straight from the raw tables."""
    held = [ClassStatus.APPROVED, ClassStatus.RUNNING, ClassStatus.COMPLETED, ClassStatus.ASSESSED]
    trained = [EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED]
    ended = [ClassStatus.COMPLETED, ClassStatus.ASSESSED]
    mine = {"village_code__startswith": prefix}
    enrolments = Enrolment.objects.filter(**mine)
    trainees = enrolments.filter(
        status__in=trained,
        training_class__status__in=held,
        training_class__start_date__range=(start, end),
    )
    completed = enrolments.filter(
        status=EnrolmentStatus.COMPLETED,
        training_class__status__in=ended,
        training_class__end_date__range=(start, end),
    )
    employed = [
        e
        for e in completed.select_related("training_class")
        if Placement.objects.filter(
            person_id=e.person_id,
            start_date__gte=e.training_class.end_date,
            start_date__lte=e.training_class.end_date + timedelta(days=183),
        ).exists()
    ]
    paid = Payment.objects.filter(
        **mine, status=PaymentStatus.PAID, paid_on__range=(start, end)
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    first = (
        Enrolment.objects.filter(
            person_id=OuterRef("pk"), status__in=trained, training_class__status__in=held
        )
        .values("person_id")
        .annotate(f=Min("training_class__start_date"))
        .values("f")
    )
    people = Person.objects.filter(**mine)
    trained_ever = people.filter(Exists(first.filter(f__lte=end))).count()
    wanting = (
        people.labour_force()
        .filter(wants_training=True)
        .exclude(Exists(Enrolment.objects.filter(person_id=OuterRef("pk"), status__in=trained)))
        .count()
    )
    return {
        "trainees": trainees.count(),
        "completions": completed.count(),
        "certificates": Certificate.objects.filter(**mine, issued_on__range=(start, end)).count(),
        "employed_after_training": len(employed),
        "transfer_employment": Placement.objects.filter(
            **mine, place__in=["in_province", "out_of_province"], start_date__range=(start, end)
        ).count(),
        "subsidies_paid": paid,
        "trained_persons_cumulative": trained_ever,
        "wanting_untrained": wanting,
        "coverage": Decimal(trained_ever) / (trained_ever + wanting),
    }


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def card_values(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-testid="kpi-([a-z_]+)" data-value="([^"]*)"', html))


# --- scope ----------------------------------------------------------------------------------------


def test_county_user_sees_own_county_and_not_another(client, data):
    client.force_login(data.world.user(Role.COUNTY_HRSS, "a"))
    own = client.get(URL, {"as_of": AS_OF})
    assert own.status_code == 200
    assert own.context["board"].region.code == COUNTY_A  # the user's own region by default
    assert client.get(URL, {"region": COUNTY_B[:6]}).status_code == 404
    assert client.get(URL, {"region": LANZHOU[:4] + "00"}).status_code == 404  # the level above
    assert client.get(URL, {"region": "629999"}).status_code == 404  # unknown: the same answer
    township = client.get(URL, {"region": TOWNSHIP_A[:9]})
    assert township.status_code == 200 and township.context["board"].region.code == TOWNSHIP_A


def test_province_sees_every_region(client, data):
    client.force_login(data.world.user(Role.PROVINCE))
    for code in (PROVINCE, LINXIA, LANZHOU, COUNTY_A, COUNTY_B, TOWNSHIP_A):
        response = client.get(URL, {"region": code, "as_of": AS_OF})
        assert response.status_code == 200, code
        assert response.context["board"].region.code == code
    children = client.get(URL, {"as_of": AS_OF}).context["data"]["children"]
    assert len(children) == 14  # every prefecture of Gansu on the map


def test_prefecture_sees_only_its_counties(client, data):
    client.force_login(data.world.user(Role.PREFECTURE, "a"))
    board = client.get(URL, {"as_of": AS_OF}).context["board"]
    assert board.region.code == LINXIA
    assert COUNTY_A in {c.region.code for c in board.children}
    assert client.get(URL, {"region": COUNTY_B}).status_code == 404
    assert client.get(URL, {"region": PROVINCE}).status_code == 404


def test_roles_without_the_permission_and_anonymous(client, data):
    assert client.get(URL)["Location"].startswith("/login/")
    client.force_login(data.world.user(Role.INSTITUTION, "a"))
    assert client.get(URL).status_code == 403


def test_village_user_is_told_there_is_no_village_dashboard(client, data):
    client.force_login(data.world.user(Role.VILLAGE, "a"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "村级不单独统计" in response.content.decode()


def test_bad_parameters_fall_back_with_a_message(client, data):
    client.force_login(data.world.user(Role.COUNTY_HRSS, "a"))
    response = client.get(URL, {"as_of": "2019-13-01", "year": "abc"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "统计日期应为 YYYY-MM-DD 格式" in body and "年度应为四位数字" in body
    assert response.context["query"].year is None


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [COUNTY_A, COUNTY_B, TOWNSHIP_A, LINXIA, PROVINCE])
def test_page_equals_dashboard_equals_raw_count(client, data, code):
    place_ = region(code)
    board = progress.dashboard(place_, as_of=AS_OF)
    raw = raw_counts(place_.prefix, date(2018, 1, 1), AS_OF)
    for key, value in raw.items():
        assert board.figures[key] == value, key
    client.force_login(data.world.user(Role.PROVINCE))
    html = client.get(URL, {"region": code, "as_of": AS_OF}).content.decode()
    shown = card_values(html)
    for key in dashboard_views.KPI_METRICS:
        expected = board.figures[key]
        if key == "coverage":
            assert float(shown[key]) == pytest.approx(float(expected), abs=1e-4), key
        else:
            assert Decimal(shown[key]) == expected, key


def test_the_data_set_is_what_the_docstring_says(data):
    a = raw_counts(COUNTY_A[:6], date(2018, 1, 1), AS_OF)
    b = raw_counts(COUNTY_B[:6], date(2018, 1, 1), AS_OF)
    assert (a["trainees"], a["completions"], a["certificates"]) == (2, 2, 1)
    assert (a["employed_after_training"], a["transfer_employment"]) == (1, 1)
    assert a["subsidies_paid"] > 0
    assert (b["trainees"], b["employed_after_training"], b["subsidies_paid"]) == (1, 1, 0)
    # Before the classes, nothing: the "as of" day cuts the months.
    early = progress.dashboard(region(COUNTY_A), as_of=date(2019, 9, 30))
    assert early.figures["trainees"] == 0
    assert progress.dashboard(region(COUNTY_A), as_of=date(2019, 10, 1)).figures["trainees"] == 2


def test_year_window(client, data):
    client.force_login(data.world.user(Role.COUNTY_HRSS, "a"))
    in_2019 = client.get(URL, {"as_of": AS_OF, "year": 2019}).context["data"]
    assert in_2019["figures"]["trainees"] == 2
    assert in_2019["window"] == {"start": "2019-01-01", "end": "2019-12-31"}
    in_2020 = client.get(URL, {"as_of": "2020-06-30", "year": 2020}).context["data"]
    assert in_2020["figures"]["trainees"] == 0
    # Cumulative people trained still count for coverage in a later year.
    assert in_2020["figures"]["trained_persons_cumulative"] == 2


def test_children_trainees_sum_to_the_parent(data):
    board = progress.dashboard(region(PROVINCE), as_of=AS_OF)
    assert sum(c.achieved for c in board.children) == board.figures["trainees"] == 3


# --- targets, phases, slow ------------------------------------------------------------------------


def test_slow_county_flagged_on_its_prefecture_dashboard(client, data):
    client.force_login(data.world.user(Role.PREFECTURE, "b"))
    response = client.get(URL, {"as_of": AS_OF})
    body = response.content.decode()
    row = re.search(rf'<tr data-testid="child-{COUNTY_B}"[^>]*>.*?</tr>', body, re.S).group(0)
    assert "慢进度" in row and "永登县" in row
    child = next(c for c in response.context["board"].children if c.region.code == COUNTY_B)
    assert child.slow and child.rate == Decimal("0.1")
    assert response.context["data"]["slow"]  # 兰州市 itself: 1 of 10


def test_county_ahead_of_the_phase_is_not_flagged(client, data):
    client.force_login(data.world.user(Role.PREFECTURE, "a"))
    response = client.get(URL, {"as_of": AS_OF})
    row = re.search(
        rf'<tr data-testid="child-{COUNTY_A}"[^>]*>.*?</tr>', response.content.decode(), re.S
    ).group(0)
    assert "慢进度" not in row and "66.7%" in row
    assert not response.context["data"]["slow"]  # 临夏州: 2 of 4 = 50 % ≥ 90 % × 55 %


def test_province_map_flags_lanzhou_and_carries_rates(client, data):
    client.force_login(data.world.user(Role.PROVINCE))
    ctx = client.get(URL, {"as_of": AS_OF}).context
    chart = ctx["map_chart"]
    rates = dict(zip(chart["names"], chart["rate_pct"], strict=True))
    slow = dict(zip(chart["names"], chart["slow"], strict=True))
    assert rates["临夏回族自治州"] == 50.0 and rates["兰州市"] == 10.0
    assert slow["兰州市"] and not slow["临夏回族自治州"]
    assert rates["天水市"] is None and not slow["天水市"]  # no target: neither rate nor flag
    assert ctx["bar_chart"] is None


def test_slow_flag_follows_the_phase(data):
    # On 2019-06-30 the phases expect 10 % + 45 % × 181/365 ≈ 32 %; B has done nothing yet.
    board = progress.dashboard(region(LANZHOU), as_of=date(2019, 6, 30))
    child = next(c for c in board.children if c.region.code == COUNTY_B)
    assert child.achieved == 0 and child.slow
    # Before the action starts nothing is expected, so nobody is slow.
    early = progress.dashboard(region(LANZHOU), as_of=date(2018, 6, 30))
    assert early.expected == 0 and not any(c.slow for c in early.children)


def test_as_of_in_2019_shows_the_second_phase(client, data):
    client.force_login(data.world.user(Role.COUNTY_HRSS, "a"))
    response = client.get(URL, {"as_of": "2019-06-30"})
    body = response.content.decode()
    assert re.search(r'data-testid="phase-name">深入开展<', body)
    expected = Decimal("0.1") + Decimal("0.45") * 181 / 365
    assert response.context["board"].expected == expected
    assert f"{float(expected) * 100:.1f}%" in body
    later = client.get(URL, {"as_of": "2020-10-15"}).content.decode()
    assert re.search(r'data-testid="phase-name">评估总结<', later)


def test_default_as_of_comes_from_settings(client, data, settings):
    settings.JIFU_AS_OF = "2019-12-31"
    client.force_login(data.world.user(Role.COUNTY_HRSS, "a"))
    response = client.get(URL)
    assert response.context["query"].as_of == AS_OF
    assert response.context["board"].phase.name == "深入开展"
    del settings.JIFU_AS_OF
    assert client.get(URL).context["query"].as_of == today()


def test_kpi_card_shows_target_rate_and_expected(client, data):
    client.force_login(data.world.user(Role.COUNTY_HRSS, "a"))
    html = client.get(URL, {"as_of": AS_OF}).content.decode()
    card = re.search(r'data-testid="kpi-trainees".*?</div>\s*</div>\s*</div>', html, re.S).group(0)
    assert re.search(r'data-testid="kpi-target">3<', card)
    assert re.search(r'data-testid="kpi-rate">66.7%<', card)
    assert "55.0%" in card


# --- drill-down and the people behind the numbers -------------------------------------------------


def test_drill_down_links_and_people_lists(client, data):
    client.force_login(data.world.user(Role.PROVINCE))
    province = client.get(URL, {"as_of": AS_OF}).context
    linxia = next(c for c in province["children"] if c["code"] == LINXIA)
    county_page = client.get(linxia["url"]).context
    assert county_page["board"].region.code == LINXIA
    assert county_page["query"].as_of == AS_OF  # the day travels with the drill-down
    dongxiang = next(c for c in county_page["children"] if c["code"] == COUNTY_A)
    county = client.get(dongxiang["url"]).context
    suonan = next(c for c in county["children"] if c["code"] == TOWNSHIP_A)
    assert suonan["trainees"] == 2
    township = client.get(suonan["url"])
    assert township.context["board"].region.code == TOWNSHIP_A
    assert township.context["children"] == []
    links = dict(township.context["people"])
    (label, url), *_ = links["trainees"]
    listing = client.get(url)
    assert listing.status_code == 200
    body = listing.content.decode()
    assert "马文" in body and "韩梅" in body and "王永" not in body
    _label, placements = links["transfer_employment"][0]
    assert "place=in_province" in placements and "start_after=2018-01-01" in placements
    body = client.get(placements).content.decode()
    assert "马文" in body


def test_people_links_follow_the_roles_permissions(client, data):
    client.force_login(data.world.user(Role.COUNTY_FINANCE, "a"))
    links = client.get(URL, {"as_of": AS_OF}).context["people"]
    finance = data.world.user(Role.COUNTY_FINANCE, "a")
    for metric, rows in links.items():
        for _label, url in rows:
            assert client.get(url).status_code == 200, (metric, url)
    assert ("subsidies_paid" in links) == finance.has_perm("subsidies.view_subsidyclaim")


# --- summaries state and refresh ------------------------------------------------------------------


def test_page_shows_when_the_summaries_were_built(client, data):
    state = SummaryState.objects.get()
    client.force_login(data.world.user(Role.COUNTY_HRSS, "a"))
    body = client.get(URL, {"as_of": AS_OF}).content.decode()
    from django.utils import timezone

    shown = timezone.localtime(state.rebuilt_at).strftime("%Y-%m-%d %H:%M")
    assert re.search(rf'data-testid="rebuilt-at">{shown}<', body)
    assert 'data-testid="rebuild-pending"' not in body


def test_refresh_queues_one_rebuild_and_the_page_says_the_numbers_are_older(client, data):
    client.force_login(data.world.user(Role.COUNTY_HRSS, "a"))
    back = f"{URL}?as_of=2019-12-31"
    response = client.post(f"{URL}refresh/", {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert DBTaskResult.objects.filter(task_path="jifu.planning.tasks.rebuild_task").count() == 1
    client.post(f"{URL}refresh/", {"next": back})  # no worker yet: no second task
    assert DBTaskResult.objects.count() == 1
    page = client.get(back).content.decode()
    assert 'data-testid="rebuild-pending"' in page
    # A foreign "next" is not followed.
    assert client.post(f"{URL}refresh/", {"next": "https://evil.example/"})["Location"] == URL


def test_refresh_runs_with_a_worker_backend(client, data, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    before = SummaryState.objects.get().rebuilt_at
    client.force_login(data.world.user(Role.PROVINCE))
    client.post(f"{URL}refresh/")
    assert SummaryState.objects.get().rebuilt_at > before


def test_township_and_auditor_may_not_refresh(client, data):
    for role in (Role.TOWNSHIP, Role.VILLAGE, Role.AUDITOR):
        client.force_login(data.world.user(role, "a"))
        assert client.post(f"{URL}refresh/").status_code == 403, role
        if role != Role.VILLAGE:
            assert 'data-testid="refresh"' not in client.get(URL).content.decode()


def test_summaries_are_built_on_first_view_when_never_built(client, claimable):
    assert not SummaryState.objects.exists()
    client.force_login(claimable.world.user(Role.COUNTY_HRSS, "a"))
    response = client.get(URL)
    assert response.status_code == 200
    assert SummaryState.objects.get().rebuilt_at is not None
    # The class ended 30 days ago: today's dashboard of this year counts it.
    data = client.get(URL, {"year": today().year}).context["data"]
    assert data["figures"]["trainees"] == 2


# --- API ------------------------------------------------------------------------------------------


def test_api_matches_the_dashboard(data):
    user = data.world.user(Role.COUNTY_HRSS, "a")
    client = api_client_for(user)
    response = client.get(API, {"region": COUNTY_A[:6], "as_of": "2019-12-31"})
    assert response.status_code == 200, response.content
    body = response.json()
    board = progress.dashboard(region(COUNTY_A), as_of=AS_OF, user=user)
    assert body["region"] == {"code": COUNTY_A, "name": "东乡族自治县", "level": "county"}
    assert body["phase"]["name"] == "深入开展"
    assert body["expected_share"] == 0.55
    assert body["targets"] == {"trainees": 3}
    assert body["rates"]["trainees"] == pytest.approx(2 / 3, abs=1e-4)
    assert body["slow"] is False
    for key, value in board.figures.items():
        if key == "coverage":
            assert body["figures"][key] == pytest.approx(float(value), abs=1e-4)
        else:
            assert Decimal(str(body["figures"][key])) == value, key
    suonan = next(c for c in body["children"] if c["code"] == TOWNSHIP_A)
    assert suonan == {
        "code": TOWNSHIP_A,
        "name": "锁南镇",
        "level": "township",
        "trainees": 2,
        "target": 3,
        "rate": pytest.approx(2 / 3, abs=1e-4),
        "slow": False,
        "completions": 2,
        "certificates": 1,
        "employed_after_training": 1,
        "subsidies_paid": pytest.approx(float(board.figures["subsidies_paid"])),
    }
    assert len(body["trend"]) == 24 and body["trend"][21] == {
        "month": "2019-10",
        "value": 2,
        "cumulative": 2,
    }
    assert body["summaries_rebuilt_at"] and body["rebuild_pending"] is False


def test_api_year_and_default_region(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    body = client.get(API, {"year": 2019, "as_of": "2019-12-31"}).json()
    assert body["region"]["code"] == PROVINCE and body["year"] == 2019
    assert body["expected_share"] == 1.0  # the whole of 2019's part by its last day
    assert body["figures"]["trainees"] == 3
    # Targets of the whole action do not count for a year: no 2019 targets, no flags.
    assert body["targets"] == {} and not any(c["slow"] for c in body["children"])
    set_targets({LANZHOU: 5, LINXIA: 2}, year=2019)
    body = client.get(API, {"year": 2019, "as_of": "2019-12-31"}).json()
    assert {c["name"] for c in body["children"] if c["slow"]} == {"兰州市"}


def test_api_scope_and_errors(data):
    county = api_client_for(data.world.user(Role.COUNTY_HRSS, "a"))
    assert county.get(API, {"region": COUNTY_B}).status_code == 404
    assert county.get(API, {"region": PROVINCE}).status_code == 404
    for params in (
        {"year": "abc"},
        {"year": "2017"},
        {"as_of": "2019-12-31", "year": "2020"},  # a year after the day
        {"as_of": "31/12/2019"},
        {"as_of": "20191231"},
        {"as_of": "9999-12-31"},  # the month's end would overflow
        {"region": "12345"},
    ):
        response = county.get(API, params)
        assert response.status_code == 400, params
        assert response.json()["errors"], params
    assert api_client_for(None).get(API).status_code == 401
    assert api_client_for(data.world.user(Role.INSTITUTION, "a")).get(API).status_code == 403
    village = api_client_for(data.world.user(Role.VILLAGE, "a")).get(API)
    assert village.status_code == 400 and "region" in village.json()["errors"]


def test_api_in_the_schema(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    params = {p["name"] for p in schema["paths"]["/api/progress/"]["get"]["parameters"]}
    assert params == {"region", "year", "as_of"}
