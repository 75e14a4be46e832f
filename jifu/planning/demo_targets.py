"""Demo targets: the province's training target split down by the registry.

``seed_targets`` takes the province's whole-action trainees target (900,000, made
by migration 0002 when the regions were already loaded; made here otherwise),
cuts it into yearly province targets 2018/2019/2020 by the phases' expected
shares (10% / 45% / 45% with the shipped phases), and splits the whole-action
target and each yearly one to the prefectures and then to the counties in
proportion to their registered labourers (the labour force of the registry
today). Whole numbers, by largest remainder, so every split adds up exactly.
Regions without labourers get no target.

Everything goes through ``services_plans.set_target`` (so it is audited and the
split rules hold); it is idempotent, and a re-run after the registry changed
moves amounts between regions without tripping the rules: targets that go down
are lowered first, bottom-up, then everything is set top-down.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import Substr

from jifu.regions.models import Region
from jifu.registry.models import Person

from . import services_plans as services
from .choices import Metric
from .models import Phase, Target

PROVINCE = "620000000000"
WHOLE_ACTION_TRAINEES = 900000
FALLBACK_YEAR_SHARES = {2018: Decimal("0.10"), 2019: Decimal("0.45"), 2020: Decimal("0.45")}
LEVEL_DEPTH = {"province": 0, "prefecture": 1, "county": 2}


@dataclass
class SeedResult:
    prefectures: int = 0
    counties: int = 0
    labourers: int = 0
    changed: int = 0


def apportion(total: int, weights: dict) -> dict:
    """``total`` split in proportion to ``weights`` into whole numbers that add up to it
    (largest remainder; ties to the first key in order). Zero weights get nothing."""
    weights = {k: w for k, w in weights.items() if w > 0}
    whole = sum(weights.values())
    if not weights or total <= 0:
        return dict.fromkeys(weights, 0)
    shares = {k: Decimal(total) * w / whole for k, w in weights.items()}
    result = {k: int(s) for k, s in shares.items()}
    left = total - sum(result.values())
    for k in sorted(weights, key=lambda k: -(shares[k] - result[k]))[:left]:
        result[k] += 1
    return result


def year_shares() -> dict[int, Decimal]:
    """Each action year's part of the whole target, from the phases' cumulative shares."""
    from .progress import share_on

    if not Phase.objects.exists():
        return dict(FALLBACK_YEAR_SHARES)
    shares = {
        y: share_on(date(y, 12, 31)) - share_on(date(y - 1, 12, 31)) for y in services.ACTION_YEARS
    }
    if sum(shares.values()) <= 0 or any(s < 0 for s in shares.values()):
        return dict(FALLBACK_YEAR_SHARES)
    return shares


def _labourers() -> dict[str, int]:
    """County code (6 digits) → registered labourers."""
    return dict(
        Person.objects.labour_force()
        .annotate(county=Substr("village_code", 1, 6))
        .order_by()
        .values("county")
        .annotate(n=Count("id"))
        .values_list("county", "n")
    )


@transaction.atomic
def seed_targets(actor=None) -> SeedResult:
    result = SeedResult()
    province = Region.objects.filter(code=PROVINCE).first()
    if province is None:  # regions not loaded yet
        return result
    kind = Metric.TRAINEES
    whole = (
        Target.objects.filter(region=province, year__isnull=True, kind=kind, training_type="")
        .only("value")
        .first()
    )
    if whole is None:
        whole = services.set_target(
            actor,
            province,
            None,
            kind,
            WHOLE_ACTION_TRAINEES,
            note="2018—2020 年培训贫困劳动力 90 万人",
        )
        result.changed += 1
    total = int(whole.value)

    by_county = _labourers()
    counties = {
        r.code[:6]: r
        for r in Region.objects.filter(
            level="county", code__in=[c.ljust(12, "0") for c in by_county]
        ).select_related("parent")
    }
    by_county = {c: n for c, n in by_county.items() if c in counties}
    by_prefecture: dict[Region, int] = defaultdict(int)
    for code6, n in by_county.items():
        by_prefecture[counties[code6].parent] += n
    result.labourers = sum(by_county.values())
    result.prefectures, result.counties = len(by_prefecture), len(by_county)

    # desired[(region, year)] = value: the province's years, then prefectures and counties.
    desired: dict[tuple[Region, int | None], int] = {}
    for year, value in apportion(total, year_shares()).items():
        desired[(province, year)] = value
    for year in (None, *services.ACTION_YEARS):
        top = total if year is None else desired[(province, year)]
        for prefecture, p_value in apportion(top, dict(by_prefecture)).items():
            desired[(prefecture, year)] = p_value
            mine = {
                counties[c]: n for c, n in by_county.items() if counties[c].parent == prefecture
            }
            for county, c_value in apportion(p_value, mine).items():
                desired[(county, year)] = c_value
    # Targets seeded earlier for regions that no longer have labourers go to zero.
    for t in Target.objects.filter(
        kind=kind, training_type="", region__level__in=("prefecture", "county")
    ).select_related("region"):
        if t.year in (None, *services.ACTION_YEARS):
            desired.setdefault((t.region, t.year), 0)

    current = {
        (t.region_id, t.year): t.value for t in Target.objects.filter(kind=kind, training_type="")
    }

    def apply(region, year, value):
        if current.get((region.pk, year)) != Decimal(value):
            services.set_target(actor, region, year, kind, value)
            current[(region.pk, year)] = Decimal(value)
            result.changed += 1

    # Lower first, deepest level first; then set everything from the top down.
    ordered = sorted(desired.items(), key=lambda kv: LEVEL_DEPTH[kv[0][0].level])
    for (region, year), value in reversed(ordered):
        old = current.get((region.pk, year))
        if old is not None and old > value:
            apply(region, year, value)
    for (region, year), value in ordered:
        apply(region, year, value)
    return result
