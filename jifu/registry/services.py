"""Writes to the registry: atomic, audited, with the acting user.

Sensitive values enter here in clear and leave encrypted: ``protect()`` turns
an ID number, phone or bank account into its ciphertext, blind index and
masked form. Nothing else in jifu encrypts or masks registry values.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from pypinyin import Style, lazy_pinyin

from jifu.audit import services as audit
from jifu.core import crypto, idnumber
from jifu.regions.models import Region

from .choices import PersonStatus, PovertyStatus
from .models import (
    GuidanceRecord,
    Household,
    HouseholdPlan,
    HouseholdStatusPeriod,
    OutreachEvent,
    Person,
)

# Registration in the national system began in 2014: the earliest date a
# status period can be known to start.
REGISTRATION_START = date(2014, 1, 1)

SENSITIVE = {
    "id_number": ("person.id_number", crypto.mask_id_number),
    "phone": ("person.phone", crypto.mask_phone),
    "bank_account": ("person.bank_account", crypto.mask_bank_account),
}


@dataclass(frozen=True)
class Protected:
    enc: str
    bidx: str
    masked: str


def protect(field: str, value: str, ring=None) -> Protected:
    """Ciphertext, blind index and masked form of a normalised sensitive value.

    Bulk callers pass ``ring`` (``crypto.get_keyring()``) once per batch.
    """
    if not value:
        return Protected("", "", "")
    context, mask = SENSITIVE[field]
    ring = ring or crypto.get_keyring()
    return Protected(ring.encrypt(value, context), ring.blind_index(value, context), mask(value))


def id_number_index(raw: str) -> str:
    """Blind index of an ID number in any accepted form (raises IdNumberError)."""
    return crypto.blind_index(idnumber.normalize(raw), context=SENSITIVE["id_number"][0])


@lru_cache(maxsize=20000)
def _initial(char: str) -> str:
    found = lazy_pinyin(char, style=Style.FIRST_LETTER, errors="ignore")
    return found[0][:1].lower() if found and found[0] else ""


def name_initials(name: str) -> str:
    """Pinyin initials for search: 马文 → mw (characters without pinyin are dropped).

    Character by character with a cache: imports call this for every row, and
    a province has only a few thousand distinct name characters.
    """
    return "".join(_initial(c) for c in name)[:60]


def find_by_id_number(raw: str, queryset=None) -> Person | None:
    queryset = Person.objects.all() if queryset is None else queryset
    return queryset.filter(id_number_bidx=id_number_index(raw)).first()


FIND_LIMIT_PER_HOUR = 300  # ID-number look-ups an organisation user may make per hour


def find_for_organisation(*, actor, id_number: str, name: str, purpose: str) -> Person | None:
    """An organisation (institution, employer) finds a person only by full ID number and name.

    Rate-limited per user and audited, so that the registry cannot be scanned
    through an organisation's account. The caller checks its own permission.
    """
    from django.core.cache import cache

    key = f"jifu:find_person:{actor.pk}"
    count = cache.get_or_set(key, 0, timeout=3600)
    if count >= FIND_LIMIT_PER_HOUR:
        raise ValidationError("查询过于频繁，请稍后再试")
    cache.incr(key)
    try:
        person = find_by_id_number(id_number)
    except idnumber.IdNumberError as exc:
        raise ValidationError({"id_number": exc.message_zh}) from None
    found = person is not None and person.name == name.strip()
    with transaction.atomic():
        audit.record(
            "reveal",
            actor=actor,
            object_type="registry.person",
            object_id=str(person.pk) if found else "",
            message=f"{purpose}按身份证号码和姓名查找人员：" + ("找到" if found else "未找到"),
        )
    return person if found else None


def initial_status_periods(
    status: str, exit_year: int | None, today: date
) -> list[tuple[str, date, date | None]]:
    """Periods for a household first seen with ``status``.

    A household that exited in year Y was registered poor until the end of Y
    (exits are decided in the year-end assessment) and has been exited since.
    A household first seen registered has been registered as far back as the
    registry can know (REGISTRATION_START): the ledgers arrive years after the
    registration, and "was this person poor when enrolled in 2019?" must not
    depend on the day the ledger was imported.
    """
    if status == PovertyStatus.EXITED and exit_year:
        return [
            (PovertyStatus.REGISTERED, REGISTRATION_START, date(exit_year, 12, 31)),
            (PovertyStatus.EXITED, date(exit_year + 1, 1, 1), None),
        ]
    if status == PovertyStatus.REGISTERED:
        return [(status, REGISTRATION_START, None)]
    return [(status, today, None)]


def record_status_change(
    household: Household, status: str, exit_year: int | None, today: date, source: str
) -> None:
    """Close the open period and open one for the new status (history is kept, not rewritten)."""
    open_period = (
        household.status_periods.filter(valid_to__isnull=True).order_by("-valid_from").first()
    )
    if open_period and open_period.status == status:
        return
    start = date(exit_year + 1, 1, 1) if status == PovertyStatus.EXITED and exit_year else today
    if open_period:
        if start <= open_period.valid_from:
            # The open period began no earlier than the change: correct it in place.
            open_period.status, open_period.source = status, source
            open_period.save(update_fields=["status", "source"])
            return
        open_period.valid_to = start - timedelta(days=1)
        open_period.save(update_fields=["valid_to"])
    HouseholdStatusPeriod.objects.create(
        household=household, status=status, valid_from=start, source=source
    )


def _reveal_allowed(user) -> bool:
    return user.has_perm("registry.reveal_person")


@transaction.atomic
def reveal(person: Person, field: str, *, actor) -> str:
    """The full value of a sensitive field, for a role that may see it; always audited."""
    if field not in SENSITIVE:
        raise ValueError(field)
    if not _reveal_allowed(actor):
        raise PermissionDenied
    token = getattr(person, f"{field}_enc")
    value = crypto.decrypt(token, context=SENSITIVE[field][0]) if token else ""
    audit.record(
        "reveal",
        actor=actor,
        obj=person,
        message=f"查看{person._meta.get_field(field + '_masked').verbose_name}明文",
    )
    return value


def _region(code_or_region) -> Region:
    return (
        code_or_region
        if isinstance(code_or_region, Region)
        else Region.objects.get(code=code_or_region)
    )


@transaction.atomic
def relocate_household(
    household: Household, new_village, *, actor, on: date | None = None
) -> Household:
    """易地扶贫搬迁: move a household and every row scoped by its old village, in one transaction."""
    village = _region(new_village)
    if village.level != "village":
        raise ValidationError({"village": "搬迁目的地必须是村（社区）"})
    household = Household.objects.select_for_update().get(pk=household.pk)
    old = household.village_code
    if old == village.code:
        return household
    household.village, household.village_code, household.resettled = village, village.code, True
    household.save(update_fields=["village", "village_code", "resettled", "updated_at"])
    moved = {
        "persons": Person.objects.filter(household=household).update(village_code=village.code)
    }
    moved["plans"] = HouseholdPlan.objects.filter(household=household).update(
        village_code=village.code
    )
    moved["guidance"] = GuidanceRecord.objects.filter(person__household=household).update(
        village_code=village.code
    )
    for hook in RELOCATION_HOOKS:
        moved.update(hook(household, old, village.code))
    audit.record(
        "update",
        actor=actor,
        obj=household,
        before={"village_code": old},
        after={"village_code": village.code, **moved},
        message="易地扶贫搬迁",
    )
    return household


# Later apps register functions (household, old_code, new_code) -> {name: rows moved}
# for their own rows scoped by the household's village.
RELOCATION_HOOKS: list = []


@transaction.atomic
def set_person_status(person: Person, status: str, on: date, *, actor) -> Person:
    """在册 / 已死亡 / 已迁出, with the date it took effect."""
    if status not in PersonStatus.values:
        raise ValidationError({"status": f"未知的人员状态“{status}”"})
    person = Person.objects.select_for_update().get(pk=person.pk)
    before = {"status": person.status, "status_date": person.status_date}
    person.status, person.status_date = status, on
    person.save(update_fields=["status", "status_date", "updated_at"])
    audit.record(
        "update",
        actor=actor,
        obj=person,
        before=before,
        after={"status": status, "status_date": on},
    )
    return person


@transaction.atomic
def set_employment(
    person: Person,
    *,
    actor,
    status: str,
    place: str = "",
    employer: str = "",
    monthly_income=None,
    message: str = "",
) -> Person:
    """就业状态: the one way other apps change whether a person is employed.

    The five lists are live filters over these fields, so a placement recorded
    here moves the person from 未就业 to 已就业 at once.
    """
    from .choices import EmploymentPlace, EmploymentStatus

    if status not in EmploymentStatus.values:
        raise ValidationError({"employment_status": f"未知的就业状态“{status}”"})
    if place not in EmploymentPlace.values:
        raise ValidationError({"employment_place": f"未知的就业地点“{place}”"})
    person = Person.objects.select_for_update().get(pk=person.pk)
    fields = ("employment_status", "employment_place", "employer", "monthly_income")
    before = {f: getattr(person, f) for f in fields}
    after = {
        "employment_status": status,
        "employment_place": place,
        "employer": employer[:100],
        "monthly_income": monthly_income,
    }
    if before == after:
        return person
    for field, value in after.items():
        setattr(person, field, value)
    person.save(update_fields=[*fields, "updated_at"])
    audit.record("update", actor=actor, obj=person, before=before, after=after, message=message)
    return person


@transaction.atomic
def create_plan(
    household: Household, *, actor, measures: str, responsible_cadre: str, next_review=None
) -> HouseholdPlan:
    plan = HouseholdPlan.objects.create(
        household=household,
        village_code=household.village_code,
        measures=measures,
        responsible_cadre=responsible_cadre,
        next_review=next_review,
    )
    audit.record(
        "create",
        actor=actor,
        obj=plan,
        after={"measures": measures, "responsible_cadre": responsible_cadre},
    )
    return plan


@transaction.atomic
def add_guidance(
    person: Person,
    *,
    actor,
    date,
    counsellor: str,
    recommended_occupations: str = "",
    content: str = "",
) -> GuidanceRecord:
    record = GuidanceRecord.objects.create(
        person=person,
        village_code=person.village_code,
        date=date,
        counsellor=counsellor,
        recommended_occupations=recommended_occupations,
        content=content,
    )
    audit.record("create", actor=actor, obj=record, after={"date": date, "counsellor": counsellor})
    return record


@transaction.atomic
def record_outreach(
    *, actor, region, date, kind: str, title: str, people_reached: int = 0, notes: str = ""
) -> OutreachEvent:
    region = _region(region)
    if region.level not in ("township", "village"):
        raise ValidationError({"region": "宣传动员须记录到乡镇或村"})
    event = OutreachEvent.objects.create(
        region=region,
        region_code=region.code,
        date=date,
        kind=kind,
        title=title,
        people_reached=people_reached,
        notes=notes,
    )
    audit.record(
        "create",
        actor=actor,
        obj=event,
        after={"kind": kind, "title": title, "people_reached": people_reached},
    )
    return event
