"""The rules of training as plain functions: each returns the Chinese reason a
thing is refused, or None. Services call them; tests call them directly."""

from datetime import date

from django.conf import settings
from django.db.models import Q

from jifu.registry.choices import PersonStatus

from .choices import InstitutionStatus


def min_attendance() -> float:
    """Share of sessions a trainee must attend to sit the completion assessment."""
    return float(getattr(settings, "JIFU_MIN_ATTENDANCE", 0.7))


def safety_hours_problem(occupation, safety_hours: int) -> str | None:
    if occupation.is_special_operation and safety_hours < occupation.min_safety_hours:
        return (
            f"{occupation.name}属于特种作业/高危行业，安全课时不得少于 {occupation.min_safety_hours} 学时"
            f"（本班 {safety_hours} 学时）"
        )
    return None


def institution_problem(institution, occupation, on: date) -> str | None:
    """An institution may only run classes in its approved occupations, while licensed and active."""
    if institution.status != InstitutionStatus.ACTIVE:
        return f"{institution.name}状态为“{institution.get_status_display()}”，不能开展培训"
    if institution.licence_valid_until and institution.licence_valid_until < on:
        return f"{institution.name}的办学许可证已于 {institution.licence_valid_until} 到期"
    if not institution.occupations.filter(pk=occupation.pk).exists():
        return f"{occupation.name}不在{institution.name}的核准职业范围内"
    return None


def overlap_problem(person, training_class) -> str | None:
    """A person cannot be in two classes whose dates overlap."""
    from .models import Enrolment

    clash = (
        Enrolment.objects.active()
        .filter(person=person)
        .exclude(training_class=training_class)
        .filter(
            Q(training_class__start_date__lte=training_class.end_date)
            & Q(training_class__end_date__gte=training_class.start_date)
        )
        .select_related("training_class")
        .first()
    )
    if clash:
        other = clash.training_class
        return f"{person.name}已参加 {other.code}（{other.start_date}—{other.end_date}），日期重叠"
    return None


def person_problem(person) -> str | None:
    if person.status != PersonStatus.ACTIVE:
        return f"{person.name}的人员状态为“{person.get_status_display()}”"
    return None


def attendance_problem(enrolment) -> str | None:
    rate = enrolment.attendance_rate
    needed = min_attendance()
    if rate is None:
        return "尚无考勤记录，不能参加结业考核"
    if rate < needed:
        return f"出勤率 {rate:.0%} 低于 {needed:.0%}，不能参加结业考核"
    return None
