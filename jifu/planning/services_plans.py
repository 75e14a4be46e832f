"""Targets split down the hierarchy, and counties' annual plans: atomic, audited, with the actor.

Targets (目标任务)
------------------
A target is a value for a region, a year (``None``: the whole 2018–2020 action)
and a kind, optionally narrowed to one training type (trainees only).

* Who sets what: each level splits its own target among its direct children —
  the province sets its own targets and splits them to prefectures, a
  prefecture splits its targets to its counties, a county to its townships.
  Nobody sets their own region's target except the province (it has no level
  above it). ``actor=None`` is the system (migrations, the demo loader).
* The split must add up: the children's targets for the same year, kind and
  training type may not exceed the parent's (a child cannot be given a target
  the parent does not have), and a parent cannot be lowered below what it has
  already split. Within one region, the targets by training type may not exceed
  the region's all-types target of the same year. What is not yet split is
  ``unallocated(target)`` (未分解).
* Coverage (应培尽培率) is a percentage, not a count: it is set 0–100 at any level
  by the same people, but is not additive, so it has no split rule and no
  unallocated amount.

Annual plans (年度培训计划)
---------------------------
``draft_plan`` builds a county's plan for a year from the registry as it stands
on the day of drafting (the labour force today, as on the five-list pages):

* for each township and each wished occupation of the county's labourers who
  want training (the ``|a|b|`` field split; a wish naming no catalogue
  occupation is kept as its text), ``wanting`` counts those labourers and
  ``trained`` those of them already trained in that occupation — enrolled in or
  having completed a class of it, or holding a certificate of it, the rule of
  ``training.matching``; an uncatalogued wish has no trained count;
* ``planned`` starts as ``wanting − trained``; the county then adjusts it;
* ``capacity`` is, for the line's occupation, the sum over the county's active
  institutions (by their ``region_code``) approved for that occupation of the
  places (``capacity``) of all their classes held in the previous year (start
  date in year − 1; approved, running, completed or assessed — declared and
  rejected classes never ran). An institution's last-year throughput is the
  proxy for what it can teach this year; since it may move places between the
  occupations it is approved for, the figure is an upper bound per occupation:
  it is the same on every township line of the occupation and is never summed
  across townships or occupations. Uncatalogued wishes have no capacity.

Re-drafting a draft (or a returned plan) replaces its lines and makes it a draft
again; a submitted or approved plan cannot be re-drafted. The county submits,
the prefecture of that county approves or returns it with a reason.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jifu.audit import services as audit
from jifu.regions.models import Region
from jifu.registry.models import Person
from jifu.training.choices import ClassStatus, InstitutionStatus, TrainingType
from jifu.training.matching import TRAINED_STATUSES
from jifu.training.models import Certificate, Enrolment, Institution, Occupation, TrainingClass

from .choices import TARGET_KINDS, Metric, PlanStatus
from .models import AnnualPlan, PlanLine, Target

ACTION_YEARS = (2018, 2019, 2020)
# The levels a target can be set for (a county splits to its townships).
TARGET_LEVELS = ("province", "prefecture", "county", "township")
PERCENT_KINDS = {Metric.COVERAGE}
ADDITIVE_KINDS = {k for k in TARGET_KINDS if k not in PERCENT_KINDS}
# Classes that ran (or will run): their places count toward an institution's capacity.
HELD_CLASSES = (
    ClassStatus.APPROVED,
    ClassStatus.RUNNING,
    ClassStatus.COMPLETED,
    ClassStatus.ASSESSED,
)
EDITABLE_PLANS = (PlanStatus.DRAFT, PlanStatus.RETURNED)
ZERO = Decimal("0")
CENT = Decimal("0.01")


def _refuse(field_name: str | None, message: str):
    raise ValidationError({field_name: message} if field_name else message)


def fmt(value) -> str:
    """900000.00 → "900,000"; 12.50 → "12.5" (how the messages and pages write numbers)."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def period_label(year: int | None) -> str:
    return f"{year}年" if year else "2018—2020年"


def kind_label(kind: str, training_type: str = "") -> str:
    label = str(Metric(kind).label)
    if training_type:
        label += f"（{TrainingType(training_type).label}）"
    return label


def target_label(year: int | None, kind: str, training_type: str = "") -> str:
    """ "2019年培训人数（就业技能培训）"."""
    return period_label(year) + kind_label(kind, training_type)


def _same_key(qs, year: int | None, kind: str, training_type: str):
    year_q = Q(year__isnull=True) if year is None else Q(year=year)
    return qs.filter(year_q, kind=kind, training_type=training_type)


def children_sum(region: Region, year, kind, training_type="", *, exclude=None) -> Decimal:
    """What ``region`` has split to its direct children for this year, kind and type."""
    qs = _same_key(Target.objects.filter(region__parent=region), year, kind, training_type)
    if exclude is not None:
        qs = qs.exclude(region=exclude)
    return qs.aggregate(s=Sum("value"))["s"] or ZERO


def unallocated(target: Target) -> Decimal | None:
    """未分解: the target less what is split to the level below (None for a percentage)."""
    if target.kind not in ADDITIVE_KINDS:
        return None
    return target.value - children_sum(
        target.region, target.year, target.kind, target.training_type
    )


def with_allocation(queryset):
    """Annotate each target with ``allocated``: the sum of its direct children's
    targets of the same year, kind and type (one correlated subquery; a NULL year
    matches a NULL year)."""
    children = (
        Target.objects.filter(
            region__parent_id=OuterRef("region_id"),
            kind=OuterRef("kind"),
            training_type=OuterRef("training_type"),
        )
        .annotate(year_key=Coalesce("year", Value(0)))
        .filter(year_key=Coalesce(OuterRef("year"), Value(0)))
        .order_by()
        .values("kind")
        .annotate(total=Sum("value"))
        .values("total")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    return queryset.annotate(
        allocated=Coalesce(Subquery(children, output_field=money), Value(ZERO), output_field=money)
    )


def may_set(actor, region: Region) -> bool:
    """Whether ``actor`` may set (split to) ``region``'s targets: the region is a direct
    child of the actor's region, or the actor's region is the province itself."""
    if actor is None:
        return True
    if not actor.is_authenticated or actor.is_org_user or not actor.region_id:
        return False
    if not (actor.has_perm("planning.add_target") and actor.has_perm("planning.change_target")):
        return False
    if region.level not in TARGET_LEVELS:
        return False
    if region.parent_id is None:
        return region.pk == actor.region_id
    return region.parent_id == actor.region_id


def _check_may_set(actor, region: Region):
    if may_set(actor, region):
        return
    if actor is not None and actor.region_id == region.pk:
        raise PermissionDenied(f"{region.name}的目标由上级下达，不能自行设定")
    raise PermissionDenied(f"只能向本级的直接下级分解目标，{region.name}不在其中")


def _clean_value(value, kind: str) -> Decimal:
    try:
        value = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError, TypeError):
        _refuse("value", f"目标值“{value}”不是数字")
    if value < 0:
        _refuse("value", "目标值不能为负数")
    if kind in PERCENT_KINDS and value > 100:
        _refuse("value", "应培尽培率按百分比填写，不能超过 100")
    return value


def _check_key(region: Region, year, kind: str, training_type: str):
    if kind not in TARGET_KINDS:
        _refuse("kind", f"“{kind}”不是可设定的目标指标")
    if training_type:
        if training_type not in TrainingType.values:
            _refuse("training_type", f"“{training_type}”不是培训类型")
        if kind != Metric.TRAINEES:
            _refuse("training_type", "只有培训人数目标可以按培训类型设定")
    if year is not None and not (2000 <= int(year) <= 2100):
        _refuse("year", f"年度“{year}”有误")
    if region.level not in TARGET_LEVELS:
        _refuse("region", f"{region.name}不是省、市州、县或乡镇，不能设定目标")


def _check_split(region: Region, year, kind, training_type, value: Decimal, parent_target):
    """The split rules for a new value of ``region``'s target (additive kinds only);
    ``parent_target`` is the parent region's target of the same key, locked, or None."""
    label = target_label(year, kind, training_type)
    if region.parent_id is not None:
        parent = region.parent
        if parent_target is None:
            _refuse("value", f"{parent.name}尚未设定{label}目标，不能向下分解")
        others = children_sum(parent, year, kind, training_type, exclude=region)
        room = parent_target.value - others
        if value > room:
            own = (
                _same_key(Target.objects.filter(region=region), year, kind, training_type)
                .values_list("value", flat=True)
                .first()
            ) or ZERO
            split = others + own
            _refuse(
                "value",
                f"{region.name}{label}目标拟设 {fmt(value)}，超过可分解数："
                f"{parent.name}目标 {fmt(parent_target.value)}，已分解 {fmt(split)}"
                + (f"（其中{region.name} {fmt(own)}）" if own else "")
                + f"，未分解 {fmt(parent_target.value - split)}，"
                f"{region.name}最多可设 {fmt(max(room, ZERO))}",
            )
    below = children_sum(region, year, kind, training_type)
    if value < below:
        _refuse(
            "value",
            f"{region.name}{label}目标不能低于已分解给下级的合计 {fmt(below)}"
            f"（拟设 {fmt(value)}）；请先调减下级目标",
        )
    if kind != Metric.TRAINEES:
        return
    own = Target.objects.filter(region=region, kind=kind)
    own = own.filter(year__isnull=True) if year is None else own.filter(year=year)
    if training_type:
        total = own.filter(training_type="").select_for_update().first()
        if total is not None:
            typed = own.exclude(training_type="").exclude(training_type=training_type)
            others = typed.aggregate(s=Sum("value"))["s"] or ZERO
            if others + value > total.value:
                room = total.value - others
                _refuse(
                    "value",
                    f"{region.name}{label}目标拟设 {fmt(value)}，各培训类型合计将超过"
                    f"{period_label(year)}培训人数目标 {fmt(total.value)}："
                    f"其他类型已分配 {fmt(others)}，未分配 {fmt(room)}",
                )
    else:
        typed = own.exclude(training_type="").aggregate(s=Sum("value"))["s"] or ZERO
        if value < typed:
            _refuse(
                "value",
                f"{region.name}{label}目标不能低于各培训类型目标合计 {fmt(typed)}（拟设 {fmt(value)}）",
            )


@transaction.atomic
def set_target(
    actor, region: Region, year, kind: str, value, training_type: str = "", *, note=None
) -> Target:
    """Set one target; refused (ValidationError, in Chinese) when the split would not add up,
    PermissionDenied when ``actor`` may not set ``region``'s targets."""
    year = int(year) if year not in (None, "") else None
    training_type = training_type or ""
    _check_key(region, year, kind, training_type)
    _check_may_set(actor, region)
    value = _clean_value(value, kind)
    # Row locks, always ancestor first: the parent's target, then this one (then, for a
    # type, this region's all-types target). A parent being lowered and a child being
    # raised, or two siblings being raised, therefore run one after the other.
    locked = _same_key(Target.objects.select_for_update(), year, kind, training_type)
    parent_target = None
    if region.parent_id is not None and kind in ADDITIVE_KINDS:
        parent_target = locked.filter(region_id=region.parent_id).first()
    target = locked.filter(region_code=region.code).first()
    if kind in ADDITIVE_KINDS:
        _check_split(region, year, kind, training_type, value, parent_target)
    label = target_label(year, kind, training_type)
    if target is None:
        target = Target.objects.create(
            region=region,
            region_code=region.code,
            year=year,
            kind=kind,
            training_type=training_type,
            value=value,
            note=note or "",
        )
        audit.record(
            "create",
            actor=actor,
            obj=target,
            after={"value": value, "year": year, "kind": kind, "training_type": training_type},
            message=f"设定{region.name}{label}目标 {fmt(value)}",
        )
        return target
    if target.value == value and (note is None or note == target.note):
        return target
    before = {"value": target.value, "note": target.note}
    target.value = value
    if note is not None:
        target.note = note
    target.save(update_fields=["value", "note"])
    audit.record(
        "update",
        actor=actor,
        obj=target,
        before=before,
        after={"value": value, "note": target.note},
        message=f"调整{region.name}{label}目标 {fmt(before['value'])} → {fmt(value)}",
    )
    return target


@transaction.atomic
def split_target(actor, target: Target, values: dict) -> list[Target]:
    """Set the direct children's values of ``target`` in one go (the split form).

    ``values`` maps child ``Region`` → value (``None``: leave that child as it is).
    Lowered children are written first, so that moving an amount from one child to
    another never trips the rule mid-way; all or nothing. The parent's row is locked
    first, as ``set_target`` does for each child.
    """
    parent = Target.objects.select_for_update().select_related("region").get(pk=target.pk)
    key = (parent.year, parent.kind, parent.training_type)
    current = {
        t.region_id: t.value
        for t in _same_key(Target.objects.filter(region__parent=parent.region), *key)
    }
    changes = []
    for region, value in values.items():
        if value in (None, ""):
            continue
        if region.parent_id != parent.region_id:
            _refuse(None, f"{region.name}不是{parent.region.name}的下级区划")
        changes.append((region, _clean_value(value, parent.kind)))
    if parent.kind in ADDITIVE_KINDS:
        new = dict(current)
        new.update({r.pk: v for r, v in changes})
        total = sum(new.values(), ZERO)
        if total > parent.value:
            _refuse(
                None,
                f"分解合计 {fmt(total)} 超过{parent.region.name}"
                f"{target_label(*key)}目标 {fmt(parent.value)}（超出 {fmt(total - parent.value)}），"
                f"未分解不能为负数",
            )
    # Decreases first, then increases.
    changes.sort(key=lambda rv: rv[1] - current.get(rv[0].pk, ZERO))
    saved = []
    for region, value in changes:
        try:
            saved.append(set_target(actor, region, *key[:2], value, key[2]))
        except ValidationError as exc:
            raise ValidationError({region.code: exc.messages}) from None
    return saved


@dataclass
class TargetRow:
    """One target of a region with what is split below it."""

    target: Target
    allocated: Decimal | None
    unallocated: Decimal | None
    children: dict = field(default_factory=dict)  # child region id → value

    @property
    def label(self) -> str:
        t = self.target
        return target_label(t.year, t.kind, t.training_type)

    @property
    def training_type_label(self) -> str:
        tt = self.target.training_type
        return str(TrainingType(tt).label) if tt in TrainingType.values else tt

    @property
    def percent(self) -> bool:
        return self.target.kind in PERCENT_KINDS

    def text(self, value) -> str:
        if value is None:
            return "—"
        return f"{fmt(value)}%" if self.percent else fmt(value)

    @property
    def value_text(self) -> str:
        return self.text(self.target.value)

    @property
    def allocated_text(self) -> str:
        return self.text(self.allocated)

    @property
    def unallocated_text(self) -> str:
        return self.text(self.unallocated)


def _kind_order(kind: str) -> int:
    return TARGET_KINDS.index(kind) if kind in TARGET_KINDS else len(TARGET_KINDS)


def split_sheet(region: Region, targets_qs) -> tuple[list[TargetRow], list[Region]]:
    """The region's own targets (from ``targets_qs``, already scoped) with the values of
    each direct child, for the target page."""
    own = list(targets_qs.filter(region=region))
    own.sort(key=lambda t: (t.year or 0, _kind_order(t.kind), t.training_type))
    children = list(Region.objects.filter(parent=region).order_by("code"))
    rows = {(t.year, t.kind, t.training_type): TargetRow(t, None, None) for t in own}
    for child_target in targets_qs.filter(region__parent=region):
        row = rows.get((child_target.year, child_target.kind, child_target.training_type))
        if row is not None:
            row.children[child_target.region_id] = child_target.value
    for row in rows.values():
        if row.target.kind in ADDITIVE_KINDS:
            row.allocated = sum(row.children.values(), ZERO)
            row.unallocated = row.target.value - row.allocated
    return list(rows.values()), children


# --- annual plans -----------------------------------------------------------------------


def _county_office(actor, plan_region_code: str, permission: str):
    """The county office (or the system) acting on a plan of its own county."""
    if actor is None:
        return
    if not actor.has_perm(permission):
        raise PermissionDenied("您的角色不能编制年度培训计划")
    prefix = actor.scope_prefix
    if actor.is_org_user or prefix is None or not plan_region_code.startswith(prefix):
        raise PermissionDenied("该县不在您的管辖范围内")


def _prefecture_office(actor, plan: AnnualPlan):
    """Only the prefecture the plan's county belongs to approves or returns it."""
    if actor is None:
        return
    if not actor.has_perm("planning.approve_annualplan"):
        raise PermissionDenied("只有市州人社局可以审批县年度培训计划")
    if plan.region.parent_id != actor.region_id:
        raise PermissionDenied(f"{plan.region.name}的年度计划由其所属市州审批")


def _lock(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update().select_related("region").get(pk=plan.pk)


@dataclass
class _Cell:
    wanting: int = 0
    trained: int = 0


def _catalogue() -> dict[str, tuple[int, set[int]]]:
    """Occupation name → (the line's occupation, every catalogue id of that name).

    Names are unique in the shipped catalogue; should two codes share one, the
    active one with the lowest code is the line's and training in either counts.
    """
    found: dict[str, tuple[int, set[int]]] = {}
    for pk, name in Occupation.objects.order_by("-active", "code").values_list("pk", "name"):
        name = name.strip()
        if name in found:
            found[name][1].add(pk)
        else:
            found[name] = (pk, {pk})
    return found


def _capacities(county: Region, year: int) -> tuple[dict[int, int], dict[int, set[int]]]:
    """Places each of the county's active institutions ran in ``year - 1`` (all its held
    classes; see the module docstring), and occupation id → those institutions approved
    for it."""
    institutions = Institution.objects.filter(
        region_code__startswith=county.prefix, status=InstitutionStatus.ACTIVE
    )
    places = dict(
        TrainingClass.objects.filter(
            institution__in=institutions,
            start_date__year=year - 1,
            status__in=HELD_CLASSES,
        )
        .order_by()
        .values("institution_id")
        .annotate(n=Sum("capacity"))
        .values_list("institution_id", "n")
    )
    approved: dict[int, set[int]] = defaultdict(set)
    approvals = Institution.occupations.through.objects.filter(institution__in=institutions)
    for institution_id, occupation_id in approvals.values_list("institution_id", "occupation_id"):
        approved[occupation_id].add(institution_id)
    return places, approved


def registry_lines(county: Region, year: int, *, on: date | None = None) -> list[PlanLine]:
    """The plan's lines as the registry gives them today (unsaved ``PlanLine`` objects)."""
    on = on or timezone.localdate()
    wanting = Person.objects.labour_force(on).filter(
        village_code__startswith=county.prefix, wants_training=True
    )
    rows = list(wanting.values_list("id", "village_code", "wanted_occupations"))
    catalogue = _catalogue()
    trained: set[tuple[int, int]] = set()
    trained.update(
        Enrolment.objects.filter(person__in=wanting, status__in=TRAINED_STATUSES).values_list(
            "person_id", "training_class__occupation_id"
        )
    )
    trained.update(
        Certificate.objects.filter(person__in=wanting).values_list("person_id", "occupation_id")
    )
    cells: dict[tuple[str, int | None, str], _Cell] = defaultdict(_Cell)
    for person_id, village_code, wished in rows:
        township = village_code[:9]
        for wish in dict.fromkeys(w.strip() for w in (wished or "").split("|")):
            if not wish:
                continue
            match = catalogue.get(wish)
            if match is None:
                cell = cells[(township, None, wish[:60])]  # PlanLine.wish holds 60
                cell.wanting += 1
                continue
            occupation_id, ids = match
            cell = cells[(township, occupation_id, "")]
            cell.wanting += 1
            if any((person_id, o) in trained for o in ids):
                cell.trained += 1
    townships = {
        r.code[:9]: r for r in Region.objects.filter(code__in={k[0].ljust(12, "0") for k in cells})
    }
    places, approved = _capacities(county, year)
    names = dict(Occupation.objects.values_list("pk", "name"))
    same_name = dict(catalogue.values())
    lines = []
    for (township, occupation_id, wish), cell in cells.items():
        cap = 0
        if occupation_id is not None:
            # Institutions approved for any catalogue entry of that name, once each.
            teaching = set().union(*(approved.get(o, set()) for o in same_name[occupation_id]))
            cap = sum(places.get(i, 0) for i in teaching)
        lines.append(
            PlanLine(
                # A village whose township is not in the reference falls to the county.
                township=townships.get(township, county),
                occupation_id=occupation_id,
                wish=wish,
                wanting=cell.wanting,
                trained=cell.trained,
                planned=max(cell.wanting - cell.trained, 0),
                capacity=cap,
            )
        )
    lines.sort(key=lambda x: (x.township.code, -x.wanting, names.get(x.occupation_id, x.wish)))
    return lines


def plan_totals(plan: AnnualPlan) -> dict:
    return plan.lines.aggregate(
        wanting=Coalesce(Sum("wanting"), 0),
        trained=Coalesce(Sum("trained"), 0),
        planned=Coalesce(Sum("planned"), 0),
    )


@transaction.atomic
def draft_plan(actor, county: Region, year: int, *, on: date | None = None) -> AnnualPlan:
    """起草: the county's plan for ``year`` from the registry (see the module docstring)."""
    if county.level != "county":
        _refuse(None, f"{county.name}不是县级区划，年度培训计划由县编制")
    try:
        year = int(year)
    except (TypeError, ValueError):
        _refuse("year", f"年度“{year}”有误")
    if not 2000 <= year <= 2100:
        _refuse("year", f"年度“{year}”有误")
    _county_office(actor, county.code, "planning.add_annualplan")
    plan = (
        AnnualPlan.objects.select_for_update()
        .filter(region_code=county.code, year=year)
        .select_related("region")
        .first()
    )
    if plan is not None and plan.status not in EDITABLE_PLANS:
        _refuse(None, f"{plan}{plan.get_status_display()}，不能重新起草")
    lines = registry_lines(county, year, on=on)
    if plan is None:
        plan = AnnualPlan.objects.create(region=county, region_code=county.code, year=year)
        action, before = "create", None
    else:
        action = "update"
        before = {"status": plan.status, **plan_totals(plan)}
        plan.lines.all().delete()
        plan.status = PlanStatus.DRAFT
        plan.drafted_at = timezone.now()
        plan.save(update_fields=["status", "drafted_at"])
    for line in lines:
        line.plan = plan
    PlanLine.objects.bulk_create(lines)
    totals = plan_totals(plan)
    audit.record(
        action,
        actor=actor,
        obj=plan,
        before=before,
        after={"status": plan.status, "lines": len(lines), **totals},
        message=(
            f"{'重新起草' if before else '从实名库起草'}：{len(lines)} 条明细，"
            f"有意愿 {totals['wanting']} 人次，已培训 {totals['trained']}，"
            f"计划培训 {totals['planned']}"
        ),
    )
    return plan


def _clean_planned(planned) -> int:
    try:
        number = Decimal(str(planned).strip())
    except (InvalidOperation, ValueError):
        _refuse("planned", f"计划培训人数“{planned}”不是整数")
    if number != number.to_integral_value():
        _refuse("planned", f"计划培训人数“{planned}”不是整数")
    if number < 0:
        _refuse("planned", "计划培训人数不能为负数")
    return int(number)


def _line_name(line: PlanLine) -> str:
    return f"{line.township.name} {line.occupation.name if line.occupation_id else line.wish}"


@transaction.atomic
def adjust_line(actor, line: PlanLine, planned) -> PlanLine:
    """调整: the county changes one line's planned number while the plan is with it."""
    planned = _clean_planned(planned)
    line = PlanLine.objects.select_related("township", "occupation").get(pk=line.pk)
    plan = _lock(line.plan)
    _county_office(actor, plan.region_code, "planning.change_annualplan")
    if plan.status not in EDITABLE_PLANS:
        _refuse(None, f"计划{plan.get_status_display()}，不能调整")
    if line.planned == planned:
        return line
    before = line.planned
    line.planned = planned
    line.save(update_fields=["planned"])
    audit.record(
        "update",
        actor=actor,
        obj=plan,
        before={"line": line.pk, "planned": before},
        after={"line": line.pk, "planned": planned},
        message=f"调整{_line_name(line)}计划培训人数 {before} → {planned}",
    )
    return line


@transaction.atomic
def adjust_lines(actor, plan: AnnualPlan, planned: dict) -> int:
    """Several lines of one plan at once (the plan page's form): ``{line id: planned}``.
    All or nothing; returns how many lines changed."""
    lines = {line.pk: line for line in plan.lines.all()}
    changed = 0
    for pk, value in planned.items():
        line = lines.get(int(pk))
        if line is None:
            _refuse(None, "明细不属于该计划")
        try:
            new = _clean_planned(value)
        except ValidationError as exc:
            raise ValidationError(f"{_line_name(line)}：{exc.messages[0]}") from None
        if new != line.planned:
            adjust_line(actor, line, new)
            changed += 1
    return changed


def _transition(plan: AnnualPlan, allowed: tuple, to: str, *, actor, message: str, **fields):
    if plan.status not in allowed:
        _refuse(None, f"计划当前状态为“{plan.get_status_display()}”，不能进行此操作")
    before = plan.status
    plan.status = to
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.save(update_fields=["status", *fields])
    audit.record(
        "update",
        actor=actor,
        obj=plan,
        before={"status": before},
        after={"status": to, **{k: v for k, v in fields.items() if k == "review_note"}},
        message=message,
    )
    return plan


@transaction.atomic
def submit_plan(actor, plan: AnnualPlan, *, note: str | None = None) -> AnnualPlan:
    """报送: the county sends its plan to the prefecture."""
    plan = _lock(plan)
    _county_office(actor, plan.region_code, "planning.change_annualplan")
    fields = {"submitted_at": timezone.now()}
    if note is not None:
        fields["note"] = note
    totals = plan_totals(plan)
    return _transition(
        plan,
        EDITABLE_PLANS,
        PlanStatus.SUBMITTED,
        actor=actor,
        message=f"报送：计划培训 {totals['planned']} 人次",
        **fields,
    )


@transaction.atomic
def approve_plan(actor, plan: AnnualPlan, *, note: str = "") -> AnnualPlan:
    """批准: only the prefecture of the plan's county, only a submitted plan."""
    plan = _lock(plan)
    _prefecture_office(actor, plan)
    return _transition(
        plan,
        (PlanStatus.SUBMITTED,),
        PlanStatus.APPROVED,
        actor=actor,
        message=f"批准{('：' + note) if note else ''}",
        approved_at=timezone.now(),
        review_note=note.strip(),
    )


@transaction.atomic
def return_plan(actor, plan: AnnualPlan, reason: str) -> AnnualPlan:
    """退回修改 with a reason: the plan goes back to the county, which may adjust or redraft."""
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", "退回须说明理由")
    plan = _lock(plan)
    _prefecture_office(actor, plan)
    return _transition(
        plan,
        (PlanStatus.SUBMITTED,),
        PlanStatus.RETURNED,
        actor=actor,
        message=f"退回修改：{reason}",
        review_note=reason,
    )


@dataclass
class Totals:
    """Sums for the plan page: by township and by occupation (capacity once per occupation)."""

    by_township: list = field(default_factory=list)
    by_occupation: list = field(default_factory=list)
    wanting: int = 0
    trained: int = 0
    planned: int = 0


def totals_of(lines) -> Totals:
    by_township: dict = {}
    by_occupation: dict = {}
    result = Totals()
    for line in lines:
        t = by_township.setdefault(
            line.township_id, {"name": line.township.name, "wanting": 0, "trained": 0, "planned": 0}
        )
        key = line.occupation_id or f"wish:{line.wish}"
        o = by_occupation.setdefault(
            key,
            {
                "name": line.occupation.name if line.occupation_id else line.wish,
                "catalogued": bool(line.occupation_id),
                "wanting": 0,
                "trained": 0,
                "planned": 0,
                "capacity": line.capacity,
            },
        )
        for name in ("wanting", "trained", "planned"):
            value = getattr(line, name)
            t[name] += value
            o[name] += value
            setattr(result, name, getattr(result, name) + value)
    for o in by_occupation.values():
        o["gap"] = max(o["planned"] - o["capacity"], 0) if o["catalogued"] else None
    result.by_township = list(by_township.values())
    result.by_occupation = sorted(by_occupation.values(), key=lambda o: -o["planned"])
    return result
