"""Progress summaries: monthly counts per township, rebuilt from the raw tables
with one GROUP BY per metric, and the dashboards' figures read from them.

Definitions (each metric's month):

* trainees — enrolments trained or being trained (在训/已结业) in a class that
  was approved, by the class's start month, with its training type;
* completions — enrolments 已结业 in a class 已结业/考核完成, by the end month;
* certificates — certificates by their issue month;
* employed_after_training — completed trainees placed within
  ``JIFU_OUTCOME_DAYS`` of the class end (``employment.outcomes``), by end month;
* transfer_employment — placements outside the home county (省内县外, 省外), by
  their start month;
* subsidies_paid — payments the bank confirmed, in yuan, by the payment date;
* trained_persons — labourers by the month of their first training (so that a
  cumulative sum counts each person once);
* wanting_untrained — labourers who want training and have had none, now (no
  history of wishes is kept: month 0).

Counts fall to the trainee's (or payee's) township, so a county's figures are
those of its own people wherever they trained. Figures are by whole months: an
"as of" day counts the whole of its month.
"""

import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.functions import ExtractMonth, ExtractYear, Substr
from django.utils import timezone

from jifu.registry.models import Person
from jifu.training.choices import ClassStatus, EnrolmentStatus

from .choices import Metric
from .models import ProgressFact, SummaryState

TRAINED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)
HELD = (ClassStatus.APPROVED, ClassStatus.RUNNING, ClassStatus.COMPLETED, ClassStatus.ASSESSED)
ENDED = (ClassStatus.COMPLETED, ClassStatus.ASSESSED)
ADDITIVE = [m for m in Metric if m not in (Metric.COVERAGE, Metric.SCHOOL_STUDENTS)]


def _township(path: str):
    return Substr(path, 1, 9)


def _grouped(qs, *, village: str, day: str, value=None, training_type: str | None = None):
    """Rows (township9, year, month, training_type, value) of one metric."""
    qs = qs.annotate(t=_township(village), y=ExtractYear(day), m=ExtractMonth(day))
    keys = ["t", "y", "m"] + (["tt"] if training_type else [])
    if training_type:
        qs = qs.annotate(tt=F(training_type))
    rows = qs.order_by().values(*keys).annotate(v=value or Count("pk"))
    for r in rows:
        yield r["t"], r["y"], r["m"], r.get("tt", ""), r["v"]


def metric_rows(metric: str):
    """The raw GROUP BY of one metric (also what the benchmark times against)."""
    from jifu.employment import outcomes
    from jifu.employment.models import Placement
    from jifu.registry.choices import EmploymentPlace
    from jifu.subsidies.choices import PaymentStatus
    from jifu.subsidies.models import Payment
    from jifu.training.models import Certificate, Enrolment

    if metric == Metric.TRAINEES:
        qs = Enrolment.objects.filter(status__in=TRAINED, training_class__status__in=HELD)
        return _grouped(
            qs,
            village="village_code",
            day="training_class__start_date",
            training_type="training_class__training_type",
        )
    if metric == Metric.COMPLETIONS:
        qs = outcomes.completed(Enrolment.objects.all())
        return _grouped(qs, village="village_code", day="training_class__end_date")
    if metric == Metric.CERTIFICATES:
        return _grouped(Certificate.objects.all(), village="village_code", day="issued_on")
    if metric == Metric.EMPLOYED_AFTER_TRAINING:
        qs = outcomes.annotate(Enrolment.objects.all()).filter(placed=True)
        return _grouped(qs, village="village_code", day="training_class__end_date")
    if metric == Metric.TRANSFER_EMPLOYMENT:
        qs = Placement.objects.filter(
            place__in=[EmploymentPlace.IN_PROVINCE, EmploymentPlace.OUT_OF_PROVINCE]
        )
        return _grouped(qs, village="village_code", day="start_date")
    if metric == Metric.SUBSIDIES_PAID:
        qs = Payment.objects.filter(status=PaymentStatus.PAID, paid_on__isnull=False)
        return _grouped(qs, village="village_code", day="paid_on", value=Sum("amount"))
    if metric == Metric.TRAINED_PERSONS:
        first = (
            Enrolment.objects.filter(
                person_id=OuterRef("pk"), status__in=TRAINED, training_class__status__in=HELD
            )
            .order_by()
            .values("person_id")
            .annotate(first=Min("training_class__start_date"))
            .values("first")
        )
        qs = Person.objects.annotate(first=Subquery(first)).filter(first__isnull=False)
        return _grouped(qs, village="village_code", day="first")
    if metric == Metric.WANTING_UNTRAINED:
        # The same "trained" as trainees and trained_persons: a class that was held.
        trained = Enrolment.objects.filter(
            person_id=OuterRef("pk"), status__in=TRAINED, training_class__status__in=HELD
        )
        qs = (
            Person.objects.labour_force()
            .filter(wants_training=True)
            .exclude(Exists(trained))
            .annotate(t=_township("village_code"))
            .order_by()
            .values("t")
            .annotate(v=Count("pk"))
        )
        return ((r["t"], 0, 0, "", r["v"]) for r in qs)
    raise ValueError(metric)


@transaction.atomic
def rebuild() -> SummaryState:
    """Recompute every fact from the raw tables (in the background: see tasks.py)."""
    started = time.monotonic()
    ProgressFact.objects.all().delete()
    facts = [
        ProgressFact(
            township_code=t + "000",
            year=y,
            month=m,
            metric=metric,
            training_type=tt or "",
            value=Decimal(v),
        )
        for metric in ADDITIVE
        for t, y, m, tt, v in metric_rows(metric)
    ]
    ProgressFact.objects.bulk_create(facts, batch_size=5000)
    state = SummaryState.objects.first() or SummaryState()
    state.rebuilt_at = timezone.now()
    state.seconds = round(time.monotonic() - started, 3)
    state.rows = len(facts)
    state.save()
    return state


def as_of_state():
    return SummaryState.objects.first()


# --- reading ------------------------------------------------------------------------------------


def month_key(day: date) -> int:
    return day.year * 100 + day.month


def figures(prefix: str, *, start: date, end: date) -> dict[str, Decimal]:
    """Each metric summed over the townships under ``prefix`` and the months from
    ``start`` to ``end`` (whole months); coverage as a share (None without data)."""
    key = ExpressionWrapper(F("year") * 100 + F("month"), output_field=IntegerField())
    facts = ProgressFact.objects.filter(township_code__startswith=prefix).annotate(k=key)
    monthly = facts.filter(k__gte=month_key(start), k__lte=month_key(end)).exclude(month=0)
    out = {m: Decimal("0") for m in ADDITIVE}
    for row in monthly.values("metric").annotate(v=Sum("value")):
        out[row["metric"]] = row["v"]
    trained_ever = facts.filter(metric=Metric.TRAINED_PERSONS, k__lte=month_key(end)).aggregate(
        v=Sum("value")
    )["v"] or Decimal("0")
    wanting = facts.filter(metric=Metric.WANTING_UNTRAINED).aggregate(v=Sum("value"))[
        "v"
    ] or Decimal("0")
    out[Metric.WANTING_UNTRAINED] = wanting
    out["trained_persons_cumulative"] = trained_ever
    # Everyone who wanted training: trained by the end, trained later, or still waiting
    # (a person trained after an earlier "as of" day still wanted it then).
    trained_any = facts.filter(metric=Metric.TRAINED_PERSONS).aggregate(v=Sum("value"))[
        "v"
    ] or Decimal("0")
    total = trained_any + wanting
    out[Metric.COVERAGE] = (trained_ever / total) if total else None
    return out


def trend(prefix: str, metric: str, *, start: date, end: date) -> list[tuple[str, Decimal]]:
    """(YYYY-MM, value) for every month from ``start`` to ``end``, zeros included."""
    rows = (
        ProgressFact.objects.filter(township_code__startswith=prefix, metric=metric)
        .exclude(month=0)
        .values("year", "month")
        .annotate(v=Sum("value"))
    )
    found = {(r["year"], r["month"]): r["v"] for r in rows}
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append((f"{y}-{m:02d}", found.get((y, m), Decimal("0"))))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def by_child(
    prefix_length: int, prefix: str, *, start: date, end: date, metric: str
) -> dict[str, Decimal]:
    """metric summed per child region (code prefix of ``prefix_length`` digits)."""
    key = ExpressionWrapper(F("year") * 100 + F("month"), output_field=IntegerField())
    rows = (
        ProgressFact.objects.filter(township_code__startswith=prefix, metric=metric)
        .exclude(month=0)
        .annotate(k=key, child=Substr("township_code", 1, prefix_length))
        .filter(k__gte=month_key(start), k__lte=month_key(end))
        .values("child")
        .annotate(v=Sum("value"))
    )
    return {r["child"]: r["v"] for r in rows}


def month_end(day: date) -> date:
    nxt = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return nxt - timedelta(days=1)
