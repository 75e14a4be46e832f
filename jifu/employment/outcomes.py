"""Employment after training: who completed, who was placed in time, who stayed.

Definitions (settings, so that the province can align them with its rules):

* **completed** — an enrolment whose status is 已结业 in a class that is 已结业
  or 考核完成;
* **placed** — the trainee has a placement starting on or after the class's end
  date and at most ``JIFU_OUTCOME_DAYS`` (183, six months) after it;
* **retention at 6 / 12 months** — of the placed trainees whose placement began
  at least 183 / 365 days before the day of the report, the share whose
  placement had not ended before that many days.

Everything is one SQL query per grouping (EXISTS subqueries, GROUP BY), on
whatever restricted queryset of enrolments the caller passes.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)
from django.db.models.functions import Substr

from jifu.regions.models import Region
from jifu.training.choices import ClassStatus, EnrolmentStatus

from .models import Placement

RETENTION_DAYS = {6: 183, 12: 365}

GROUPS = {
    # key: (group-by path, label path)
    "class": ("training_class_id", "training_class__code"),
    "institution": ("training_class__institution_id", "training_class__institution__name"),
    "occupation": ("training_class__occupation_id", "training_class__occupation__name"),
    "county": ("county", None),
}


@dataclass
class OutcomeRow:
    key: object
    label: str
    completed: int
    placed: int
    eligible6: int
    retained6: int
    eligible12: int
    retained12: int

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def rate(self) -> float | None:
        return self._share(self.placed, self.completed)

    @property
    def retention6(self) -> float | None:
        return self._share(self.retained6, self.eligible6)

    @property
    def retention12(self) -> float | None:
        return self._share(self.retained12, self.eligible12)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "completed": self.completed,
            "placed": self.placed,
            "rate": self.rate,
            "retention6": self.retention6,
            "retention12": self.retention12,
        }


def window_placements():
    """Placements of the enrolment's person that count as an outcome of its class."""
    end = OuterRef("training_class__end_date")
    deadline = ExpressionWrapper(
        end + timedelta(days=settings.JIFU_OUTCOME_DAYS), output_field=DateField()
    )
    return Placement.objects.filter(
        person_id=OuterRef("person_id"), start_date__gte=end, start_date__lte=deadline
    )


def completed(enrolments):
    return enrolments.filter(
        status=EnrolmentStatus.COMPLETED,
        training_class__status__in=[ClassStatus.COMPLETED, ClassStatus.ASSESSED],
    )


def annotate(enrolments, on: date | None = None):
    """Completed enrolments with ``placed`` and the retention flags."""
    on = on or date.today()
    window = window_placements()
    flags = {"placed": Exists(window)}
    for months, days in RETENTION_DAYS.items():
        started = window.filter(start_date__lte=on - timedelta(days=days))
        kept = started.filter(
            Q(end_date__isnull=True)
            | Q(
                end_date__gte=ExpressionWrapper(
                    F("start_date") + timedelta(days=days), output_field=DateField()
                )
            )
        )
        flags[f"eligible{months}"] = Exists(started)
        flags[f"retained{months}"] = Exists(kept)
    return completed(enrolments).annotate(**flags)


FLAGS = ("completed", "placed", "eligible6", "retained6", "eligible12", "retained12")


def _counts() -> dict:
    # Aliases must differ from the annotations they count (``placed``), or the
    # filter would refer to the aggregate itself.
    return {
        f"n_{name}": Count("id", filter=Q(**{name: True})) if name != "completed" else Count("id")
        for name in FLAGS
    }


def table(enrolments, by: str, on: date | None = None) -> list[OutcomeRow]:
    """Outcome rows grouped ``by`` class, institution, occupation or county, largest first."""
    key_path, label_path = GROUPS[by]
    rows = annotate(enrolments, on)
    if by == "county":
        rows = rows.annotate(county=Substr("village_code", 1, 6))
    values = [key_path] + ([label_path] if label_path else [])
    data = rows.order_by().values(*values).annotate(**_counts()).order_by("-n_completed", key_path)
    labels = {}
    if by == "county":
        codes = [row["county"] + "000000" for row in data]
        labels = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    result = []
    for row in data:
        label = (
            labels.get(row["county"] + "000000", row["county"])
            if by == "county"
            else row[label_path]
        )
        result.append(
            OutcomeRow(
                key=row[key_path],
                label=label,
                **{name: row[f"n_{name}"] for name in FLAGS},
            )
        )
    return result


def total(enrolments, on: date | None = None) -> OutcomeRow:
    counts = annotate(enrolments, on).aggregate(**_counts())
    return OutcomeRow(key=None, label="", **{name: counts[f"n_{name}"] for name in FLAGS})


def per_trainee(enrolments, on: date | None = None):
    """The completed trainees of a class with their ``placed`` flag (for the class page)."""
    return annotate(enrolments, on).select_related("person")
