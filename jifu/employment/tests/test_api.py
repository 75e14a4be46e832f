"""The employment API: scoped like the pages (regions, employers, institutions),
persons masked, filters by code, follow-up states computed as the model does."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS

from jifu.accounts.roles import Role
from jifu.core import creditcode
from jifu.core.testing import (
    COUNTY_A,
    COUNTY_B,
    TOWNSHIP_A,
    TOWNSHIP_B,
    ApiScopeMatrix,
    api_client_for,
)
from jifu.employment import services
from jifu.employment.models import Employer, FollowUp, JobPost, Placement, Startup
from jifu.regions.models import Region
from jifu.registry.models import Person
from jifu.training import services as training_services
from jifu.training.choices import EnrolmentSource

from .fixtures import (  # noqa: F401 - pytest fixture
    HOUSEKEEPING,
    finished_fixture,
    id_numbers,
    make_class,
    place,
    today,
)


@pytest.fixture(autouse=True, name="data")
def data_fixture(finished):
    """On each side: a job, an export programme, a placement with the side's employer
    and class (马文 in A, 王永 in B) and a start-up; 韩梅 (A) found work on her own."""
    world = finished.world
    leader_jobs = settings.JIFU_LEADER_MIN_POOR_JOBS
    placements, jobs, startups, programs = {}, {}, {}, {}
    for side, name in (("a", "马文"), ("b", "王永")):
        county = Region.objects.get(code=COUNTY_A if side == "a" else COUNTY_B)
        employer = finished.employers[side]
        hrss = world.user(Role.COUNTY_HRSS, side)
        jobs[side] = services.post_job(
            actor=world.user(Role.EMPLOYER, side),
            employer=employer,
            title=f"家政服务员{side.upper()}",
            occupation=finished.classes[side].occupation,
            wage_min=3000,
            wage_max=4500,
            place="in_province",
            location="兰州市",
            headcount=5,
            posted_on=today() - timedelta(days=40),
        )
        programs[side] = services.create_program(
            actor=hrss,
            region=county,
            name=f"输转项目{side.upper()}",
            destination_province="浙江",
            employer=employer,
            start_date=today() - timedelta(days=20),
            planned_count=30,
        )
        placements[side] = place(
            world,
            name,
            side=side,
            employer=employer,
            employer_name="",  # the service takes the employer's own name
            training_class=finished.classes[side],
            job=jobs[side],
            export_program=programs[side],
            channel="organised" if side == "a" else "public_welfare",
        )
        # A leader in A (enough poor labourers); one short of it in B.
        startups[side] = services.record_startup(
            Person.objects.get(name="韩梅" if side == "a" else "王永"),
            actor=world.user(Role.VILLAGE, side),
            place=Region.objects.get(code=TOWNSHIP_A if side == "a" else TOWNSHIP_B),
            name=f"农家乐{side.upper()}",
            kind="individual" if side == "a" else "cooperative",
            started_on=today() - timedelta(days=100),
            jobs_created=leader_jobs + 2,
            poor_jobs_created=leader_jobs if side == "a" else leader_jobs - 1,
        )
    placements["self"] = place(
        world, "韩梅", side="a", employer_name="个体经营", channel="self", place="in_county"
    )
    return SimpleNamespace(
        world=world,
        finished=finished,
        placements=placements,
        jobs=jobs,
        startups=startups,
        programs=programs,
    )


def results(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(client, url, params=None):
    return {row["id"] for row in results(client, url, params)}


LISTS = ("employers", "jobs", "placements", "startups", "follow-ups", "labour-export-programs")


# --- the scope matrix, one resource each ----------------------------------------------------


class TestEmployerApi(ApiScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.INSTITUTION  # institutions follow trainees, not employers
    api_list_url = "/api/employers/"

    def own_object(self, world):
        return Employer.objects.get(credit_code=world.user(Role.EMPLOYER, "a").org_credit_code)

    def other_object(self, world):
        return Employer.objects.get(credit_code=world.user(Role.EMPLOYER, "b").org_credit_code)

    def api_detail_url(self, obj):
        return f"/api/employers/{obj.pk}/"

    def test_api_list_is_scoped(self, world):
        client = api_client_for(world.user(self.viewer_role))
        assert ids(client, self.api_list_url) == {self.own_object(world).pk}


class TestJobApi(ApiScopeMatrix):
    """Village users see the jobs of their whole county."""

    viewer_role = Role.VILLAGE
    outsider_role = Role.INSTITUTION
    api_list_url = "/api/jobs/"

    def own_object(self, world):
        return JobPost.objects.get(title="家政服务员A")

    def other_object(self, world):
        return JobPost.objects.get(title="家政服务员B")

    def api_detail_url(self, obj):
        return f"/api/jobs/{obj.pk}/"

    def test_api_list_is_scoped(self, world):
        client = api_client_for(world.user(self.viewer_role))
        assert ids(client, self.api_list_url) == {self.own_object(world).pk}


class TestPlacementApi(ApiScopeMatrix):
    viewer_role = Role.TOWNSHIP
    outsider_role = Role.SYSADMIN
    api_list_url = "/api/placements/"

    def own_object(self, world):
        return Placement.objects.get(person__name="马文")

    def other_object(self, world):
        return Placement.objects.get(person__name="王永")

    def api_detail_url(self, obj):
        return f"/api/placements/{obj.pk}/"

    def test_api_list_is_scoped(self, world):
        client = api_client_for(world.user(self.viewer_role))
        names = {row["person"]["name"] for row in results(client, self.api_list_url)}
        assert names == {"马文", "韩梅"}


class TestStartupApi(ApiScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.EMPLOYER  # employers do not read start-ups
    api_list_url = "/api/startups/"

    def own_object(self, world):
        return Startup.objects.get(name="农家乐A")

    def other_object(self, world):
        return Startup.objects.get(name="农家乐B")

    def api_detail_url(self, obj):
        return f"/api/startups/{obj.pk}/"

    def test_api_list_is_scoped(self, world):
        client = api_client_for(world.user(self.viewer_role))
        assert ids(client, self.api_list_url) == {self.own_object(world).pk}


# --- organisation users --------------------------------------------------------------------


def test_paths_are_final(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    for path in LISTS:
        assert client.get(f"/api/{path}/").status_code == 200, path


def test_employer_user_sees_only_its_own(data):
    user = data.world.user(Role.EMPLOYER, "a")
    client = api_client_for(user)
    own = user.org_credit_code
    assert [e["credit_code"] for e in results(client, "/api/employers/")] == [own]
    assert ids(client, "/api/jobs/") == {data.jobs["a"].pk}
    # Not 韩梅's own business in A's village, nor 王永's job with employer B.
    assert ids(client, "/api/placements/") == {data.placements["a"].pk}
    assert ids(client, "/api/labour-export-programs/") == {data.programs["a"].pk}
    assert {f["placement"] for f in results(client, "/api/follow-ups/")} == {
        data.placements["a"].pk
    }
    other = data.finished.employers["b"]
    assert client.get(f"/api/employers/{other.pk}/").status_code == 404
    assert client.get(f"/api/placements/{data.placements['b'].pk}/").status_code == 404
    assert client.get("/api/startups/").status_code == 403


def test_institution_user_sees_its_trainees_placements(data):
    user = data.world.user(Role.INSTITUTION, "a")
    assert data.finished.classes["a"].institution.credit_code == user.org_credit_code
    client = api_client_for(user)
    rows = results(client, "/api/placements/")
    assert [(r["person"]["name"], r["training_class"]) for r in rows] == [("马文", "A-JY-1")]
    assert rows[0]["institution"] == user.org_credit_code
    assert client.get(f"/api/placements/{data.placements['b'].pk}/").status_code == 404
    assert client.get(f"/api/placements/{data.placements['self'].pk}/").status_code == 404
    assert {f["placement"] for f in results(client, "/api/follow-ups/")} == {
        data.placements["a"].pk
    }
    # Start-ups are theirs only through an entrepreneurship class.
    assert results(client, "/api/startups/") == []
    syb = make_class(
        data.world,
        "a",
        code="A-CY-1",
        training_type="entrepreneurship",
        start=today() - timedelta(days=60),
    )
    founder = Person.objects.get(name="妥德")
    training_services.enrol(
        syb, founder, actor=data.world.user(Role.VILLAGE, "a"), source=EnrolmentSource.VILLAGE
    )
    startup = services.record_startup(
        founder,
        actor=data.world.user(Role.VILLAGE, "a"),
        place=Region.objects.get(code=TOWNSHIP_A),
        name="牛肉面馆",
        kind="individual",
        started_on=today() - timedelta(days=10),
        training_class=syb,
    )
    rows = results(client, "/api/startups/")
    assert [(r["id"], r["training_class"]) for r in rows] == [(startup.pk, "A-CY-1")]
    other = api_client_for(data.world.user(Role.INSTITUTION, "b"))
    assert other.get(f"/api/startups/{startup.pk}/").status_code == 404
    assert client.get("/api/employers/").status_code == 403
    assert client.get("/api/jobs/").status_code == 403


def test_an_employer_without_a_credit_code_sees_nothing(data):
    user = data.world.user(Role.EMPLOYER, "a")
    user.org_credit_code = ""
    user.save(update_fields=["org_credit_code"])
    client = api_client_for(user)
    for path in ("employers", "jobs", "placements", "follow-ups", "labour-export-programs"):
        assert results(client, f"/api/{path}/") == [], path


# --- persons are masked ---------------------------------------------------------------------


def test_persons_are_masked(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    body = ""
    for path in ("placements", "follow-ups", "startups"):
        response = client.get(f"/api/{path}/", {"page_size": 1000})
        assert response.status_code == 200
        body += response.content.decode()
        for pk in ids(client, f"/api/{path}/"):
            body += client.get(f"/api/{path}/{pk}/").content.decode()
    assert "马文" in body and "王永" in body and "韩梅" in body
    for number in id_numbers().values():
        assert number not in body
    assert not re.search(r'"[a-z_]*_(enc|bidx)"', body)
    for field in ("phone", "bank_account", "birth_date"):
        assert f'"{field}"' not in body

    ma = Person.objects.get(name="马文")
    row = client.get(f"/api/placements/{data.placements['a'].pk}/").json()
    assert row["person"] == {"id": ma.pk, "name": "马文", "id_number": ma.id_number_masked}
    assert "*" in row["person"]["id_number"]
    han = Person.objects.get(name="韩梅")
    row = client.get(f"/api/startups/{data.startups['a'].pk}/").json()
    assert row["founder"] == {"id": han.pk, "name": "韩梅", "id_number": han.id_number_masked}


# --- representations -----------------------------------------------------------------------


def test_placement_fields(data):
    client = api_client_for(data.world.user(Role.COUNTY_HRSS, "a"))
    row = client.get(f"/api/placements/{data.placements['a'].pk}/").json()
    employer = data.finished.employers["a"]
    assert row["employer"] == employer.credit_code and row["employer_name"] == employer.name
    assert row["training_class"] == "A-JY-1"
    assert row["job"] == data.jobs["a"].pk and row["export_program"] == data.programs["a"].pk
    assert row["status"] == "employed" and row["channel"] == "organised"
    # Self-employed: no employer or class in jifu, and the keys are still there.
    row = client.get(f"/api/placements/{data.placements['self'].pk}/").json()
    assert row["employer"] is None and row["training_class"] is None
    assert row["institution"] is None and row["employer_name"] == "个体经营"


def test_job_employer_and_program_fields(data):
    job = data.jobs["a"]
    village = data.world.user(Role.VILLAGE, "a")
    for name in ("韩梅", "妥德"):
        services.recommend(job, Person.objects.get(name=name), actor=village)
    # 妥德 takes the job; 马文 took it without a recommendation.
    place(data.world, "妥德", employer=job.employer, employer_name="", job=job)
    client = api_client_for(data.world.user(Role.COUNTY_HRSS, "a"))
    row = client.get(f"/api/jobs/{job.pk}/").json()
    assert row["employer"] == data.finished.employers["a"].credit_code
    assert row["occupation"] == HOUSEKEEPING and row["occupation_name"] == "家政服务员"
    assert (row["recommended"], row["placed"], row["status"]) == (2, 2, "open")

    employer = data.finished.employers["a"]
    services.add_commitment(
        employer, actor=data.world.user(Role.EMPLOYER, "a"), kind="internship", year=2020, places=4
    )
    row = client.get(f"/api/employers/{employer.pk}/").json()
    assert [(c["kind"], c["places"]) for c in row["commitments"]] == [("internship", 4)]

    row = client.get(f"/api/labour-export-programs/{data.programs['a'].pk}/").json()
    assert row["destination_province"] == "浙江省" and row["employer"] == employer.credit_code
    assert (row["planned_count"], row["placed"]) == (30, 1)


def test_startup_fields(data):
    client = api_client_for(data.world.user(Role.COUNTY_HRSS, "a"))
    startup = data.startups["a"]
    services.record_startup_follow_up(
        startup,
        actor=data.world.user(Role.VILLAGE, "a"),
        visited_on=today() - timedelta(days=10),
        operating=True,
        jobs=6,
        poor_jobs=settings.JIFU_LEADER_MIN_POOR_JOBS,
    )
    row = client.get(f"/api/startups/{startup.pk}/").json()
    assert row["is_leader"] is True and row["jobs_created"] == 6
    assert [v["jobs"] for v in row["follow_ups"]] == [6]
    assert row["place_code"] == TOWNSHIP_A and row["training_class"] is None


# --- filters -------------------------------------------------------------------------------


def test_placement_filters(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    url = "/api/placements/"
    a, b, own = data.placements["a"].pk, data.placements["b"].pk, data.placements["self"].pk

    def found(**params):
        return ids(client, url, params)

    assert found() == {a, b, own}
    assert found(channel="public_welfare") == {b}
    assert found(channel="self", place="in_county") == {own}
    assert found(place="in_province") == {a, b}
    assert found(status="employed") == {a, b, own}
    assert found(status="left") == set()
    assert found(training_class="A-JY-1") == {a}
    assert found(training_class="B-JY-1") == {b}
    assert found(employer=data.finished.employers["b"].credit_code) == {b}
    assert found(institution=data.finished.classes["a"].institution.credit_code) == {a}
    assert found(region="622926") == {a, own}
    assert found(region="620121100") == {b}
    assert found(region="not-a-code") == set()
    start = data.placements["a"].start_date
    assert found(start_after=start.isoformat()) == {a, b, own}
    assert found(start_before=(start - timedelta(days=1)).isoformat()) == set()
    assert found(start_after=(start + timedelta(days=1)).isoformat()) == set()
    assert found(job=data.jobs["b"].pk) == {b}
    assert found(person=data.placements["self"].person_id) == {own}

    services.end_placement(
        data.placements["b"],
        actor=data.world.user(Role.VILLAGE, "b"),
        end_date=today() - timedelta(days=1),
        reason="resigned",
    )
    assert found(status="left") == {b}


def test_job_filters(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    a, b = data.jobs["a"].pk, data.jobs["b"].pk
    services.close_job(data.jobs["b"], actor=data.world.user(Role.EMPLOYER, "b"))
    assert ids(client, "/api/jobs/", {"status": "open"}) == {a}
    assert ids(client, "/api/jobs/", {"status": "closed"}) == {b}
    assert ids(client, "/api/jobs/", {"occupation": HOUSEKEEPING}) == {a, b}
    assert ids(client, "/api/jobs/", {"occupation": "6-31-01-03"}) == set()
    credit_a = data.finished.employers["a"].credit_code
    assert ids(client, "/api/jobs/", {"employer": credit_a}) == {a}
    assert ids(client, "/api/jobs/", {"region": "620121"}) == {b}


def test_startup_filters(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    a, b = data.startups["a"].pk, data.startups["b"].pk
    assert ids(client, "/api/startups/", {"kind": "cooperative"}) == {b}
    assert ids(client, "/api/startups/", {"status": "operating"}) == {a, b}
    # A has exactly the threshold of poor labourers, B one fewer.
    assert ids(client, "/api/startups/", {"leader": "true"}) == {a}
    assert ids(client, "/api/startups/", {"leader": "false"}) == {b}
    # The filter agrees with the model's own definition.
    assert {s.pk for s in Startup.objects.all() if s.is_leader} == {a}
    assert ids(client, "/api/startups/", {"region": "622926"}) == {a}
    assert ids(client, "/api/startups/", {"place": TOWNSHIP_B}) == {b}

    # A closed business is no leader, however many it employed.
    services.record_startup_follow_up(
        data.startups["a"],
        actor=data.world.user(Role.VILLAGE, "a"),
        visited_on=today(),
        operating=False,
        jobs=10,
        poor_jobs=10,
    )
    assert ids(client, "/api/startups/", {"status": "closed"}) == {a}
    assert ids(client, "/api/startups/", {"leader": "true"}) == set()
    assert ids(client, "/api/startups/", {"leader": "false"}) == {a, b}
    assert not any(s.is_leader for s in Startup.objects.all())


def test_employer_and_program_filters(data):
    client = api_client_for(data.world.user(Role.PROVINCE))
    employer_a, employer_b = data.finished.employers["a"], data.finished.employers["b"]
    assert ids(client, "/api/employers/", {"credit_code": employer_b.credit_code}) == {
        employer_b.pk
    }
    assert ids(client, "/api/employers/", {"region": "622926"}) == {employer_a.pk}
    assert ids(client, "/api/employers/", {"q": "公司B"}) == {employer_b.pk}
    url = "/api/labour-export-programs/"
    assert ids(client, url, {"employer": employer_a.credit_code}) == {data.programs["a"].pk}
    assert ids(client, url, {"region": "620121"}) == {data.programs["b"].pk}
    assert ids(client, url, {"destination_province": "浙江省"}) == {
        data.programs["a"].pk,
        data.programs["b"].pk,
    }


@pytest.mark.parametrize("grace", [10, 40])
def test_follow_up_state_filter(data, settings, grace):
    """A job started three months ago: which of its follow-ups are due, overdue, done."""
    settings.JIFU_FOLLOWUP_GRACE_DAYS = grace
    world = data.world
    on = today()
    start = on - relativedelta(months=3)
    placement = place(world, "妥德", start=start)
    due_on = {n: start + relativedelta(months=n) for n in range(1, 13)}
    done, ended = set(), None

    # Expected by date arithmetic, independently of the model's queries.
    def expected(state):
        found = set()
        for n, due in due_on.items():
            if ended and n not in done and due > ended:
                current = "cancelled"
            elif n in done:
                current = "done"
            elif due < on - timedelta(days=grace):
                current = "overdue"
            elif due <= on:
                current = "due"
            else:
                current = "upcoming"
            if current == state:
                found.add(n)
        return found

    client = api_client_for(world.user(Role.VILLAGE, "a"))

    def months(state):
        rows = results(client, "/api/follow-ups/", {"state": state, "placement": placement.pk})
        assert {r["state"] for r in rows} <= {state}
        return {r["month_no"] for r in rows}

    def check():
        for state in ("overdue", "due", "done", "upcoming", "cancelled"):
            assert months(state) == expected(state), state

    # Months 1 and 2 fell due about two and one month ago: month 2 is past a
    # 10-day grace but not a 40-day one. Month 3 falls due about today.
    assert expected("overdue") == ({1, 2} if grace == 10 else {1})
    assert 3 in expected("due")
    check()
    # The model's querysets agree with the filter.
    rows = FollowUp.objects.filter(placement=placement)
    assert {f.month_no for f in rows.overdue(on)} == expected("overdue")
    assert {f.month_no for f in rows.due(on)} == expected("due")

    services.record_follow_up(
        placement.follow_ups.get(month_no=1),
        actor=world.user(Role.VILLAGE, "a"),
        done_on=due_on[1],
        still_employed=True,
    )
    done.add(1)
    assert expected("overdue") == ({2} if grace == 10 else set())
    check()

    # Across placements: exactly the overdue ones in the village user's scope.
    everything = results(client, "/api/follow-ups/", {"state": "overdue", "page_size": 1000})
    in_scope = FollowUp.objects.restrict(world.user(Role.VILLAGE, "a"))
    assert {r["id"] for r in everything} == {f.pk for f in in_scope.overdue(on)}
    assert {r["id"] for r in everything} == {
        f.pk for f in rows.filter(month_no__in=expected("overdue"))
    }

    # A job that ended cancels its later follow-ups: they are no longer pending.
    ended = on - timedelta(days=1)
    services.end_placement(
        placement, actor=world.user(Role.VILLAGE, "a"), end_date=ended, reason="family"
    )
    assert expected("upcoming") == set() and expected("cancelled")
    check()


# --- the rest --------------------------------------------------------------------------------


def test_read_only(data):
    client = api_client_for(data.world.user(Role.COUNTY_HRSS, "a"))
    employer = data.finished.employers["a"]
    assert client.post("/api/employers/", {}, format="json").status_code in (403, 405)
    assert client.delete(f"/api/employers/{employer.pk}/").status_code in (403, 405)
    assert client.patch(f"/api/jobs/{data.jobs['a'].pk}/", {}, format="json").status_code in (
        403,
        405,
    )
    assert JobPost.objects.filter(pk=data.jobs["a"].pk).exists()


def test_lists_do_not_query_per_row(data):
    world = data.world
    client = api_client_for(world.user(Role.PROVINCE))

    def cost():
        counts = {}
        for path in LISTS:
            with CaptureQueriesContext(connection) as queries:
                rows = results(client, f"/api/{path}/", {"page_size": 1000})
            counts[path] = (len(queries), len(rows))
        return counts

    before = cost()
    employer = data.finished.employers["a"]
    services.add_commitment(
        employer, actor=world.user(Role.EMPLOYER, "a"), kind="internship", year=2020
    )
    services.save_employer(
        actor=world.user(Role.COUNTY_HRSS, "a"),
        credit_code=creditcode.make("91622926MA000099X"),
        region=Region.objects.get(code=COUNTY_A),
        name="另一家公司",
        kind="enterprise",
    )
    services.post_job(
        actor=world.user(Role.EMPLOYER, "a"),
        employer=employer,
        title="保洁员",
        place="in_county",
        headcount=2,
        posted_on=today(),
    )
    services.create_program(
        actor=world.user(Role.COUNTY_HRSS, "a"),
        region=Region.objects.get(code=COUNTY_A),
        name="输转项目A2",
        destination_province="江苏",
        start_date=today(),
    )
    place(world, "妥德", employer=employer, employer_name="")
    services.record_startup(
        Person.objects.get(name="马文"),
        actor=world.user(Role.VILLAGE, "a"),
        place=Region.objects.get(code=TOWNSHIP_A),
        name="网店A",
        kind="online_shop",
        started_on=today() - timedelta(days=5),
    )
    after = cost()
    for path in LISTS:
        assert after[path][1] > before[path][1], path
        assert after[path][0] == before[path][0], path


def schema(user):
    client = api_client_for(user)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_schema_has_the_endpoints(data):
    paths = schema(data.world.user(Role.PROVINCE))["paths"]
    for path in LISTS:
        assert f"/api/{path}/" in paths and f"/api/{path}/{{id}}/" in paths, path
    params = {p["name"] for p in paths["/api/follow-ups/"]["get"]["parameters"]}
    assert {"state", "placement", "region"} <= params
    params = {p["name"] for p in paths["/api/placements/"]["get"]["parameters"]}
    assert {"start_after", "start_before", "training_class", "employer", "channel"} <= params


def test_schema_without_warnings(data):
    GENERATOR_STATS.reset()
    schema(data.world.user(Role.PROVINCE))
    warnings = list(GENERATOR_STATS._warn_cache) + list(GENERATOR_STATS._error_cache)
    assert warnings == []
