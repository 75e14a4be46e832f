"""The rules of employment as plain functions: each returns the Chinese reason a
thing is refused, or None. Services and importers call them; tests call them directly."""

from datetime import date

from jifu.registry.choices import ABLE_TO_WORK, LABOUR_AGE, PersonStatus, PovertyStatus

from .choices import EmploymentPlace

GANSU = "甘肃省"
# Statuses under which a household's members count as poor labourers for 以工代训.
POOR_STATUSES = {PovertyStatus.REGISTERED, PovertyStatus.EXITED, PovertyStatus.EDGE}


def normalise_province(value: str) -> str:
    """'甘肃' and '甘肃省' are one province; municipalities keep their 市."""
    value = (value or "").strip()
    if not value:
        return ""
    if value.endswith(("省", "市", "自治区", "特别行政区")):
        return value
    if value in {"北京", "天津", "上海", "重庆"}:
        return value + "市"
    if value in {"内蒙古", "广西", "西藏", "宁夏", "新疆"}:
        return {
            "内蒙古": "内蒙古自治区",
            "广西": "广西壮族自治区",
            "西藏": "西藏自治区",
            "宁夏": "宁夏回族自治区",
            "新疆": "新疆维吾尔自治区",
        }[value]
    return value + "省"


def place_problem(place: str, province: str) -> str | None:
    """县内 and 省内县外 are in Gansu; 省外 is not."""
    in_gansu = normalise_province(province) == GANSU
    if place == EmploymentPlace.OUT_OF_PROVINCE and in_gansu:
        return "就业地点为“省外”，就业省份不能是甘肃省"
    if place in (EmploymentPlace.IN_COUNTY, EmploymentPlace.IN_PROVINCE) and not in_gansu:
        return f"就业地点为“{EmploymentPlace(place).label}”，就业省份应为甘肃省（填写的是“{province}”）"
    if not place:
        return "请填写就业地点（县内/省内县外/省外）"
    return None


def person_problem(person, on: date) -> str | None:
    if person.status != PersonStatus.ACTIVE and (
        person.status_date is None or person.status_date <= on
    ):
        return f"{person.name}的人员状态为“{person.get_status_display()}”"
    return None


def start_date_problem(start: date, today: date | None = None) -> str | None:
    today = today or date.today()
    if start > today:
        return f"入职日期 {start} 晚于今天，请在入职后登记"
    return None


def class_problem(person, training_class) -> str | None:
    """A placement names a class only if the person took part in it."""
    if training_class is None:
        return None
    from jifu.training.choices import EnrolmentStatus
    from jifu.training.models import Enrolment

    taken = (
        Enrolment.objects.filter(person=person, training_class=training_class)
        .exclude(status__in=[EnrolmentStatus.WITHDRAWN, EnrolmentStatus.APPLIED])
        .exists()
    )
    if not taken:
        return f"{person.name}未参加培训班 {training_class.code}"
    return None


def work_training_problem(person, employer, month: date) -> str | None:
    """以工代训 only for a poor labourer the employer employed in that month."""
    from dateutil.relativedelta import relativedelta

    from .models import Placement

    month_end = month + relativedelta(months=1, days=-1)
    # Judged as of that month: someone who moved out since still worked then.
    gone = person.status != PersonStatus.ACTIVE and (
        person.status_date is None or person.status_date <= month
    )
    if (
        gone
        or person.labour_ability not in ABLE_TO_WORK
        or not LABOUR_AGE[0] <= person.age_on(month) <= LABOUR_AGE[1]
    ):
        return f"{person.name}在 {month:%Y年%m月} 不是劳动力（16—60 岁、有劳动能力、在册）"
    if person.household.status_on(month) not in POOR_STATUSES:
        return f"{person.name}所在户在 {month:%Y年%m月} 不是建档立卡贫困户或边缘户"
    employed = Placement.objects.filter(
        person=person, employer=employer, start_date__lte=month_end
    ).exclude(end_date__lt=month)
    if not employed.exists():
        return f"{employer.name}在 {month:%Y年%m月} 没有{person.name}的就业登记，请先登记就业"
    return None
