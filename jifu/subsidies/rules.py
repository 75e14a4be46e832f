"""Subsidy amounts and eligibility as plain functions.

``standard_for`` finds the standard that applies; ``amount_for`` turns it into
an amount and the sentence that explains it; each eligibility rule returns the
reason a line is refused (its configured message, with the person's name and
the facts), or None. Rules are switched on and off, and their limits set, in
the ``EligibilityRule`` table; the logic of each is here, keyed by its code.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from jifu.registry.choices import ABLE_TO_WORK, LABOUR_AGE, PersonStatus, PovertyStatus

from .choices import SubsidyItem
from .models import ClaimLine, EligibilityRule, SubsidyStandard

CENT = Decimal("0.01")
# Items counted together by "at most N subsidised trainings/appraisals a year".
COUNTED_PER_YEAR = (SubsidyItem.TRAINING, SubsidyItem.STARTUP_TRAINING, SubsidyItem.APPRAISAL)
# A household poor "at enrolment": registered, or registered and since lifted out
# (已脱贫户 keep their support until 2020).
POOR_AT_ENROLMENT = (PovertyStatus.REGISTERED, PovertyStatus.EXITED)

MAX_PER_YEAR = "max_per_year"
SAME_OCCUPATION_LEVEL = "same_occupation_level"
LOWER_LEVEL = "lower_level"
CLAIM_WINDOW = "claim_window"
LIVING_ONCE_A_YEAR = "living_once_a_year"
POOR_LABOURER = "poor_labourer_at_enrolment"
PASSED_ASSESSMENT = "passed_assessment"
ATTENDANCE_SHARE = "attendance_share"
WORK_BASED_MONTHS = "work_based_months"


def _rules() -> dict[str, EligibilityRule]:
    return {r.code: r for r in EligibilityRule.objects.all()}


class RuleBook:
    """The configured rules, read once per claim."""

    def __init__(self):
        self.rules = _rules()

    def active(self, code: str) -> EligibilityRule | None:
        rule = self.rules.get(code)
        return rule if rule is not None and rule.enabled else None

    def refuse(self, code: str, person, detail: str = "") -> str:
        rule = self.rules[code]
        message = rule.message.replace("{limit}", str(rule.limit if rule.limit is not None else ""))
        return f"{person.name}：{message}" + (f"（{detail}）" if detail else "")


# --- standards and amounts ------------------------------------------------------------------


def standard_for(
    item: str,
    *,
    on: date,
    region_code: str,
    occupation=None,
    level: int | None = None,
    training_type: str = "",
) -> SubsidyStandard | None:
    """The most specific standard in force on ``on`` for a place under ``region_code``."""
    candidates = SubsidyStandard.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        item=item,
        effective_from__lte=on,
    ).filter(Q(occupation__isnull=True) | Q(occupation=occupation))
    if level is None:
        candidates = candidates.filter(level__isnull=True)
    else:
        candidates = candidates.filter(Q(level__isnull=True) | Q(level=level))
    candidates = candidates.filter(Q(training_type="") | Q(training_type=training_type))
    best, best_key = None, None
    for s in candidates.select_related("region"):
        if not region_code.startswith(s.region.prefix):
            continue
        key = (
            len(s.region.prefix),
            s.occupation_id is not None,
            s.level is not None,
            bool(s.training_type),
            s.effective_from,
        )
        if best_key is None or key > best_key:
            best, best_key = s, key
    return best


@dataclass
class Amount:
    value: Decimal
    rule: str


def amount_for(standard: SubsidyStandard, *, quantity=1, key_industry=False, label="") -> Amount:
    """Standard × quantity, plus the key-industry uplift; and the sentence saying so."""
    quantity = Decimal(quantity)
    base = (standard.amount * quantity).quantize(CENT, ROUND_HALF_UP)
    where = f"{standard.region.name} {standard.effective_from:%Y-%m-%d} 起"
    doc = f"，{standard.document}" if standard.document else ""
    unit = standard.get_unit_display()
    if quantity == 1:
        text = f"{label}：标准 {standard.amount} {unit}（{where}{doc}）"
    else:
        text = f"{label}：标准 {standard.amount} {unit} × {_plain(quantity)}（{where}{doc}）"
    value = base
    if key_industry and standard.key_industry_pct:
        uplift = (base * standard.key_industry_pct / 100).quantize(CENT, ROUND_HALF_UP)
        value += uplift
        text += f" + 重点产业上浮 {_plain(standard.key_industry_pct)}%（{uplift} 元）"
    elif key_industry and standard.key_industry_amount:
        value += standard.key_industry_amount * quantity
        text += f" + 重点产业上浮 {standard.key_industry_amount} {unit}"
    return Amount(value, f"{text} = {value} 元")


def _plain(d: Decimal) -> str:
    """10.00 → "10", 12.50 → "12.5" (never "1E+1")."""
    return format(d.normalize(), "f")


def occupation_period(occupation, level) -> str:
    return f"{occupation.code}/{level or 0}"


# --- eligibility ----------------------------------------------------------------------------


def _live(person, exclude_claim=None):
    lines = ClaimLine.objects.live().filter(person=person)
    return lines.exclude(claim=exclude_claim) if exclude_claim is not None else lines


def poor_labourer_problem(book: RuleBook, person, on: date) -> str | None:
    """A registry person of a registered poor household, 16–60 and able to work, on ``on``."""
    if not book.active(POOR_LABOURER):
        return None
    gone = person.status != PersonStatus.ACTIVE and (
        person.status_date is None or person.status_date <= on
    )
    status = person.household.status_on(on)
    if (
        gone
        or person.labour_ability not in ABLE_TO_WORK
        or not LABOUR_AGE[0] <= person.age_on(on) <= LABOUR_AGE[1]
        or status not in POOR_AT_ENROLMENT
    ):
        return book.refuse(POOR_LABOURER, person, f"{on:%Y-%m-%d}")
    return None


def per_year_problem(book: RuleBook, person, year: int, pending: int = 0) -> str | None:
    """At most N subsidised trainings and appraisals per person and calendar year.

    ``pending``: lines of the same kinds already accepted into the claim being built.
    """
    rule = book.active(MAX_PER_YEAR)
    if not rule or rule.limit is None:
        return None
    used = _live(person).filter(item__in=COUNTED_PER_YEAR, year=year).count() + pending
    if used >= rule.limit:
        return book.refuse(MAX_PER_YEAR, person, f"{year} 年已 {used} 次")
    return None


def occupation_level_problems(book: RuleBook, person, item: str, occupation, level) -> str | None:
    """Never twice for an occupation and level; never a lower level after a higher one."""
    lines = _live(person).filter(item=item)
    if (
        book.active(SAME_OCCUPATION_LEVEL)
        and lines.filter(period=occupation_period(occupation, level)).exists()
    ):
        return book.refuse(SAME_OCCUPATION_LEVEL, person, f"{occupation.name} {level or ''}")
    if book.active(LOWER_LEVEL) and level:
        # Levels run 5 (初级) → 1 (高级技师): a smaller number is a higher level.
        for period in lines.filter(period__startswith=f"{occupation.code}/").values_list(
            "period", flat=True
        ):
            done = int(period.rsplit("/", 1)[1] or 0)
            if done and done < level:
                return book.refuse(
                    LOWER_LEVEL, person, f"{occupation.name} 已补贴 {done} 级，本次 {level} 级"
                )
    return None


def claim_window_problem(
    book: RuleBook, person, certified_on: date, claimed_on: date
) -> str | None:
    rule = book.active(CLAIM_WINDOW)
    if not rule or rule.limit is None:
        return None
    if claimed_on > certified_on + relativedelta(months=rule.limit):
        return book.refuse(CLAIM_WINDOW, person, f"取证日期 {certified_on:%Y-%m-%d}")
    return None


def living_problem(book: RuleBook, person, year: int, enrolment) -> str | None:
    from jifu.training.rules import min_attendance

    rule = book.active(LIVING_ONCE_A_YEAR)
    if rule and rule.limit is not None:
        used = _live(person).filter(item=SubsidyItem.LIVING, year=year).count()
        if used >= rule.limit:
            return book.refuse(LIVING_ONCE_A_YEAR, person, f"{year} 年已享受")
    if book.active(ATTENDANCE_SHARE):
        rate = enrolment.attendance_rate
        if rate is None or rate < min_attendance():
            shown = f"{rate:.0%}" if rate is not None else "无考勤"
            return book.refuse(
                ATTENDANCE_SHARE, person, f"出勤率 {shown}，要求 {min_attendance():.0%}"
            )
    return None


def passed_problem(book: RuleBook, person, enrolment) -> str | None:
    if not book.active(PASSED_ASSESSMENT):
        return None
    assessment = getattr(enrolment, "assessment", None)
    if assessment is None or assessment.result != "pass":
        return book.refuse(PASSED_ASSESSMENT, person)
    return None


def work_based_problem(book: RuleBook, person, standard, pending: int = 0) -> str | None:
    if not book.active(WORK_BASED_MONTHS) or not standard.max_months:
        return None
    used = _live(person).filter(item=SubsidyItem.WORK_BASED).count() + pending
    if used >= standard.max_months:
        return book.refuse(
            WORK_BASED_MONTHS, person, f"已补贴 {used} 个月，最多 {standard.max_months} 个月"
        )
    return None
