"""Writes to training: atomic, audited, with the acting user; rules in ``rules.py``."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from jifu.audit import services as audit
from jifu.core import crypto
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.models import Person

from . import rules
from .choices import (
    AssessmentResult,
    AttendanceStatus,
    ClassStatus,
    EnrolmentSource,
    EnrolmentStatus,
)
from .models import (
    Appraisal,
    Assessment,
    Attendance,
    AttendanceSession,
    Certificate,
    Enrolment,
    Institution,
    Occupation,
    TrainingClass,
)

APPLICANT_PHONE = "enrolment.applicant_phone"  # encryption context of the column


def _refuse(field: str | None, message: str):
    raise ValidationError({field: message} if field else message)


def _snapshot_class(c: TrainingClass) -> dict:
    return {
        "code": c.code,
        "status": c.status,
        "occupation": c.occupation.code,
        "level": c.level,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "safety_hours": c.safety_hours,
        "capacity": c.capacity,
    }


# --- institutions -------------------------------------------------------------------


@transaction.atomic
def save_institution(
    *, actor, credit_code: str, occupations: list[Occupation], region: Region, **fields
) -> Institution:
    """Register or update an institution (by credit code) and its approved occupations."""
    from jifu.core.creditcode import CreditCodeError, normalize

    try:
        credit_code = normalize(credit_code)
    except CreditCodeError as exc:
        _refuse("credit_code", exc.message_zh)
    from jifu.core.bankaccount import BankAccountError, org_account_fields

    try:
        fields = org_account_fields(fields)
    except BankAccountError as exc:
        _refuse("bank_account", exc.message_zh)
    institution, created = Institution.objects.select_for_update().get_or_create(
        credit_code=credit_code, defaults={"region": region, "region_code": region.code, **fields}
    )
    before = None if created else {"name": institution.name, "status": institution.status}
    if not created:
        for key, value in fields.items():
            setattr(institution, key, value)
        institution.region, institution.region_code = region, region.code
        institution.save()
    institution.occupations.set(occupations)
    audit.record(
        "create" if created else "update",
        actor=actor,
        obj=institution,
        before=before,
        after={
            "name": institution.name,
            "status": institution.status,
            "occupations": [o.code for o in occupations],
        },
    )
    return institution


# --- the class workflow --------------------------------------------------------------


@transaction.atomic
def declare_class(*, actor, institution: Institution, **fields) -> TrainingClass:
    """申报: an institution declares a class; scope and licence are checked now."""
    place = fields["place"]
    fields["place_code"] = place.code
    problem = rules.institution_problem(institution, fields["occupation"], fields["start_date"])
    if problem:
        _refuse("occupation", problem)
    if fields["end_date"] < fields["start_date"]:
        _refuse("end_date", "结业日期不能早于开班日期")
    if place.level not in ("township", "village"):
        _refuse("place", "培训地点须为乡镇或村")
    training_class = TrainingClass(institution=institution, status=ClassStatus.DECLARED, **fields)
    training_class.full_clean(exclude=["place", "institution", "occupation"])
    training_class.save()
    audit.record("create", actor=actor, obj=training_class, after=_snapshot_class(training_class))
    return training_class


def _transition(
    training_class: TrainingClass, allowed_from: set[str], to: str, *, actor, note: str = ""
):
    training_class = (
        TrainingClass.objects.select_for_update()
        .select_related("occupation", "institution")
        .get(pk=training_class.pk)
    )
    if training_class.status not in allowed_from:
        _refuse(None, f"培训班当前状态为“{training_class.get_status_display()}”，不能进行此操作")
    before = training_class.status
    training_class.status = to
    if note:
        training_class.review_note = note
    training_class.save(update_fields=["status", "review_note"])
    audit.record(
        "update",
        actor=actor,
        obj=training_class,
        before={"status": before},
        after={"status": to},
        message=note,
    )
    return training_class


@transaction.atomic
def approve_class(training_class: TrainingClass, *, actor, note: str = "") -> TrainingClass:
    """县人社局审核: refuses too few safety hours, occupations outside the licence, a lapsed licence."""
    c = training_class
    for problem in (
        rules.safety_hours_problem(c.occupation, c.safety_hours),
        rules.institution_problem(c.institution, c.occupation, c.start_date),
    ):
        if problem:
            _refuse(None, problem)
    return _transition(c, {ClassStatus.DECLARED}, ClassStatus.APPROVED, actor=actor, note=note)


@transaction.atomic
def reject_class(training_class: TrainingClass, *, actor, reason: str) -> TrainingClass:
    if not reason.strip():
        _refuse("reason", "退回须说明理由")
    return _transition(
        training_class, {ClassStatus.DECLARED}, ClassStatus.REJECTED, actor=actor, note=reason
    )


@transaction.atomic
def open_class(training_class: TrainingClass, *, actor) -> TrainingClass:
    if not training_class.enrolments.filter(status=EnrolmentStatus.ENROLLED).exists():
        _refuse(None, "尚无学员，不能开班")
    return _transition(training_class, {ClassStatus.APPROVED}, ClassStatus.RUNNING, actor=actor)


@transaction.atomic
def complete_class(training_class: TrainingClass, *, actor) -> TrainingClass:
    c = _transition(training_class, {ClassStatus.RUNNING}, ClassStatus.COMPLETED, actor=actor)
    c.enrolments.filter(status=EnrolmentStatus.ENROLLED).update(status=EnrolmentStatus.COMPLETED)
    return c


@transaction.atomic
def finish_assessment(training_class: TrainingClass, *, actor) -> TrainingClass:
    """考核完成: every trainee who completed has an assessment."""
    missing = training_class.enrolments.filter(
        status=EnrolmentStatus.COMPLETED, assessment__isnull=True
    ).count()
    ineligible = [
        e
        for e in training_class.enrolments.filter(
            status=EnrolmentStatus.COMPLETED, assessment__isnull=True
        )
        if rules.attendance_problem(e)
    ]
    if missing > len(ineligible):
        _refuse(None, f"还有 {missing - len(ineligible)} 名学员未录入考核结果")
    return _transition(training_class, {ClassStatus.COMPLETED}, ClassStatus.ASSESSED, actor=actor)


# --- enrolment -----------------------------------------------------------------------


def _check_enrolment(training_class: TrainingClass, person: Person):
    if training_class.status not in (ClassStatus.APPROVED, ClassStatus.RUNNING):
        _refuse(None, f"培训班状态为“{training_class.get_status_display()}”，不能报名")
    for problem in (rules.person_problem(person), rules.overlap_problem(person, training_class)):
        if problem:
            _refuse(None, problem)
    taken = training_class.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
    if taken >= training_class.capacity:
        _refuse(None, f"培训班已满（计划 {training_class.capacity} 人）")


@transaction.atomic
def enrol(
    training_class: TrainingClass, person: Person, *, actor, source: str, on: date | None = None
) -> Enrolment:
    """Enrol a registry person; overlap, capacity and class status are checked."""
    training_class = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    _check_enrolment(training_class, person)
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                training_class=training_class,
                person=person,
                village_code=person.village_code,
                source=source,
                enrolled_on=on or date.today(),
                status=EnrolmentStatus.ENROLLED,
            )
    except IntegrityError:
        _refuse(None, f"{person.name}已在本班")
    audit.record(
        "create", actor=actor, obj=enrolment, after={"class": training_class.code, "source": source}
    )
    return enrolment


def find_person(*, actor, id_number: str, name: str) -> Person | None:
    """An institution finds a registry person only by full ID number and name together."""
    if not actor.has_perm("training.find_person"):
        raise PermissionDenied
    return registry_services.find_for_organisation(
        actor=actor, id_number=id_number, name=name, purpose="机构"
    )


@transaction.atomic
def apply_public(
    training_class: TrainingClass, *, name: str, id_number: str, phone: str
) -> Enrolment | None:
    """A labourer applies on the public page; it waits for the village or township.

    The answer does not say whether the person is in the registry (nothing leaks);
    an application that matches no registry person is simply not recorded.
    """
    try:
        person = registry_services.find_by_id_number(id_number)
    except Exception:  # malformed numbers are answered like unknown ones
        person = None
    if person is None or person.name != name.strip():
        audit.record("create", object_type="training.enrolment", message="网上报名未匹配实名库")
        return None
    if training_class.status not in (ClassStatus.APPROVED, ClassStatus.RUNNING):
        return None
    phone = phone.strip()
    enrolment, created = Enrolment.objects.get_or_create(
        training_class=training_class,
        person=person,
        defaults={
            "village_code": person.village_code,
            "source": EnrolmentSource.PUBLIC,
            "enrolled_on": date.today(),
            "status": EnrolmentStatus.APPLIED,
            "applicant_phone_enc": crypto.encrypt(phone, context=APPLICANT_PHONE) if phone else "",
            "applicant_phone_masked": crypto.mask_phone(phone) if phone else "",
        },
    )
    if created:
        audit.record(
            "create", obj=enrolment, after={"class": training_class.code, "source": "public"}
        )
    return enrolment


@transaction.atomic
def confirm_application(enrolment: Enrolment, *, actor) -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.APPLIED:
        _refuse(None, "该报名不在待确认状态")
    _check_enrolment(enrolment.training_class, enrolment.person)
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.save(update_fields=["status"])
    audit.record(
        "update",
        actor=actor,
        obj=enrolment,
        before={"status": "applied"},
        after={"status": "enrolled"},
    )
    return enrolment


@transaction.atomic
def withdraw(enrolment: Enrolment, *, actor, reason: str = "") -> Enrolment:
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    before = enrolment.status
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    audit.record(
        "update",
        actor=actor,
        obj=enrolment,
        before={"status": before},
        after={"status": "withdrawn"},
        message=reason,
    )
    return enrolment


# --- attendance, assessment, certificates ------------------------------------------------


@transaction.atomic
def record_session(
    training_class: TrainingClass,
    *,
    actor,
    day: date,
    statuses: dict[int, str],
    seq: int = 1,
    method: str = "roster",
) -> AttendanceSession:
    """One session's attendance: ``statuses`` maps enrolment id → present/absent/leave."""
    training_class = TrainingClass.objects.select_for_update().get(pk=training_class.pk)
    if training_class.status != ClassStatus.RUNNING:
        _refuse(None, "只有已开班的培训班可以记录考勤")
    if not training_class.start_date <= day <= training_class.end_date:
        _refuse(
            "day",
            f"考勤日期 {day} 不在培训期间（{training_class.start_date}—{training_class.end_date}）内",
        )
    enrolments = {
        e.pk: e for e in training_class.enrolments.filter(status=EnrolmentStatus.ENROLLED)
    }
    unknown = set(statuses) - set(enrolments)
    if unknown:
        _refuse(None, "考勤中有不属于本班的学员")
    if any(s not in AttendanceStatus.values for s in statuses.values()):
        _refuse(None, "出勤情况只能是出勤、缺勤或请假")
    session, _ = AttendanceSession.objects.update_or_create(
        training_class=training_class, date=day, seq=seq, defaults={"sign_in_method": method}
    )
    # Counters move by the change this session makes, so that day counts an
    # import brought in (sessions without records) are kept, not recounted away.
    previous = dict(
        Attendance.objects.filter(session=session).values_list("enrolment_id", "status")
    )
    for enrolment_id, enrolment in enrolments.items():
        status = statuses.get(enrolment_id, AttendanceStatus.ABSENT)
        before = previous.get(enrolment_id)
        Attendance.objects.update_or_create(
            session=session, enrolment=enrolment, defaults={"status": status}
        )
        present_delta = (status == AttendanceStatus.PRESENT) - (before == AttendanceStatus.PRESENT)
        total_delta = 0 if before is not None else 1
        if present_delta or total_delta:
            Enrolment.objects.filter(pk=enrolment_id).update(
                sessions_present=F("sessions_present") + present_delta,
                sessions_total=F("sessions_total") + total_delta,
            )
    audit.record(
        "update",
        actor=actor,
        obj=training_class,
        message=f"考勤 {day} 第 {seq} 次",
        after={
            "present": sum(1 for s in statuses.values() if s == AttendanceStatus.PRESENT),
            "total": len(enrolments),
        },
    )
    return session


@transaction.atomic
def assess(
    enrolment: Enrolment,
    *,
    actor,
    result: str,
    score=None,
    assessor: str = "",
    on: date | None = None,
) -> Assessment:
    """结业考核: refused below the attendance threshold."""
    enrolment = (
        Enrolment.objects.select_for_update().select_related("training_class").get(pk=enrolment.pk)
    )
    if enrolment.training_class.status not in (ClassStatus.COMPLETED,):
        _refuse(None, "培训班结业后才能录入结业考核")
    problem = rules.attendance_problem(enrolment)
    if problem:
        _refuse(None, problem)
    if result not in AssessmentResult.values:
        _refuse("result", "考核结果只能是合格或不合格")
    assessment, _ = Assessment.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "result": result,
            "score": score,
            "assessor": assessor,
            "assessed_on": on or date.today(),
        },
    )
    audit.record("update", actor=actor, obj=enrolment, after={"assessment": result, "score": score})
    return assessment


@transaction.atomic
def issue_certificate(
    *,
    actor,
    person: Person,
    kind: str,
    number: str,
    occupation: Occupation,
    level,
    issuer: str,
    issued_on: date,
    enrolment: Enrolment | None = None,
) -> Certificate:
    """A certificate; its number is unique across the province."""
    number = number.strip().upper()
    if not number:
        _refuse("number", "证书编号不能为空")
    if Certificate.objects.filter(number=number).exists():
        _refuse("number", f"证书编号 {number} 已存在")
    if enrolment is not None:
        assessment = getattr(enrolment, "assessment", None)
        if assessment is None or assessment.result != AssessmentResult.PASS:
            _refuse(None, "学员结业考核合格后才能发证")
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                number=number,
                kind=kind,
                person=person,
                enrolment=enrolment,
                occupation=occupation,
                level=level,
                issuer=issuer,
                issued_on=issued_on,
                village_code=person.village_code,
            )
    except IntegrityError:
        _refuse("number", f"证书编号 {number} 已存在")
    audit.record(
        "create",
        actor=actor,
        obj=certificate,
        after={"number": number, "kind": kind, "level": level},
    )
    return certificate


@transaction.atomic
def record_appraisal(
    *,
    actor,
    person: Person,
    occupation: Occupation,
    level: int,
    on: date,
    passed: bool,
    organisation: str,
) -> Appraisal:
    appraisal = Appraisal.objects.create(
        person=person,
        occupation=occupation,
        level=level,
        appraised_on=on,
        passed=passed,
        organisation=organisation,
        village_code=person.village_code,
    )
    audit.record(
        "create",
        actor=actor,
        obj=appraisal,
        after={"occupation": occupation.code, "level": level, "passed": passed},
    )
    return appraisal


def move_with_household(household, old_code: str, new_code: str) -> dict:
    """易地扶贫搬迁: a relocated household's trainings, certificates and appraisals follow it."""
    return {
        label: model.objects.filter(person__household=household).update(village_code=new_code)
        for label, model in (
            ("enrolments", Enrolment),
            ("certificates", Certificate),
            ("appraisals", Appraisal),
        )
    }
