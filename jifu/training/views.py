from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View

from jifu.core.filters import style_form
from jifu.core.views import (
    ExportListMixin,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    button,
    messages_of,
)
from jifu.regions import codes
from jifu.regions.lookup import canonical_code, region_in_scope
from jifu.regions.models import Region

from . import exporters, matching, services
from .choices import ClassStatus, EnrolmentSource, EnrolmentStatus
from .filtersets import (
    AppraisalFilterSet,
    CertificateFilterSet,
    EnrolmentFilterSet,
    InstitutionFilterSet,
    OccupationFilterSet,
    TrainingClassFilterSet,
)
from .forms import (
    AppraisalForm,
    AssessmentForm,
    CertificateForm,
    ClassForm,
    FindPersonForm,
    InstitutionForm,
    RejectForm,
    SessionForm,
)
from .models import Appraisal, Certificate, Enrolment, Institution, Occupation, TrainingClass
from .tables import (
    AppraisalTable,
    CertificateTable,
    EnrolmentTable,
    InstitutionTable,
    OccupationTable,
    TrainingClassTable,
)

TRAINING = (_("培训"), None)
CLASSES = (_("培训班"), reverse_lazy("training:class_list"))


def _source_for(user) -> str:
    return {
        "village": EnrolmentSource.VILLAGE,
        "township": EnrolmentSource.TOWNSHIP,
        "institution": EnrolmentSource.INSTITUTION,
    }.get(user.role, EnrolmentSource.COUNTY)


# Sections later capabilities add to a class's and an institution's page
# (employment shows where the trainees went): (template, provider(obj, user)).
CLASS_SECTIONS: list[tuple] = []
INSTITUTION_SECTIONS: list[tuple] = []


def _sections(hooks, obj, user) -> list[dict]:
    return [{"template": template, "data": provider(obj, user)} for template, provider in hooks]


class OccupationListView(ObjectListView):
    queryset = Occupation.objects.all()
    filterset_class = OccupationFilterSet
    table_class = OccupationTable
    title = _("职业(工种)")
    breadcrumbs = [TRAINING]
    region_tree = False


class InstitutionListView(ObjectListView):
    queryset = Institution.objects.select_related("region")
    filterset_class = InstitutionFilterSet
    table_class = InstitutionTable
    title = _("培训机构")
    breadcrumbs = [TRAINING]
    toolbar = [button(_("新增"), "training:institution_add", "training.add_institution", "plus")]


class InstitutionDetailView(ObjectDetailView):
    queryset = Institution.objects.select_related("region")
    template_name = "training/institution_detail.html"
    list_url_name = "training:institution_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        classes = TrainingClass.objects.restrict(self.request.user).filter(institution=self.object)
        ctx["classes"] = TrainingClassTable(
            classes.select_related("occupation", "place").annotate(
                enrolled_count=Count("enrolments")
            ),
            request=self.request,
            exclude=("institution",),
        )
        ctx["extra_sections"] = _sections(INSTITUTION_SECTIONS, self.object, self.request.user)
        return ctx


class InstitutionCreateView(ObjectActionView):
    queryset = Institution.objects.all()
    action = "add"
    form_class = InstitutionForm
    title = _("登记培训机构")
    breadcrumbs = [TRAINING, (_("培训机构"), reverse_lazy("training:institution_list"))]

    def perform(self, form):
        data = dict(form.cleaned_data)
        if not data.get("bank_account"):
            data.pop("bank_account", None)  # blank keeps the account on file
        region = region_in_scope(self.request.user, data.pop("region"))
        occupations = list(data.pop("occupations"))
        return services.save_institution(
            actor=self.request.user, region=region, occupations=occupations, **data
        )


class ClassListView(ExportListMixin, ObjectListView):
    queryset = (
        TrainingClass.objects.select_related("occupation", "institution", "place")
        .annotate(
            enrolled_count=Count(
                "enrolments", filter=~Q(enrolments__status=EnrolmentStatus.WITHDRAWN)
            )
        )
        .order_by("-start_date", "code")  # aggregation drops Meta.ordering
    )
    filterset_class = TrainingClassFilterSet
    table_class = TrainingClassTable
    title = _("培训班")
    breadcrumbs = [TRAINING]
    template_name = "training/class_list.html"
    toolbar = [button(_("申报培训班"), "training:class_add", "training.add_trainingclass", "plus")]
    ledger_builder = exporters.class_ledger


class ClassCreateView(ObjectActionView):
    """申报: an institution user declares a class of its own institution."""

    queryset = TrainingClass.objects.all()
    action = "add"
    form_class = ClassForm
    title = _("申报培训班")
    breadcrumbs = [TRAINING, CLASSES]

    def institution(self):
        user = self.request.user
        return Institution.objects.restrict(user).filter(credit_code=user.org_credit_code).first()

    def dispatch(self, request, *args, **kwargs):
        if (
            request.user.is_authenticated
            and request.user.has_perm(self.permission_name())
            and self.institution() is None
        ):
            raise PermissionDenied  # an institution user whose institution is not registered
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "institution": self.institution()}

    def perform(self, form):
        data = dict(form.cleaned_data)
        try:
            data["place"] = Region.objects.get(code=canonical_code(data["place"]))
        except (codes.RegionCodeError, Region.DoesNotExist):
            raise ValidationError({"place": "培训地点区划不存在"}) from None
        return services.declare_class(
            actor=self.request.user, institution=self.institution(), **data
        )


class ClassDetailView(ObjectDetailView):
    queryset = TrainingClass.objects.select_related(
        "occupation", "institution", "place", "place__parent"
    )
    template_name = "training/class_detail.html"
    list_url_name = "training:class_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, c = self.request.user, self.object
        enrolments = (
            Enrolment.objects.restrict(user)
            .filter(training_class=c)
            .select_related("person", "assessment")
            .prefetch_related("certificates")
        )
        ctx["enrolments"] = enrolments.order_by("status", "id")
        ctx["sessions"] = c.sessions.all()
        ctx["can_review"] = (
            user.has_perm("training.review_trainingclass") and c.status == ClassStatus.DECLARED
        )
        ctx["can_run"] = user.has_perm("training.run_trainingclass")
        ctx["can_enrol"] = user.has_perm("training.find_person") and c.status in (
            ClassStatus.APPROVED,
            ClassStatus.RUNNING,
        )
        ctx["can_confirm"] = user.has_perm("training.confirm_enrolment")
        ctx["can_certify"] = user.has_perm("training.add_certificate")
        ctx["find_form"] = FindPersonForm()
        ctx["session_form"] = style_form(SessionForm(initial={"day": c.start_date}))
        ctx["reject_form"] = RejectForm()
        ctx["attendance_choices"] = [("present", "出勤"), ("absent", "缺勤"), ("leave", "请假")]
        # 应培尽培 in practice: labourers of the area who want this occupation and lack it.
        if user.has_perm("registry.view_person") and c.status in (
            ClassStatus.APPROVED,
            ClassStatus.RUNNING,
        ):
            ctx["matches"] = matching.labourers_for_class(c, user).select_related(
                "household__village"
            )[:50]
            ctx["can_enrol_matches"] = user.has_perm("training.add_enrolment")
        ctx["extra_sections"] = _sections(CLASS_SECTIONS, c, user)
        return ctx


class ClassAction(LoginRequiredMixin, View):
    """POST one workflow step on a class the user can see (else 404) and may act on (else 403)."""

    permission = ""
    step = None
    done = ""

    def post(self, request, pk):
        training_class = get_object_or_404(TrainingClass.objects.restrict(request.user), pk=pk)
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        if (
            self.permission == "training.run_trainingclass"
            and training_class.institution.credit_code != request.user.org_credit_code
        ):
            raise PermissionDenied
        try:
            self.run(training_class, request)
            messages.success(request, self.done)
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
        return redirect(training_class.get_absolute_url())

    def run(self, training_class, request):
        type(self).step(training_class, actor=request.user)


class ApproveView(ClassAction):
    permission = "training.review_trainingclass"
    step = services.approve_class
    done = _("审核通过")


class RejectView(ClassAction):
    permission = "training.review_trainingclass"
    done = _("已退回")

    def run(self, training_class, request):
        form = RejectForm(request.POST)
        services.reject_class(
            training_class, actor=request.user, reason=form.data.get("reason", "")
        )


class OpenView(ClassAction):
    permission = "training.run_trainingclass"
    step = services.open_class
    done = _("已开班")


class CompleteView(ClassAction):
    permission = "training.run_trainingclass"
    step = services.complete_class
    done = _("已结业")


class FinishView(ClassAction):
    permission = "training.run_trainingclass"
    step = services.finish_assessment
    done = _("考核完成")


class EnrolView(ClassAction):
    """An institution enrols a registry person found by full ID number and name."""

    permission = "training.find_person"
    done = _("已报名")

    def run(self, training_class, request):
        form = FindPersonForm(request.POST)
        if not form.is_valid():
            raise ValidationError("请填写身份证号码和姓名")
        person = services.find_person(
            actor=request.user,
            id_number=form.cleaned_data["id_number"],
            name=form.cleaned_data["name"],
        )
        if person is None:
            raise ValidationError("实名库中没有此人，或姓名与身份证号码不符")
        services.enrol(training_class, person, actor=request.user, source=_source_for(request.user))


class EnrolPersonView(ClassAction):
    """A village, township or county office enrols one of its own registry persons."""

    permission = "training.add_enrolment"
    done = _("已报名")

    def run(self, training_class, request):
        from jifu.registry.models import Person

        person = get_object_or_404(
            Person.objects.restrict(request.user), pk=request.POST.get("person")
        )
        services.enrol(training_class, person, actor=request.user, source=_source_for(request.user))


class AttendanceView(ClassAction):
    permission = "training.run_trainingclass"
    done = _("考勤已保存")

    def run(self, training_class, request):
        form = SessionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(messages_of(ValidationError(form.errors)) or "考勤信息不完整")
        statuses = {
            int(key.removeprefix("status_")): value
            for key, value in request.POST.items()
            if key.startswith("status_") and key.removeprefix("status_").isdigit()
        }
        services.record_session(
            training_class,
            actor=request.user,
            day=form.cleaned_data["day"],
            seq=form.cleaned_data["seq"],
            method=form.cleaned_data["method"],
            statuses=statuses,
        )


class EnrolmentListView(ExportListMixin, ObjectListView):
    queryset = Enrolment.objects.select_related(
        "person", "training_class", "training_class__occupation", "assessment"
    )
    filterset_class = EnrolmentFilterSet
    table_class = EnrolmentTable
    title = _("学员")
    breadcrumbs = [TRAINING]
    template_name = "training/enrolment_list.html"
    ledger_builder = exporters.enrolment_ledger


class EnrolmentAction(ObjectActionView):
    """A form on one trainee the user can see; the permission is the step's own."""

    queryset = Enrolment.objects.select_related("training_class", "person")
    action = "view"
    object_lookup = "pk"
    breadcrumbs = [TRAINING, CLASSES]

    def get_success_url(self, result=None):
        return self.object.training_class.get_absolute_url()

    def get_title(self):
        return f"{self.title}：{self.object.person.name}" if self.object else self.title


class AssessView(EnrolmentAction):
    form_class = AssessmentForm
    title = _("录入结业考核")

    def permission_name(self):
        return "training.run_trainingclass"

    def perform(self, form):
        data = form.cleaned_data
        services.assess(
            self.object,
            actor=self.request.user,
            result=data["result"],
            score=data["score"],
            assessor=data["assessor"],
            on=data["on"],
        )


class CertificateCreateView(EnrolmentAction):
    form_class = CertificateForm
    title = _("发放证书")

    def permission_name(self):
        return "training.add_certificate"

    def get_initial(self):
        c = self.object.training_class
        return {"level": c.level, "issuer": c.institution.name}

    def perform(self, form):
        data = form.cleaned_data
        services.issue_certificate(
            actor=self.request.user,
            person=self.object.person,
            enrolment=self.object,
            occupation=self.object.training_class.occupation,
            **data,
        )


class ConfirmView(LoginRequiredMixin, View):
    """A village or township confirms a public application against the registry."""

    def post(self, request, pk):
        enrolment = get_object_or_404(Enrolment.objects.restrict(request.user), pk=pk)
        if not request.user.has_perm("training.confirm_enrolment"):
            raise PermissionDenied
        try:
            services.confirm_application(enrolment, actor=request.user)
            messages.success(request, _("已确认报名"))
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
        return redirect(request.POST.get("next") or enrolment.training_class.get_absolute_url())


class CertificateListView(ObjectListView):
    queryset = Certificate.objects.select_related("person", "occupation")
    filterset_class = CertificateFilterSet
    table_class = CertificateTable
    title = _("证书")
    breadcrumbs = [TRAINING]


class AppraisalListView(ObjectListView):
    """职业技能鉴定 records of the people in the user's area."""

    queryset = Appraisal.objects.select_related("person", "occupation")
    filterset_class = AppraisalFilterSet
    table_class = AppraisalTable
    title = _("职业技能鉴定")
    breadcrumbs = [TRAINING]
    toolbar = [button(_("新增"), "training:appraisal_add", "training.add_appraisal", "plus")]


class AppraisalCreateView(ObjectActionView):
    """Record an appraisal for a registry person found by full ID number and name."""

    queryset = Appraisal.objects.all()
    action = "add"
    form_class = AppraisalForm
    title = _("登记职业技能鉴定")
    breadcrumbs = [TRAINING, (_("职业技能鉴定"), reverse_lazy("training:appraisal_list"))]

    def perform(self, form):
        from jifu.core.idnumber import IdNumberError
        from jifu.registry import services as registry_services
        from jifu.registry.models import Person

        data = form.cleaned_data
        try:
            person = registry_services.find_by_id_number(
                data["id_number"], Person.objects.restrict(self.request.user)
            )
        except IdNumberError as exc:
            raise ValidationError({"id_number": exc.message_zh}) from None
        if person is None or person.name != data["name"].strip():
            raise ValidationError("您管辖的实名库中没有此人，或姓名与身份证号码不符")
        services.record_appraisal(
            actor=self.request.user,
            person=person,
            occupation=data["occupation"],
            level=data["level"],
            on=data["on"],
            passed=data["passed"],
            organisation=data["organisation"],
        )
        return person

    def get_success_url(self, result=None):
        return str(reverse_lazy("training:appraisal_list"))
