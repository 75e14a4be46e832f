"""The employment rate after training and retention: the window's edges, the
groupings, and that the numbers equal a count done by hand in Python."""

from datetime import timedelta

import pytest
from django.db.models.functions import Substr

from jifu.accounts.roles import Role
from jifu.employment import outcomes, services
from jifu.employment.models import Placement
from jifu.training.models import Enrolment

from .fixtures import finished_class, import_people, make_employer, place, today

pytestmark = pytest.mark.django_db

WINDOW = 183


@pytest.fixture
def ended(world):
    """Class A-JY-1 (马文, 韩梅, 马小, 妥德) ended 400 days ago; B-JY-1 (王永) too."""
    import_people()
    make_employer(world, "a")
    classes = {
        side: finished_class(
            world,
            side,
            names=["马文", "韩梅", "马小", "妥德"] if side == "a" else ["王永"],
            ended_days_ago=400,
        )
        for side in ("a", "b")
    }
    return world, classes


def _by_hand(enrolments, on):
    """The definitions of ``outcomes``, computed row by row in Python."""
    completed = placed = eligible6 = retained6 = 0
    for e in outcomes.completed(enrolments).select_related("training_class"):
        completed += 1
        end = e.training_class.end_date
        window = [
            p
            for p in Placement.objects.filter(person_id=e.person_id)
            if end <= p.start_date <= end + timedelta(days=WINDOW)
        ]
        placed += bool(window)
        started = [p for p in window if p.start_date <= on - timedelta(days=183)]
        eligible6 += bool(started)
        retained6 += any(
            p.end_date is None or p.end_date >= p.start_date + timedelta(days=183) for p in started
        )
    return completed, placed, eligible6, retained6


def test_window_edges_and_retention(ended, settings):
    settings.JIFU_OUTCOME_DAYS = WINDOW
    world, classes = ended
    end = classes["a"].end_date
    place(world, "马文", start=end)  # first day counts
    place(world, "韩梅", start=end + timedelta(days=WINDOW))  # last day counts
    place(world, "马小", start=end + timedelta(days=WINDOW + 1))  # one day late
    place(world, "妥德", start=end - timedelta(days=1))  # before the class ended
    # 马文 left after 100 days: placed, but not retained at 6 months.
    services.end_placement(
        Placement.objects.get(person__name="马文"),
        actor=world.user(Role.VILLAGE),
        end_date=end + timedelta(days=100),
        reason="wage",
    )
    enrolments = Enrolment.objects.filter(training_class=classes["a"])
    total = outcomes.total(enrolments)
    assert (total.completed, total.placed) == (4, 2)
    assert total.rate == 0.5
    # Both placed trainees started ≥ 183 days before today (400 − 183 = 217 days ago at most).
    assert (total.eligible6, total.retained6) == (2, 1)
    assert (total.completed, total.placed, total.eligible6, total.retained6) == _by_hand(
        enrolments, today()
    )


def test_groupings_add_up_and_are_scoped(ended):
    world, classes = ended
    for name, side in (("马文", "a"), ("王永", "b")):
        place(world, name, side=side, start=classes[side].end_date + timedelta(days=30))
    every = Enrolment.objects.all()
    by_county = {row.label: row for row in outcomes.table(every, "county")}
    assert by_county["东乡族自治县"].completed == 4 and by_county["东乡族自治县"].placed == 1
    assert by_county["永登县"].completed == 1 and by_county["永登县"].placed == 1
    for by in ("class", "institution", "occupation"):
        rows = outcomes.table(every, by)
        assert sum(r.completed for r in rows) == 5 and sum(r.placed for r in rows) == 2, by
    # A county office's enrolments: its own county only.
    mine = Enrolment.objects.restrict(world.user(Role.COUNTY_HRSS, "a"))
    counties = {row.label for row in outcomes.table(mine, "county")}
    assert counties == {"东乡族自治县"}
    assert set(mine.annotate(c=Substr("village_code", 1, 6)).values_list("c", flat=True)) == {
        "622926"
    }


def test_withdrawn_and_running_trainees_are_not_counted(ended):
    world, classes = ended
    Enrolment.objects.filter(training_class=classes["a"], person__name="韩梅").update(
        status="withdrawn"
    )
    assert outcomes.total(Enrolment.objects.filter(training_class=classes["a"])).completed == 3
    classes["a"].__class__.objects.filter(pk=classes["a"].pk).update(status="running")
    assert outcomes.total(Enrolment.objects.filter(training_class=classes["a"])).completed == 0
