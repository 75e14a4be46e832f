"""Writes to employment: atomic, audited, with the acting user; rules in ``rules.py``.

A placement, the end of a job and a start-up change the person's employment
status in the registry through ``registry.services.set_employment`` — the five
lists are live filters over those fields, so they move at once.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from jifu.audit import services as audit
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.choices import EmploymentPlace, EmploymentStatus
from jifu.registry.models import Person

from . import rules
from .choices import (
    JobStatus,
    LeaveReason,
    PlacementStatus,
    RecommendationStatus,
    StartupStatus,
)
from .models import (
    FOLLOW_UP_MONTHS,
    Commitment,
    Employer,
    FollowUp,
    JobPost,
    LabourBrand,
    LabourExportProgram,
    Placement,
    Recommendation,
    Startup,
    StartupFollowUp,
    WorkBasedTraining,
)


def _refuse(field: str | None, message: str):
    raise ValidationError({field: message} if field else message)


# --- employers ------------------------------------------------------------------------


@transaction.atomic
def save_employer(*, actor, credit_code: str, region: Region, **fields) -> Employer:
    """Register or update an employer (by its validated credit code)."""
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
    if "province" in fields:
        fields["province"] = rules.normalise_province(fields["province"]) or rules.GANSU
    employer, created = Employer.objects.select_for_update().get_or_create(
        credit_code=credit_code, defaults={"region": region, "region_code": region.code, **fields}
    )
    before = None if created else {"name": employer.name, "status": employer.status}
    if not created:
        for key, value in fields.items():
            setattr(employer, key, value)
        employer.region, employer.region_code = region, region.code
        employer.save()
    audit.record(
        "create" if created else "update",
        actor=actor,
        obj=employer,
        before=before,
        after={"name": employer.name, "kind": employer.kind, "status": employer.status},
    )
    return employer


@transaction.atomic
def add_commitment(employer: Employer, *, actor, **fields) -> Commitment:
    commitment = Commitment.objects.create(employer=employer, **fields)
    audit.record(
        "create",
        actor=actor,
        obj=employer,
        after={"commitment": commitment.kind, "year": commitment.year, "places": commitment.places},
        message=f"登记承诺：{commitment.get_kind_display()}",
    )
    return commitment


@transaction.atomic
def save_brand(*, actor, name: str, region: Region, **fields) -> LabourBrand:
    brand, created = LabourBrand.objects.update_or_create(
        region_code=region.code, name=name.strip(), defaults={"region": region, **fields}
    )
    audit.record("create" if created else "update", actor=actor, obj=brand, after={"name": name})
    return brand


@transaction.atomic
def create_program(*, actor, region: Region, **fields) -> LabourExportProgram:
    if fields.get("end_date") and fields["end_date"] < fields["start_date"]:
        _refuse("end_date", "结束日期不能早于输转日期")
    fields["destination_province"] = rules.normalise_province(fields["destination_province"])
    program = LabourExportProgram.objects.create(region=region, region_code=region.code, **fields)
    audit.record(
        "create",
        actor=actor,
        obj=program,
        after={"name": program.name, "destination": program.destination_province},
    )
    return program


# --- jobs and recommendations -----------------------------------------------------------


@transaction.atomic
def post_job(*, actor, employer: Employer, region_code: str = "", **fields) -> JobPost:
    if fields.get("closes_on") and fields["closes_on"] < fields["posted_on"]:
        _refuse("closes_on", "截止日期不能早于发布日期")
    if (
        fields.get("wage_min")
        and fields.get("wage_max")
        and fields["wage_max"] < fields["wage_min"]
    ):
        _refuse("wage_max", "工资上限不能低于下限")
    job = JobPost.objects.create(
        employer=employer, region_code=region_code or employer.region_code, **fields
    )
    audit.record(
        "create", actor=actor, obj=job, after={"title": job.title, "headcount": job.headcount}
    )
    return job


@transaction.atomic
def close_job(job: JobPost, *, actor) -> JobPost:
    job = JobPost.objects.select_for_update().get(pk=job.pk)
    if job.status == JobStatus.CLOSED:
        return job
    job.status = JobStatus.CLOSED
    job.save(update_fields=["status"])
    audit.record(
        "update", actor=actor, obj=job, before={"status": "open"}, after={"status": "closed"}
    )
    return job


@transaction.atomic
def recommend(job: JobPost, person: Person, *, actor, note: str = "", on: date | None = None):
    """岗位推荐: put a labourer of the registry forward for an open post."""
    on = on or date.today()
    job = JobPost.objects.select_for_update().get(pk=job.pk)  # not a stale copy of a closed post
    if job.status != JobStatus.OPEN:
        _refuse(None, "岗位已结束招聘，不能推荐")
    if not person.is_labourer(on):
        _refuse(None, f"{person.name}不在劳动力名单中（16—60 岁、有劳动能力、在册）")
    if Recommendation.objects.filter(job=job, person=person).exists():
        _refuse(None, f"{person.name}已推荐到该岗位")
    rec = Recommendation.objects.create(
        job=job, person=person, village_code=person.village_code, recommended_on=on, note=note
    )
    audit.record("create", actor=actor, obj=rec, after={"job": job.pk, "person": person.pk})
    return rec


@transaction.atomic
def decline_recommendation(rec: Recommendation, *, actor, note: str = "") -> Recommendation:
    rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
    if rec.status != RecommendationStatus.RECOMMENDED:
        _refuse(None, f"推荐状态为“{rec.get_status_display()}”，不能更改")
    rec.status, rec.note = RecommendationStatus.DECLINED, note or rec.note
    rec.save(update_fields=["status", "note"])
    audit.record("update", actor=actor, obj=rec, after={"status": rec.status})
    return rec


def find_person(*, actor, id_number: str, name: str) -> Person | None:
    """An employer finds a registry person only by full ID number and name together."""
    if not actor.has_perm("employment.find_person"):
        raise PermissionDenied
    return registry_services.find_for_organisation(
        actor=actor, id_number=id_number, name=name, purpose="用人单位"
    )


# --- placements and follow-up -------------------------------------------------------------


def _snapshot(p: Placement) -> dict:
    return {
        "person": p.person_id,
        "employer": p.employer_name,
        "employer_credit_code": p.employer.credit_code if p.employer_id else "",
        "start_date": p.start_date,
        "end_date": p.end_date,
        "place": p.place,
        "province": p.province,
        "monthly_wage": p.monthly_wage,
        "has_contract": p.has_contract,
        "channel": p.channel,
        "training_class": p.training_class_id,
        "status": p.status,
    }


def check_placement(person: Person, fields: dict, *, today: date | None = None) -> list[tuple]:
    """Every reason a placement would be refused, as (field, message) pairs.

    The importer calls this for each row, the service before saving.
    """
    problems = []
    start = fields["start_date"]
    for field, problem in (
        ("start_date", rules.start_date_problem(start, today)),
        (None, rules.person_problem(person, start)),
        ("place", rules.place_problem(fields.get("place", ""), fields.get("province", ""))),
        ("training_class", rules.class_problem(person, fields.get("training_class"))),
    ):
        if problem:
            problems.append((field, problem))
    if not (fields.get("employer_name") or fields.get("employer")):
        problems.append(("employer_name", "请填写用人单位名称"))
    return problems


def _sync_registry(person: Person, *, actor, message: str):
    """The person's employment status follows their latest placement."""
    latest = Placement.objects.filter(person=person).order_by("-start_date", "-id").first()
    if latest is None:
        return
    if latest.status == PlacementStatus.EMPLOYED:
        registry_services.set_employment(
            person,
            actor=actor,
            status=EmploymentStatus.EMPLOYED,
            place=latest.place,
            employer=latest.employer_name,
            monthly_income=latest.monthly_wage,
            message=message,
        )
    else:
        registry_services.set_employment(
            person, actor=actor, status=EmploymentStatus.UNEMPLOYED, message=message
        )


def follow_up_rows(placement: Placement, *, not_before: date | None = None) -> list[FollowUp]:
    """Monthly follow-ups for a year after the start.

    Months after the job ended are not needed; nor, when ``not_before`` is given
    (historical placements from an import), months that fell due before it —
    nobody can be asked any more whether they were at work two years ago.
    """
    rows = []
    for n in range(1, FOLLOW_UP_MONTHS + 1):
        due = placement.start_date + relativedelta(months=n)
        after_end = bool(placement.end_date and due > placement.end_date)
        too_old = bool(not_before and due < not_before)
        rows.append(
            FollowUp(
                placement=placement,
                village_code=placement.village_code,
                month_no=n,
                due_on=due,
                cancelled=after_end or too_old,
            )
        )
    return rows


def _schedule_follow_ups(placement: Placement, *, not_before: date | None = None):
    FollowUp.objects.bulk_create(follow_up_rows(placement, not_before=not_before))


@transaction.atomic
def record_placement(person: Person, *, actor, today: date | None = None, **fields) -> Placement:
    """就业安置: record a job a person took; schedules the follow-ups, updates the registry.

    An earlier job still open ends the day before the new one starts.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    fields["province"] = rules.normalise_province(fields.get("province", "")) or (
        rules.GANSU if fields.get("place") != EmploymentPlace.OUT_OF_PROVINCE else ""
    )
    employer = fields.get("employer")
    if employer is not None and not fields.get("employer_name"):
        fields["employer_name"] = employer.name
    problems = check_placement(person, fields, today=today)
    if problems:
        errors: dict[str, list[str]] = {}
        for field, message in problems:
            errors.setdefault(field or "__all__", []).append(message)
        raise ValidationError(errors)
    if Placement.objects.filter(person=person, start_date=fields["start_date"]).exists():
        _refuse("start_date", f"{person.name}在 {fields['start_date']} 已有一条就业登记")
    start = fields["start_date"]
    # An earlier job still open, or recorded as lasting past this start (it was
    # ended by a later job before this one was known), ends the day before.
    for earlier in Placement.objects.select_for_update().filter(
        Q(status=PlacementStatus.EMPLOYED) | Q(end_date__gte=start),
        person=person,
        start_date__lt=start,
    ):
        _end(
            earlier,
            end_date=start - timedelta(days=1),
            reason=earlier.leave_reason or LeaveReason.OTHER,
            actor=actor,
        )
    placement = Placement(person=person, village_code=person.village_code, **fields)
    later = Placement.objects.filter(person=person, start_date__gt=start).order_by("start_date")
    if later.exists():
        # A job recorded late, before one already known: it ended when the next began.
        placement.end_date = later.first().start_date - timedelta(days=1)
        placement.status = PlacementStatus.LEFT
        placement.leave_reason = LeaveReason.OTHER
    placement.full_clean(
        exclude=["person", "employer", "job", "export_program", "training_class", "end_date"]
    )
    placement.save()
    _schedule_follow_ups(placement)
    audit.record("create", actor=actor, obj=placement, after=_snapshot(placement))
    if placement.job_id:
        for rec in Recommendation.objects.select_for_update().filter(
            job_id=placement.job_id, person=person
        ):
            if rec.status != RecommendationStatus.HIRED:
                old = rec.status
                rec.status = RecommendationStatus.HIRED
                rec.save(update_fields=["status"])
                audit.record(
                    "update",
                    actor=actor,
                    obj=rec,
                    before={"status": old},
                    after={"status": rec.status, "placement": placement.pk},
                )
    _sync_registry(person, actor=actor, message=f"就业登记：{placement.employer_name}")
    return placement


def _end(placement: Placement, *, end_date: date, reason: str, actor):
    before = _snapshot(placement)
    placement.end_date, placement.status, placement.leave_reason = (
        end_date,
        PlacementStatus.LEFT,
        reason,
    )
    placement.save(update_fields=["end_date", "status", "leave_reason"])
    FollowUp.objects.filter(placement=placement, done_on__isnull=True, due_on__gt=end_date).update(
        cancelled=True
    )
    audit.record(
        "update",
        actor=actor,
        obj=placement,
        before=before,
        after=_snapshot(placement),
        message="离岗",
    )


@transaction.atomic
def end_placement(placement: Placement, *, actor, end_date: date, reason: str) -> Placement:
    """离岗: the job ended; later follow-ups are no longer needed."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.status != PlacementStatus.EMPLOYED:
        _refuse(None, "该就业登记已离岗")
    if end_date < placement.start_date:
        _refuse("end_date", "离岗日期不能早于入职日期")
    if end_date > date.today():
        _refuse("end_date", "离岗日期不能晚于今天")
    if not reason:
        _refuse("leave_reason", "请选择离岗原因")
    _end(placement, end_date=end_date, reason=reason, actor=actor)
    _sync_registry(placement.person, actor=actor, message=f"离岗：{placement.employer_name}")
    return placement


@transaction.atomic
def record_follow_up(
    follow_up: FollowUp,
    *,
    actor,
    done_on: date,
    still_employed: bool,
    monthly_wage=None,
    leave_reason: str = "",
    left_on: date | None = None,
    note: str = "",
) -> FollowUp:
    """回访: still employed? at what wage? If not, why — and the job ends."""
    follow_up = (
        FollowUp.objects.select_for_update().select_related("placement").get(pk=follow_up.pk)
    )
    placement = follow_up.placement
    if follow_up.cancelled:
        _refuse(None, "此次回访已无需进行（人员已离岗）")
    if follow_up.done_on:
        _refuse(None, f"第 {follow_up.month_no} 个月的回访已于 {follow_up.done_on} 完成")
    if done_on > date.today():
        _refuse("done_on", "回访日期不能晚于今天")
    if done_on < placement.start_date:
        _refuse("done_on", "回访日期不能早于入职日期")
    if not still_employed and not leave_reason:
        _refuse("leave_reason", "未在岗时请选择离岗原因")
    if left_on and left_on > done_on:
        _refuse("left_on", "离岗日期不能晚于回访日期")
    if left_on and left_on < placement.start_date:
        _refuse("left_on", "离岗日期不能早于入职日期")
    follow_up.done_on, follow_up.still_employed = done_on, still_employed
    follow_up.monthly_wage, follow_up.leave_reason, follow_up.note = (
        monthly_wage,
        "" if still_employed else leave_reason,
        note,
    )
    follow_up.save()
    audit.record(
        "update",
        actor=actor,
        obj=placement,
        after={
            "follow_up": follow_up.month_no,
            "still_employed": still_employed,
            "monthly_wage": monthly_wage,
            "leave_reason": follow_up.leave_reason,
        },
        message=f"第 {follow_up.month_no} 个月回访",
    )
    if still_employed:
        if monthly_wage is not None and monthly_wage != placement.monthly_wage:
            placement.monthly_wage = monthly_wage
            placement.save(update_fields=["monthly_wage"])
            _sync_registry(placement.person, actor=actor, message="回访更新月工资")
    elif placement.status == PlacementStatus.EMPLOYED:
        end = left_on or done_on
        _end(placement, end_date=end, reason=leave_reason, actor=actor)
        _sync_registry(
            placement.person, actor=actor, message=f"回访发现已离岗：{placement.employer_name}"
        )
    return follow_up


# --- 以工代训 -----------------------------------------------------------------------------


@transaction.atomic
def record_work_training(
    *, actor, employer: Employer, person: Person, month: date, wage, **fields
) -> WorkBasedTraining:
    """One month of on-the-job training of a poor labourer the employer employs."""
    month = month.replace(day=1)
    if month > date.today():
        _refuse("month", "不能登记未来月份")
    problem = rules.work_training_problem(person, employer, month)
    if problem:
        _refuse(None, problem)
    if WorkBasedTraining.objects.filter(employer=employer, person=person, month=month).exists():
        _refuse("month", f"{person.name} {month:%Y年%m月} 的以工代训已登记")
    month_end = month + relativedelta(months=1, days=-1)
    placement = (
        Placement.objects.filter(person=person, employer=employer, start_date__lte=month_end)
        .exclude(end_date__lt=month)
        .order_by("-start_date")
        .first()
    )
    row = WorkBasedTraining.objects.create(
        employer=employer,
        person=person,
        placement=placement,
        village_code=person.village_code,
        month=month,
        wage=wage,
        **fields,
    )
    audit.record(
        "create",
        actor=actor,
        obj=row,
        after={"employer": employer.credit_code, "person": person.pk, "month": month},
    )
    return row


# --- entrepreneurship ----------------------------------------------------------------------


@transaction.atomic
def record_startup(founder: Person, *, actor, place: Region, **fields) -> Startup:
    """创业: a business the person started; the person counts as employed (自主创业)."""
    from jifu.training.choices import TrainingType

    training_class = fields.get("training_class")
    if training_class is not None:
        if training_class.training_type != TrainingType.ENTREPRENEURSHIP:
            _refuse("training_class", f"{training_class.code} 不是创业培训班")
        problem = rules.class_problem(founder, training_class)
        if problem:
            _refuse("training_class", problem)
    if fields["started_on"] > date.today():
        _refuse("started_on", "创业日期不能晚于今天")
    problem = rules.person_problem(founder, fields["started_on"])
    if problem:
        _refuse(None, problem)
    if fields.get("poor_jobs_created", 0) > fields.get("jobs_created", 0):
        _refuse("poor_jobs_created", "带动贫困劳动力就业人数不能多于带动就业人数")
    startup = Startup(
        founder=founder,
        village_code=founder.village_code,
        place=place,
        place_code=place.code,
        **fields,
    )
    startup.full_clean(exclude=["founder", "place", "training_class"])
    startup.save()
    audit.record(
        "create",
        actor=actor,
        obj=startup,
        after={"name": startup.name, "kind": startup.kind, "started_on": startup.started_on},
    )
    _self_employed(founder, startup, actor=actor, message=f"自主创业：{startup.name}")
    return startup


def _self_employed(founder: Person, startup: Startup, *, actor, message: str):
    same_county = startup.place_code[:6] == founder.village_code[:6]
    registry_services.set_employment(
        founder,
        actor=actor,
        status=EmploymentStatus.EMPLOYED,
        place=EmploymentPlace.IN_COUNTY if same_county else EmploymentPlace.IN_PROVINCE,
        employer=startup.name,
        monthly_income=founder.monthly_income,
        message=message,
    )


@transaction.atomic
def record_startup_follow_up(
    startup: Startup,
    *,
    actor,
    visited_on: date,
    operating: bool,
    jobs: int,
    poor_jobs: int,
    **fields,
) -> StartupFollowUp:
    startup = Startup.objects.select_for_update().get(pk=startup.pk)
    if visited_on > date.today():
        _refuse("visited_on", "回访日期不能晚于今天")
    if visited_on < startup.started_on:
        _refuse("visited_on", "回访日期不能早于创业日期")
    if poor_jobs > jobs:
        _refuse("poor_jobs", "带动贫困劳动力就业人数不能多于带动就业人数")
    visit = StartupFollowUp.objects.create(
        startup=startup,
        village_code=startup.village_code,
        visited_on=visited_on,
        operating=operating,
        jobs=jobs,
        poor_jobs=poor_jobs,
        **fields,
    )
    before = {
        "status": startup.status,
        "jobs": startup.jobs_created,
        "poor": startup.poor_jobs_created,
    }
    latest = startup.follow_ups.order_by("-visited_on", "-id").first()
    if latest.pk == visit.pk:  # an older visit recorded late does not overwrite the newest
        startup.jobs_created, startup.poor_jobs_created = jobs, poor_jobs
        if operating:
            startup.status, startup.closed_on = StartupStatus.OPERATING, None
        elif startup.status == StartupStatus.OPERATING:
            startup.status, startup.closed_on = StartupStatus.CLOSED, visited_on
        startup.save(update_fields=["jobs_created", "poor_jobs_created", "status", "closed_on"])
    audit.record(
        "update",
        actor=actor,
        obj=startup,
        before=before,
        after={
            "status": startup.status,
            "jobs": startup.jobs_created,
            "poor": startup.poor_jobs_created,
        },
        message="创业回访",
    )
    founder = startup.founder
    if startup.status == StartupStatus.CLOSED and before["status"] == StartupStatus.OPERATING:
        if founder.employer == startup.name:
            registry_services.set_employment(
                founder,
                actor=actor,
                status=EmploymentStatus.UNEMPLOYED,
                message=f"创业实体停业：{startup.name}",
            )
    elif (
        startup.status == StartupStatus.OPERATING
        and before["status"] == StartupStatus.CLOSED
        and founder.employment_status != EmploymentStatus.EMPLOYED
    ):
        _self_employed(founder, startup, actor=actor, message=f"创业实体恢复经营：{startup.name}")
    return visit


# --- relocation ------------------------------------------------------------------------------


def move_with_household(household, old_code: str, new_code: str) -> dict:
    """易地扶贫搬迁: rows scoped by the person's village follow the household."""
    moved = {}
    for label, model, path in (
        ("placements", Placement, "person__household"),
        ("follow_ups", FollowUp, "placement__person__household"),
        ("recommendations", Recommendation, "person__household"),
        ("work_training", WorkBasedTraining, "person__household"),
        ("startups", Startup, "founder__household"),
        ("startup_follow_ups", StartupFollowUp, "startup__founder__household"),
    ):
        moved[label] = model.objects.filter(**{path: household}).update(village_code=new_code)
    return moved
