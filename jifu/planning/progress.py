"""What a dashboard shows for a region on an "as of" day: the figures, the
targets, the share expected by the phases, each sub-region's progress with the
slow ones flagged, and the monthly trend. Everything reads the summaries.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings

from jifu.regions.models import Region

from . import summaries
from .choices import Metric
from .models import Phase, Target

ACTION_START = date(2018, 1, 1)
ACTION_END = date(2020, 12, 31)
CHILD_LEVEL = {
    "province": ("prefecture", 4),
    "prefecture": ("county", 6),
    "county": ("township", 9),
}


def share_on(day: date) -> Decimal:
    """Cumulative share of the action's target the phases expect by ``day``."""
    done = Decimal("0")
    for phase in Phase.objects.order_by("start"):
        if day < phase.start:
            return done
        if day <= phase.end:
            span = (phase.end - phase.start).days + 1
            elapsed = (day - phase.start).days + 1
            return done + (phase.expected_share - done) * Decimal(elapsed) / Decimal(span)
        done = phase.expected_share
    return done


def expected_share(as_of: date, year: int | None) -> Decimal:
    """The share of a target expected by ``as_of``: of the whole action, or of one year
    (the part of the phases' curve that falls in that year)."""
    if year is None:
        return share_on(as_of)
    before = share_on(date(year - 1, 12, 31))
    total = share_on(date(year, 12, 31)) - before
    if total <= 0:
        return Decimal("1") if as_of >= date(year, 12, 31) else Decimal("0")
    return min(Decimal("1"), max(Decimal("0"), (share_on(as_of) - before) / total))


def current_phase(as_of: date) -> Phase | None:
    return Phase.objects.filter(start__lte=as_of, end__gte=as_of).first()


def slow_below() -> Decimal:
    """A region is slow (慢进度) below this share of what the phases expect."""
    return Decimal(str(getattr(settings, "JIFU_SLOW_SHARE", 0.9)))


@dataclass
class ChildProgress:
    region: Region
    achieved: Decimal
    target: Decimal | None
    rate: Decimal | None
    slow: bool


@dataclass
class Dashboard:
    region: Region
    as_of: date
    year: int | None
    figures: dict
    targets: dict
    expected: Decimal
    phase: Phase | None
    children: list[ChildProgress] = field(default_factory=list)
    trend: list = field(default_factory=list)

    def rate(self, metric: str) -> Decimal | None:
        target = self.targets.get(metric)
        if not target:
            return None
        value = Decimal(self.figures.get(metric) or 0)
        if metric == Metric.COVERAGE:
            value *= 100  # the figure is a share, its target is set in percent
        return value / target


def window(as_of: date, year: int | None) -> tuple[date, date]:
    if year is None:
        return ACTION_START, min(summaries.month_end(as_of), ACTION_END)
    return date(year, 1, 1), min(summaries.month_end(as_of), date(year, 12, 31))


def targets_of(region_codes: list[str], year: int | None) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = {}
    for t in Target.objects.filter(region_code__in=region_codes, year=year, training_type=""):
        out.setdefault(t.region_code, {})[t.kind] = t.value
    return out


def dashboard(region: Region, *, as_of: date, year: int | None = None, user=None) -> Dashboard:
    start, end = window(as_of, year)
    figures = summaries.figures(region.prefix, start=start, end=end)
    expected = expected_share(as_of, year)
    board = Dashboard(
        region=region,
        as_of=as_of,
        year=year,
        figures=figures,
        targets=targets_of([region.code], year).get(region.code, {}),
        expected=expected,
        phase=current_phase(as_of),
        trend=summaries.trend(region.prefix, Metric.TRAINEES, start=start, end=end),
    )
    if region.level in CHILD_LEVEL:
        level, length = CHILD_LEVEL[region.level]
        children = Region.objects.filter(parent=region, level=level).order_by("code")
        if user is not None:
            children = children.filter(pk__in=Region.objects.restrict(user).values("pk"))
        achieved = summaries.by_child(
            length, region.prefix, start=start, end=end, metric=Metric.TRAINEES
        )
        targets = targets_of([c.code for c in children], year)
        for child in children:
            got = achieved.get(child.code[:length], Decimal("0"))
            target = targets.get(child.code, {}).get(Metric.TRAINEES)
            rate = got / target if target else None
            slow = rate is not None and rate < expected * slow_below()
            board.children.append(ChildProgress(child, got, target, rate, slow))
    return board
