"""Pages of employment and entrepreneurship: lists, detail pages, forms handed to services."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from jifu.core.views import (
    ExportListMixin,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    button,
    messages_of,
)
from jifu.regions.lookup import region_in_scope
from jifu.registry.models import Person
from jifu.training.choices import EnrolmentStatus, TrainingType
from jifu.training.models import Enrolment, TrainingClass

from . import exporters, outcomes, services
from .choices import PlacementStatus
from .filtersets import (
    BrandFilterSet,
    EmployerFilterSet,
    FollowUpFilterSet,
    JobFilterSet,
    PlacementFilterSet,
    ProgramFilterSet,
    StartupFilterSet,
    WorkTrainingFilterSet,
)
from .forms import (
    BrandForm,
    CommitmentForm,
    EmployerForm,
    EndPlacementForm,
    FindPersonForm,
    FollowUpForm,
    JobForm,
    PlacementForm,
    ProgramForm,
    StartupFollowUpForm,
    StartupForm,
    WorkTrainingForm,
)
from .models import (
    Employer,
    FollowUp,
    JobPost,
    LabourBrand,
    LabourExportProgram,
    Placement,
    Recommendation,
    Startup,
    WorkBasedTraining,
)
from .tables import (
    BrandTable,
    EmployerTable,
    FollowUpTable,
    JobTable,
    PlacementTable,
    ProgramTable,
    StartupTable,
    WorkTrainingTable,
)

EMPLOYMENT = (_("就业创业"), None)
PLACEMENTS = (_("就业安置"), reverse_lazy("employment:placement_list"))
# An employer user's person found by full ID number and name, kept server-side
# (never in the URL) for the placement form that follows.
FOUND_KEY = "employment_found_person"


def _employer_by_code(user, raw: str, field: str) -> Employer | None:
    if not raw:
        return None
    employer = Employer.objects.restrict(user).filter(credit_code=raw.strip().upper()).first()
    if employer is None:
        raise ValidationError({field: "该信用代码的用人单位未登记或不在您的管辖范围内"})
    return employer


def _own_employer(user) -> Employer | None:
    if user.role != "employer":
        return None
    return Employer.objects.filter(credit_code=user.org_credit_code).first()


# --- employers ----------------------------------------------------------------------------


class EmployerListView(ExportListMixin, ObjectListView):
    queryset = Employer.objects.all()
    filterset_class = EmployerFilterSet
    table_class = EmployerTable
    title = _("用人单位")
    breadcrumbs = [EMPLOYMENT]
    toolbar = [button(_("新增"), "employment:employer_add", "employment.add_employer", "plus")]
    ledger_builder = exporters.employer_ledger


class EmployerDetailView(ObjectDetailView):
    queryset = Employer.objects.select_related("region")
    template_name = "employment/employer_detail.html"
    list_url_name = "employment:employer_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, employer = self.request.user, self.object
        placements = Placement.objects.restrict(user).filter(employer=employer)
        ctx["commitments"] = employer.commitments.all()
        ctx["jobs"] = JobPost.objects.restrict(user).filter(employer=employer)[:20]
        ctx["placed"] = placements.count()
        ctx["employed_now"] = placements.filter(status=PlacementStatus.EMPLOYED).count()
        ctx["work_training_months"] = (
            WorkBasedTraining.objects.restrict(user).filter(employer=employer).count()
        )
        ctx["can_commit"] = user.has_perm("employment.add_commitment") and (
            user.role != "employer" or user.org_credit_code == employer.credit_code
        )
        return ctx


class EmployerCreateView(ObjectActionView):
    queryset = Employer.objects.all()
    action = "add"
    form_class = EmployerForm
    title = _("登记用人单位")
    breadcrumbs = [EMPLOYMENT, (_("用人单位"), reverse_lazy("employment:employer_list"))]

    def get_initial(self):
        return {"region": self.request.user.region.code}

    def perform(self, form):
        data = dict(form.cleaned_data)
        if not data.get("bank_account"):
            data.pop("bank_account", None)  # blank keeps the account on file
        region = region_in_scope(self.request.user, data.pop("region"))
        return services.save_employer(actor=self.request.user, region=region, **data)


class CommitmentCreateView(ObjectActionView):
    queryset = Employer.objects.all()
    action = "view"
    object_lookup = "pk"
    form_class = CommitmentForm
    title = _("登记承诺")
    breadcrumbs = [EMPLOYMENT, (_("用人单位"), reverse_lazy("employment:employer_list"))]

    def permission_name(self):
        return "employment.add_commitment"

    def get_initial(self):
        return {"year": date.today().year}

    def perform(self, form):
        services.add_commitment(self.object, actor=self.request.user, **form.cleaned_data)


# --- jobs and recommendations ------------------------------------------------------------


class JobListView(ObjectListView):
    queryset = JobPost.objects.select_related("employer")
    filterset_class = JobFilterSet
    table_class = JobTable
    title = _("招聘岗位")
    breadcrumbs = [EMPLOYMENT]
    toolbar = [button(_("发布岗位"), "employment:job_add", "employment.add_jobpost", "plus")]


class JobCreateView(ObjectActionView):
    queryset = JobPost.objects.all()
    action = "add"
    form_class = JobForm
    title = _("发布招聘岗位")
    breadcrumbs = [EMPLOYMENT, (_("招聘岗位"), reverse_lazy("employment:job_list"))]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "employer": _own_employer(self.request.user)}

    def get_initial(self):
        return {"posted_on": date.today()}

    def perform(self, form):
        data = dict(form.cleaned_data)
        user = self.request.user
        employer = _own_employer(user)
        if user.role == "employer" and employer is None:
            raise ValidationError("本单位尚未由县人社局登记，暂不能发布岗位")
        if employer is None:
            employer = _employer_by_code(user, data.pop("employer"), "employer")
            if employer is None:
                raise ValidationError({"employer": "请填写用人单位统一社会信用代码"})
        data.pop("employer", None)
        return services.post_job(actor=user, employer=employer, **data)


class JobDetailView(ObjectDetailView):
    queryset = JobPost.objects.select_related("employer", "occupation")
    template_name = "employment/job_detail.html"
    list_url_name = "employment:job_list"

    def get_context_data(self, **kwargs):
        from .matching import candidates_for_job

        ctx = super().get_context_data(**kwargs)
        user, job = self.request.user, self.object
        ctx["recommendations"] = (
            job.recommendations.filter(pk__in=Recommendation.objects.restrict(user).values("pk"))
            .select_related("person", "person__household__village")
            .order_by("status", "-recommended_on")
        )
        ctx["can_recommend"] = (
            user.has_perm("employment.add_recommendation") and job.status == "open"
        )
        if ctx["can_recommend"]:
            ctx["candidates"] = candidates_for_job(job, user)[:50]
        ctx["can_close"] = user.has_perm("employment.change_jobpost") and job.status == "open"
        ctx["can_hire"] = user.has_perm("employment.add_placement")
        return ctx


class JobAction(LoginRequiredMixin, View):
    """POST one action on a job the user can see (else 404) and may act on (else 403)."""

    permission = ""

    def post(self, request, pk):
        job = get_object_or_404(JobPost.objects.restrict(request.user), pk=pk)
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        try:
            messages.success(request, self.run(job, request))
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
        return redirect(job.get_absolute_url())


class RecommendView(JobAction):
    permission = "employment.add_recommendation"

    def run(self, job, request):
        person = get_object_or_404(
            Person.objects.restrict(request.user), pk=request.POST.get("person")
        )
        services.recommend(job, person, actor=request.user)
        return _("已推荐")


class CloseJobView(JobAction):
    permission = "employment.change_jobpost"

    def run(self, job, request):
        if (
            request.user.role == "employer"
            and job.employer.credit_code != request.user.org_credit_code
        ):
            raise PermissionDenied
        services.close_job(job, actor=request.user)
        return _("岗位已结束招聘")


class DeclineView(LoginRequiredMixin, View):
    def post(self, request, pk):
        rec = get_object_or_404(Recommendation.objects.restrict(request.user), pk=pk)
        if not request.user.has_perm("employment.change_recommendation"):
            raise PermissionDenied
        try:
            services.decline_recommendation(rec, actor=request.user)
            messages.success(request, _("已标记为未录用"))
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
        return redirect(rec.job.get_absolute_url())


# --- placements ----------------------------------------------------------------------------


class PlacementListView(ExportListMixin, ObjectListView):
    queryset = Placement.objects.select_related("person", "training_class")
    filterset_class = PlacementFilterSet
    table_class = PlacementTable
    title = _("就业安置")
    breadcrumbs = [EMPLOYMENT]
    toolbar = [
        button(
            _("查找人员并登记就业"), "employment:placement_find", "employment.find_person", "search"
        ),
        button(
            _("下载导入模板"),
            "employment:placement_template",
            "employment.add_placement",
            "download",
        ),
    ]
    ledger_builder = exporters.placement_ledger


class PlacementTemplateView(LoginRequiredMixin, View):
    """The blank placement ledger for ``jifu import placements``."""

    def get(self, request):
        from urllib.parse import quote

        from django.http import HttpResponse

        from .importers import template_workbook

        if not request.user.has_perm("employment.add_placement"):
            raise PermissionDenied
        response = HttpResponse(
            template_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            'attachment; filename="placement-template.xlsx"; '
            f"filename*=UTF-8''{quote('就业安置导入模板.xlsx')}"
        )
        return response


class PlacementDetailView(ObjectDetailView):
    queryset = Placement.objects.select_related(
        "person", "employer", "training_class", "export_program", "job"
    )
    template_name = "employment/placement_detail.html"
    list_url_name = "employment:placement_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, p = self.request.user, self.object
        ctx["follow_ups"] = p.follow_ups.all()
        ctx["can_follow_up"] = user.has_perm("employment.change_followup")
        ctx["can_end"] = user.has_perm("employment.change_placement") and p.status == "employed"
        ctx["end_form"] = EndPlacementForm(initial={"end_date": date.today()})
        ctx["can_see_person"] = user.has_perm("registry.view_person")
        return ctx


class FindPersonView(ObjectActionView):
    """An employer finds a person by full ID number and name before recording the hire."""

    queryset = Placement.objects.all()
    action = "add"
    form_class = FindPersonForm
    title = _("查找人员")
    breadcrumbs = [EMPLOYMENT, PLACEMENTS]
    success_message = _("已找到该人员，请填写就业信息")

    def permission_name(self):
        return "employment.find_person"

    def perform(self, form):
        person = services.find_person(actor=self.request.user, **form.cleaned_data)
        if person is None:
            raise ValidationError("实名库中没有身份证号码和姓名都相符的人员")
        self.request.session[FOUND_KEY] = person.pk
        return person

    def get_success_url(self, result=None):
        return reverse("employment:placement_add")


class PlacementCreateView(ObjectActionView):
    """登记就业 for one person: from the person's page, a class's trainee list, a job's
    recommendations, or (employers) the person just found by ID number and name."""

    queryset = Placement.objects.all()
    action = "add"
    form_class = PlacementForm
    title = _("登记就业")
    breadcrumbs = [EMPLOYMENT, PLACEMENTS]
    success_message = _("已登记就业，已生成 12 个月的回访计划")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_name()):
            self.person = self._person()
        return super().dispatch(request, *args, **kwargs)

    def _person(self) -> Person:
        user, params = self.request.user, self.request.GET
        if user.role == "employer":
            pk = self.request.session.get(FOUND_KEY)
            if pk is None:
                raise Http404
            return get_object_or_404(Person, pk=pk)
        if params.get("enrolment"):
            enrolment = get_object_or_404(Enrolment.objects.restrict(user), pk=params["enrolment"])
            return get_object_or_404(Person.objects.restrict(user), pk=enrolment.person_id)
        return get_object_or_404(Person.objects.restrict(user), pk=params.get("person"))

    def _job(self) -> JobPost | None:
        pk = self.request.GET.get("job")
        return get_object_or_404(JobPost.objects.restrict(self.request.user), pk=pk) if pk else None

    def get_title(self):
        return f"{self.title}：{self.person.name} {self.person.id_number_masked}"

    def get_form_kwargs(self):
        classes = TrainingClass.objects.filter(
            enrolments__person=self.person,
            enrolments__status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED],
        ).distinct()
        programs = LabourExportProgram.objects.restrict(self.request.user)
        return {**super().get_form_kwargs(), "classes": classes, "programs": programs}

    def get_initial(self):
        user, initial = self.request.user, {"start_date": date.today()}
        if self.request.GET.get("enrolment"):
            enrolment = Enrolment.objects.filter(pk=self.request.GET["enrolment"]).first()
            if enrolment:
                initial["training_class"] = enrolment.training_class_id
        employer = _own_employer(user)
        job = self._job()
        if job:
            employer = job.employer
            initial.update(place=job.place, monthly_wage=job.wage_min)
        if employer:
            initial.update(
                employer_credit_code=employer.credit_code,
                employer_name=employer.name,
                province=employer.province,
            )
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        user = self.request.user
        employer = _own_employer(user) or _employer_by_code(
            user, data.pop("employer_credit_code", ""), "employer_credit_code"
        )
        data.pop("employer_credit_code", None)
        data["has_contract"] = data["has_contract"] == "yes"
        data["employer"] = employer
        if employer and not data["employer_name"]:
            data["employer_name"] = employer.name
        job = self._job()
        if job:
            data["job"] = job
        placement = services.record_placement(self.person, actor=user, **data)
        self.request.session.pop(FOUND_KEY, None)
        return placement


class PlacementEndView(ObjectActionView):
    queryset = Placement.objects.all()
    action = "change"
    object_lookup = "pk"
    form_class = EndPlacementForm
    title = _("登记离岗")
    breadcrumbs = [EMPLOYMENT, PLACEMENTS]

    def perform(self, form):
        services.end_placement(self.object, actor=self.request.user, **form.cleaned_data)


class FollowUpListView(ObjectListView):
    """回访工作清单: the follow-ups due and overdue in the user's area (or institution)."""

    queryset = FollowUp.objects.select_related(
        "placement", "placement__person", "placement__person__household__village"
    )
    filterset_class = FollowUpFilterSet
    table_class = FollowUpTable
    title = _("就业回访")
    breadcrumbs = [EMPLOYMENT]

    def get_queryset(self):
        qs = super().get_queryset()
        if not self.request.GET.get("state"):
            qs = qs.pending().filter(due_on__lte=date.today())  # the work list by default
        return qs


class FollowUpRecordView(ObjectActionView):
    queryset = FollowUp.objects.select_related("placement", "placement__person")
    action = "change"
    object_lookup = "pk"
    form_class = FollowUpForm
    title = _("录入回访")
    breadcrumbs = [EMPLOYMENT, (_("就业回访"), reverse_lazy("employment:followup_list"))]
    success_message = _("回访已记录")

    def get_title(self):
        if self.object is None:
            return self.title
        p = self.object.placement
        return f"{self.title}：{p.person.name} · {p.employer_name} · 第 {self.object.month_no} 个月"

    def get_initial(self):
        return {"done_on": date.today(), "monthly_wage": self.object.placement.monthly_wage}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["still_employed"] = data["still_employed"] == "yes"
        services.record_follow_up(self.object, actor=self.request.user, **data)

    def get_success_url(self, result=None):
        nxt = self.request.GET.get("next", "")
        if nxt.startswith("/") and not nxt.startswith("//"):
            return nxt
        return self.object.placement.get_absolute_url()


# --- labour export and brands -----------------------------------------------------------------


class ProgramListView(ObjectListView):
    queryset = (
        LabourExportProgram.objects.select_related("brand", "employer")
        .annotate(people=Count("placements"))
        .order_by("-start_date", "name")
    )
    filterset_class = ProgramFilterSet
    table_class = ProgramTable
    title = _("劳务输转项目")
    breadcrumbs = [EMPLOYMENT]
    toolbar = [
        button(_("新增"), "employment:program_add", "employment.add_labourexportprogram", "plus")
    ]


class ProgramCreateView(ObjectActionView):
    queryset = LabourExportProgram.objects.all()
    action = "add"
    form_class = ProgramForm
    title = _("登记劳务输转项目")
    breadcrumbs = [EMPLOYMENT, (_("劳务输转项目"), reverse_lazy("employment:program_list"))]

    def get_form_kwargs(self):
        brands = LabourBrand.objects.restrict(self.request.user)
        return {**super().get_form_kwargs(), "brands": brands}

    def get_initial(self):
        return {"region": self.request.user.region.code}

    def perform(self, form):
        data = dict(form.cleaned_data)
        user = self.request.user
        region = region_in_scope(user, data.pop("region"))
        data["employer"] = _employer_by_code(user, data.pop("employer"), "employer")
        return services.create_program(actor=user, region=region, **data)


class ProgramDetailView(ObjectDetailView):
    queryset = LabourExportProgram.objects.select_related("brand", "employer", "region")
    template_name = "employment/program_detail.html"
    list_url_name = "employment:program_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        placements = Placement.objects.restrict(self.request.user).filter(
            export_program=self.object
        )
        ctx["placements"] = PlacementTable(
            placements.select_related("person", "training_class"), request=self.request
        )
        ctx["employed_now"] = placements.filter(status=PlacementStatus.EMPLOYED).count()
        return ctx


class BrandListView(ObjectListView):
    queryset = (
        LabourBrand.objects.select_related("region", "occupation")
        .annotate(people=Count("programs__placements"))
        .order_by("region_code", "name")
    )
    filterset_class = BrandFilterSet
    table_class = BrandTable
    title = _("劳务品牌")
    breadcrumbs = [EMPLOYMENT]
    toolbar = [button(_("新增"), "employment:brand_add", "employment.add_labourbrand", "plus")]


class BrandCreateView(ObjectActionView):
    queryset = LabourBrand.objects.all()
    action = "add"
    form_class = BrandForm
    title = _("登记劳务品牌")
    breadcrumbs = [EMPLOYMENT, (_("劳务品牌"), reverse_lazy("employment:brand_list"))]

    def get_initial(self):
        return {"region": self.request.user.region.code}

    def perform(self, form):
        data = dict(form.cleaned_data)
        region = region_in_scope(self.request.user, data.pop("region"))
        return services.save_brand(actor=self.request.user, region=region, **data)


# --- 以工代训 -------------------------------------------------------------------------------------


class WorkTrainingListView(ObjectListView):
    queryset = WorkBasedTraining.objects.select_related("person", "employer", "occupation")
    filterset_class = WorkTrainingFilterSet
    table_class = WorkTrainingTable
    title = _("以工代训")
    breadcrumbs = [EMPLOYMENT]
    toolbar = [
        button(_("登记以工代训"), "employment:worktraining_add", "employment.add_workbasedtraining")
    ]


class WorkTrainingCreateView(ObjectActionView):
    """An employer records one month of on-the-job training of one of its employees."""

    queryset = WorkBasedTraining.objects.all()
    action = "add"
    form_class = WorkTrainingForm
    title = _("登记以工代训")
    breadcrumbs = [EMPLOYMENT, (_("以工代训"), reverse_lazy("employment:worktraining_list"))]
    success_message = _("以工代训已登记")

    def employer(self) -> Employer:
        employer = _own_employer(self.request.user)
        if employer is None:
            raise PermissionDenied
        return employer

    def get_form_kwargs(self):
        placements = Placement.objects.filter(employer=self.employer()).select_related("person")
        return {
            **super().get_form_kwargs(),
            "placements": placements.filter(status=PlacementStatus.EMPLOYED),
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        placement = data.pop("placement")
        services.record_work_training(
            actor=self.request.user, employer=self.employer(), person=placement.person, **data
        )

    def get_success_url(self, result=None):
        return reverse("employment:worktraining_list")


# --- entrepreneurship ------------------------------------------------------------------------------


class StartupListView(ExportListMixin, ObjectListView):
    queryset = Startup.objects.select_related("founder", "place")
    filterset_class = StartupFilterSet
    table_class = StartupTable
    title = _("创业实体")
    breadcrumbs = [EMPLOYMENT]
    ledger_builder = exporters.startup_ledger


class LeaderListView(StartupListView):
    """创业带头人 of each county: operating businesses employing enough poor labourers."""

    title = _("创业带头人")
    template_name = "employment/leader_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(
                status="operating",
                poor_jobs_created__gte=settings.JIFU_LEADER_MIN_POOR_JOBS,
            )
        )

    def get_context_data(self, **kwargs):
        from django.db.models.functions import Substr

        from jifu.regions.models import Region

        ctx = super().get_context_data(**kwargs)
        per_county = (
            self.object_list.annotate(county=Substr("village_code", 1, 6))
            .order_by()
            .values("county")
            .annotate(n=Count("id"))
            .order_by("county")
        )
        names = dict(
            Region.objects.filter(
                code__in=[c["county"] + "000000" for c in per_county]
            ).values_list("code", "name")
        )
        ctx["per_county"] = [
            {"name": names.get(c["county"] + "000000", c["county"]), "n": c["n"]}
            for c in per_county
        ]
        ctx["min_poor_jobs"] = settings.JIFU_LEADER_MIN_POOR_JOBS
        return ctx


class StartupCreateView(PlacementCreateView):
    queryset = Startup.objects.all()
    form_class = StartupForm
    title = _("登记创业")
    breadcrumbs = [EMPLOYMENT, (_("创业实体"), reverse_lazy("employment:startup_list"))]
    success_message = _("创业已登记")

    def get_form_kwargs(self):
        kwargs = ObjectActionView.get_form_kwargs(self)
        kwargs["classes"] = TrainingClass.objects.filter(
            training_type=TrainingType.ENTREPRENEURSHIP,
            enrolments__person=self.person,
            enrolments__status__in=[EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED],
        ).distinct()
        return kwargs

    def get_initial(self):
        return {"started_on": date.today(), "place": self.person.village_code}

    def perform(self, form):
        data = dict(form.cleaned_data)
        place = region_in_scope(self.request.user, data.pop("place"), "place")
        return services.record_startup(self.person, actor=self.request.user, place=place, **data)


class StartupDetailView(ObjectDetailView):
    queryset = Startup.objects.select_related("founder", "place", "training_class")
    template_name = "employment/startup_detail.html"
    list_url_name = "employment:startup_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["follow_ups"] = self.object.follow_ups.all()
        ctx["can_follow_up"] = self.request.user.has_perm("employment.change_startup")
        return ctx


class StartupFollowUpView(ObjectActionView):
    queryset = Startup.objects.all()
    action = "change"
    object_lookup = "pk"
    form_class = StartupFollowUpForm
    title = _("创业回访")
    breadcrumbs = [EMPLOYMENT, (_("创业实体"), reverse_lazy("employment:startup_list"))]

    def get_initial(self):
        s = self.object
        return {
            "visited_on": date.today(),
            "jobs": s.jobs_created,
            "poor_jobs": s.poor_jobs_created,
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["operating"] = data["operating"] == "yes"
        services.record_startup_follow_up(self.object, actor=self.request.user, **data)


# --- outcomes -------------------------------------------------------------------------------------


class OutcomeView(LoginRequiredMixin, TemplateView):
    """就业成效: employment rate after training and retention, by class, institution,
    occupation and county, for whatever the user may see."""

    template_name = "employment/outcomes.html"
    groupings = {
        "county": _("按县"),
        "institution": _("按培训机构"),
        "occupation": _("按职业(工种)"),
        "class": _("按培训班"),
    }
    columns = {
        "county": _("县（市、区）"),
        "institution": _("培训机构"),
        "occupation": _("职业(工种)"),
        "class": _("培训班"),
    }

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("training.view_enrolment"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        by = self.request.GET.get("by", "county")
        if by not in self.groupings:
            by = "county"
        enrolments = Enrolment.objects.restrict(self.request.user)
        rows = outcomes.table(enrolments, by)
        ctx.update(
            title=_("就业成效"),
            breadcrumbs=[EMPLOYMENT, (_("就业成效"), None)],
            by=by,
            groupings=self.groupings,
            column_label=self.columns[by],
            rows=rows,
            total=outcomes.total(enrolments),
            window_days=settings.JIFU_OUTCOME_DAYS,
            chart={
                "labels": [str(r.label) for r in rows[:30]],
                "completed": [r.completed for r in rows[:30]],
                "placed": [r.placed for r in rows[:30]],
                "rate": [round(100 * r.rate, 1) if r.rate is not None else None for r in rows[:30]],
            },
        )
        return ctx


def class_section(training_class, user) -> dict:
    """The trainees of a finished class, placed or not, with the class's rate."""
    enrolments = Enrolment.objects.restrict(user).filter(training_class=training_class)
    trainees = list(outcomes.per_trainee(enrolments).order_by("id"))
    placements = {}
    for p in (
        Placement.objects.restrict(user)
        .filter(person_id__in=[e.person_id for e in trainees])
        .order_by("start_date")
    ):
        placements.setdefault(p.person_id, []).append(p)
    return {
        "class": training_class,
        "trainees": [(e, placements.get(e.person_id, [])) for e in trainees],
        "total": outcomes.total(enrolments),
        "can_place": user.has_perm("employment.add_placement") and user.role != "employer",
        "window_days": settings.JIFU_OUTCOME_DAYS,
    }


def institution_section(institution, user) -> dict:
    enrolments = Enrolment.objects.restrict(user).filter(training_class__institution=institution)
    return {"total": outcomes.total(enrolments), "institution": institution}
