"""Claim pages: the list and ledger, one claim with its lines and workflow, the
three ways to claim (a class, a person, an employer's 以工代训 months), and the
county's complaint work list."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from jifu.core.views import (
    ExportListMixin,
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    button,
    messages_of,
)
from jifu.registry.models import Person
from jifu.training.choices import ClassStatus, EnrolmentStatus
from jifu.training.models import Appraisal, Enrolment, TrainingClass

from . import exporters, services
from .choices import LIVE_LINE_STATUSES, ClaimStatus, ComplaintStatus
from .filtersets import ClaimFilterSet, ComplaintFilterSet
from .forms import AnswerForm, PersonClaimForm
from .models import ClaimLine, Complaint, FundAllocation, SubsidyClaim
from .tables_claims import ClaimTable, ComplaintTable

SUBSIDIES = (_("补贴资金"), None)
CLAIMS = (_("补贴申领"), reverse_lazy("subsidies:claim_list"))


def with_totals(claims):
    """Claims with the number and total of their live lines (rejected ones do not count)."""
    live = Q(lines__status__in=LIVE_LINE_STATUSES)
    return claims.annotate(
        n_lines=Count("lines", filter=live), total=Sum("lines__amount", filter=live)
    )


class ClaimListView(ExportListMixin, ObjectListView):
    queryset = with_totals(
        SubsidyClaim.objects.select_related("institution", "employer", "training_class")
    ).order_by("-submitted_at", "-id")
    filterset_class = ClaimFilterSet
    table_class = ClaimTable
    title = _("补贴申领")
    breadcrumbs = [SUBSIDIES]
    toolbar = [
        button(_("按班申领"), "subsidies:claim_add_class", "subsidies.add_subsidyclaim", "easel"),
        button(
            _("以工代训申领"), "subsidies:claim_add_employer", "subsidies.add_subsidyclaim", "tools"
        ),
        button(_("拨付"), "subsidies:batch_add", "subsidies.pay_subsidyclaim", "bank"),
    ]
    ledger_builder = exporters.subsidy_ledger

    def get_toolbar(self):
        # Who claims what: institutions for classes, employers for 以工代训;
        # persons' claims start from the person's page.
        role = self.request.user.role
        hidden = {
            "institution": {"subsidies:claim_add_employer"},
            "employer": {"subsidies:claim_add_class"},
        }.get(role, {"subsidies:claim_add_class", "subsidies:claim_add_employer"})
        urls = {reverse(name) for name in hidden}
        return [b for b in super().get_toolbar() if str(b["url"]) not in urls]


class ClaimDetailView(ObjectDetailView):
    queryset = SubsidyClaim.objects.select_related(
        "institution",
        "employer",
        "training_class",
        "region",
        "allocation",
        "submitted_by",
        "reviewed_by",
        "verified_by",
        "paid_by",
    )
    template_name = "subsidies/claim_detail.html"
    list_url_name = "subsidies:claim_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, claim = self.request.user, self.object
        lines = (
            claim.lines.select_related("person", "standard")
            .annotate(
                open_complaints=Count(
                    "complaints", filter=Q(complaints__status=ComplaintStatus.OPEN)
                )
            )
            .order_by("person_id", "item", "id")
        )
        lines = list(lines)
        held = services.blocked(
            [line for line in lines if line.status in LIVE_LINE_STATUSES and line.status != "paid"]
        )
        for line in lines:
            line.held = held.get(line.pk, "")
        ctx["lines"] = lines
        ctx["total"] = sum(
            (line.amount for line in lines if line.status in LIVE_LINE_STATUSES), Decimal("0")
        )
        ctx["complaints"] = Complaint.objects.filter(line__claim=claim).select_related(
            "line__person"
        )
        ctx["payments"] = claim.lines.none()
        if user.has_perm("subsidies.view_payment"):
            from .models import Payment

            ctx["payments"] = Payment.objects.filter(line__claim=claim).select_related(
                "batch", "line__person"
            )
        today = timezone.localdate()
        status = claim.status
        ctx["can_review"] = (
            user.has_perm("subsidies.review_subsidyclaim") and status == ClaimStatus.SUBMITTED
        )
        ctx["can_verify"] = (
            user.has_perm("subsidies.verify_subsidyclaim")
            and status == ClaimStatus.PUBLICISING
            and claim.publicity_until is not None
            and today > claim.publicity_until
        )
        ctx["can_send_back"] = ctx["can_review"] or (
            user.has_perm("subsidies.verify_subsidyclaim") and status == ClaimStatus.PUBLICISING
        )
        ctx["can_resubmit"] = (
            user.has_perm("subsidies.add_subsidyclaim") and status == ClaimStatus.RETURNED
        )
        ctx["can_pay"] = user.has_perm("subsidies.pay_subsidyclaim") and status in (
            ClaimStatus.VERIFIED,
            ClaimStatus.PAYING,
        )
        if ctx["can_verify"]:
            ctx["allocations"] = [
                a
                for a in FundAllocation.objects.restrict(user)
                .select_related("region")
                .filter(year__gte=today.year - 1)
                .order_by("-year", "source")
                if claim.region_code.startswith(a.region.prefix)
            ]
        return ctx


class ClaimAction(LoginRequiredMixin, View):
    """POST one workflow step on a claim the user can see (else 404); the service
    checks the role, the status and that no one takes two steps."""

    done = ""

    def post(self, request, pk):
        claim = get_object_or_404(SubsidyClaim.objects.restrict(request.user), pk=pk)
        try:
            self.run(claim, request)
            messages.success(request, self.done)
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
        return redirect(claim.get_absolute_url())


class ClaimReviewView(ClaimAction):
    done = _("初审通过，已进入公示")

    def run(self, claim, request):
        services.review(claim, actor=request.user, note=request.POST.get("note", ""))


class ClaimReturnView(ClaimAction):
    done = _("已退回修改")

    def run(self, claim, request):
        services.return_claim(claim, actor=request.user, reason=request.POST.get("reason", ""))


class ClaimRejectView(ClaimAction):
    done = _("已不予受理")

    def run(self, claim, request):
        services.reject_claim(claim, actor=request.user, reason=request.POST.get("reason", ""))


class ClaimVerifyView(ClaimAction):
    done = _("复核通过，资金已核准")

    def run(self, claim, request):
        allocation = (
            FundAllocation.objects.restrict(request.user)
            .filter(pk=request.POST.get("allocation") or 0)
            .first()
        )
        if allocation is None:
            raise ValidationError("请选择列支资金")
        services.verify(claim, actor=request.user, allocation=allocation)


class ClaimResubmitView(ClaimAction):
    done = _("已重新提交")

    def run(self, claim, request):
        if not request.user.has_perm("subsidies.add_subsidyclaim"):
            raise PermissionDenied
        services.resubmit(claim, actor=request.user)


# --- submitting ------------------------------------------------------------------------------------


class ClassClaimCreateView(LoginRequiredMixin, View):
    """培训机构按班申领: pick a finished class, see the lines the rules give, submit."""

    template_name = "subsidies/claim_class.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not (
            request.user.has_perm("subsidies.add_subsidyclaim")
            and request.user.role == "institution"
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def classes(self):
        claimed = ClaimLine.objects.live().filter(claim__training_class=OuterRef("pk"))
        return (
            TrainingClass.objects.restrict(self.request.user)
            .filter(
                status__in=[ClassStatus.COMPLETED, ClassStatus.ASSESSED],
                institution__credit_code=self.request.user.org_credit_code,
            )
            .annotate(
                claimed=Exists(claimed),
                trainees=Count(
                    "enrolments", filter=Q(enrolments__status=EnrolmentStatus.COMPLETED)
                ),
            )
            .select_related("occupation")
            .order_by("-end_date", "code")
        )

    def context(self, **extra):
        return {
            "title": _("培训机构按班申领"),
            "breadcrumbs": [SUBSIDIES, CLAIMS, (_("按班申领"), None)],
            "classes": self.classes(),
            **extra,
        }

    def get(self, request):
        extra = {}
        if request.GET.get("class"):
            chosen = get_object_or_404(self.classes(), pk=request.GET["class"])
            try:
                extra["preview"] = services.compute_class(chosen)
            except ValidationError as exc:
                extra["errors"] = messages_of(exc)
            extra["chosen"] = chosen
        return render(request, self.template_name, self.context(**extra))

    def post(self, request):
        chosen = get_object_or_404(self.classes(), pk=request.POST.get("class"))
        try:
            claim = services.submit_class_claim(
                actor=request.user, training_class=chosen, note=request.POST.get("note", "")
            )
        except ValidationError as exc:
            return render(
                request,
                self.template_name,
                self.context(chosen=chosen, errors=messages_of(exc)),
                status=200,
            )
        messages.success(request, _("申领已提交，等待县人社局初审"))
        return redirect(claim.get_absolute_url())


class PersonClaimCreateView(ObjectActionView):
    """个人申领, filed by the village or the county HR office with the person's documents."""

    queryset = SubsidyClaim.objects.all()
    action = "add"
    form_class = PersonClaimForm
    title = _("个人申领补贴")
    breadcrumbs = [SUBSIDIES, CLAIMS]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_name()):
            if request.user.role not in ("village", "county_hrss"):
                raise PermissionDenied
            self.person = get_object_or_404(
                Person.objects.restrict(request.user), pk=request.GET.get("person")
            )
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return f"{self.title}：{self.person.name} {self.person.id_number_masked}"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "enrolments": Enrolment.objects.filter(
                person=self.person, status=EnrolmentStatus.COMPLETED
            ).select_related("training_class__occupation"),
            "appraisals": Appraisal.objects.filter(person=self.person, passed=True).select_related(
                "occupation"
            ),
        }

    def perform(self, form):
        data = dict(form.cleaned_data)
        item = data.pop("item")
        kwargs = {"payee_kind": data["payee_kind"]}
        if item == "appraisal":
            kwargs["appraisal"] = data["appraisal"]
        else:
            kwargs["enrolment"] = data["enrolment"]
        return services.submit_person_claim(
            actor=self.request.user, person=self.person, item=item, note=data["note"], **kwargs
        )


class EmployerClaimCreateView(LoginRequiredMixin, View):
    """用人单位以工代训申领: the months recorded and not yet claimed, ticked and submitted."""

    template_name = "subsidies/claim_employer.html"

    def employer(self):
        from jifu.employment.models import Employer

        user = self.request.user
        if not (user.has_perm("subsidies.add_subsidyclaim") and user.role == "employer"):
            raise PermissionDenied
        employer = Employer.objects.filter(credit_code=user.org_credit_code).first()
        if employer is None:
            raise PermissionDenied
        return employer

    def months(self, employer):
        from jifu.employment.models import WorkBasedTraining

        claimed = ClaimLine.objects.live().filter(work_training=OuterRef("pk"))
        return (
            WorkBasedTraining.objects.filter(employer=employer)
            .exclude(Exists(claimed))
            .select_related("person", "occupation")
            .order_by("person_id", "month")
        )

    def get(self, request, errors=None):
        employer = self.employer()
        return render(
            request,
            self.template_name,
            {
                "title": _("以工代训补贴申领"),
                "breadcrumbs": [SUBSIDIES, CLAIMS, (_("以工代训申领"), None)],
                "employer": employer,
                "months": self.months(employer),
                "errors": errors or [],
            },
        )

    def post(self, request):
        employer = self.employer()
        chosen = self.months(employer).filter(pk__in=request.POST.getlist("month"))
        if not chosen.exists():
            return self.get(request, errors=[_("请勾选要申领的月份")])
        try:
            claim = services.submit_employer_claim(
                actor=request.user, employer=employer, months=chosen
            )
        except ValidationError as exc:
            return self.get(request, errors=messages_of(exc))
        messages.success(request, _("申领已提交，等待县人社局初审"))
        return redirect(claim.get_absolute_url())


# --- complaints -----------------------------------------------------------------------------------


class ComplaintListView(ObjectListView):
    queryset = Complaint.objects.select_related("line", "line__claim", "line__person")
    filterset_class = ComplaintFilterSet
    table_class = ComplaintTable
    title = _("公示举报")
    breadcrumbs = [SUBSIDIES]


class ComplaintAnswerView(ObjectActionView):
    queryset = Complaint.objects.select_related("line", "line__claim", "line__person")
    action = "view"
    object_lookup = "pk"
    form_class = AnswerForm
    title = _("处理举报")
    breadcrumbs = [SUBSIDIES, (_("公示举报"), reverse_lazy("subsidies:complaint_list"))]
    template_name = "subsidies/complaint_answer.html"
    success_message = _("举报已处理")

    def permission_name(self):
        return "subsidies.review_subsidyclaim"

    def perform(self, form):
        services.answer_complaint(
            self.object,
            actor=self.request.user,
            upheld=form.cleaned_data["upheld"] == "yes",
            answer=form.cleaned_data["answer"],
        )


def person_section(person, user) -> dict:
    """A person's subsidies on their page, and the way to file a personal claim."""
    return {
        "lines": ClaimLine.objects.restrict(user)
        .filter(person=person)
        .select_related("claim")
        .order_by("-year", "id"),
        "can_claim": user.has_perm("subsidies.add_subsidyclaim")
        and user.role in ("village", "county_hrss"),
        "person": person,
    }
