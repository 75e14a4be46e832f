"""Pages of targets (split down the hierarchy) and counties' annual plans.

Every read is scoped (``restrict``): a region or plan outside the user's scope is
404; a role without the permission is 403. Writes go to ``services_plans``.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from jifu.core.views import ObjectActionView, ObjectDetailView, ObjectListView, button, messages_of
from jifu.regions import codes
from jifu.regions.lookup import canonical_code
from jifu.regions.models import Region

from . import services_plans as services
from .choices import PlanStatus
from .filtersets_plans import PlanFilterSet
from .forms_plans import WHOLE_ACTION, PlanDraftForm, SplitForm, TargetForm, year_from_choice
from .models import AnnualPlan, Target
from .tables_plans import PlanTable

PLANNING = (_("目标与督导"), None)
TARGETS = (_("目标任务"), reverse_lazy("planning:target_list"))
PLANS = (_("年度计划"), reverse_lazy("planning:plan_list"))


def _target_list_url(region_code: str) -> str:
    return reverse("planning:target_list") + f"?region={region_code}"


def _region_for(user, raw: str | None) -> Region:
    """The region a page is about: ``raw`` if the user may see it (else 404), or the user's own."""
    visible = Region.objects.restrict(user)
    if not raw:
        region = visible.filter(pk=user.region_id).first()
    else:
        try:
            region = visible.filter(code=canonical_code(raw)).first()
        except codes.RegionCodeError:
            region = None
    if region is None:
        raise Http404
    return region


# --- targets --------------------------------------------------------------------------------


class TargetListView(LoginRequiredMixin, TemplateView):
    """A region's targets with what is split to each direct child and what is not (未分解)."""

    template_name = "planning/target_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("planning.view_target"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        region = _region_for(user, self.request.GET.get("region"))
        targets = Target.objects.restrict(user).select_related("region")
        rows, children = services.split_sheet(region, targets)
        ancestors = region.ancestors()
        seen = set(
            Region.objects.restrict(user)
            .filter(pk__in=[a.pk for a in ancestors])
            .values_list("pk", flat=True)
        )
        ancestors = [a for a in ancestors if a.pk in seen]  # links only to what the user may see
        can_split = bool(children) and services.may_set(user, children[0])
        ctx.update(
            title=_("目标任务"),
            breadcrumbs=[
                PLANNING,
                TARGETS,
                *[(a.name, _target_list_url(a.code)) for a in ancestors],
                (region.name, None),
            ],
            region=region,
            rows=rows,
            children=children,
            matrix=[
                (child, [row.text(row.children.get(child.pk)) for row in rows])
                for child in children
            ],
            can_split=can_split,
            can_set_own=services.may_set(user, region) and region.level in services.TARGET_LEVELS,
            region_tree=True,
            selected_region=region.code,
        )
        return ctx


class TargetSetView(ObjectActionView):
    """The province sets one of its own targets (new, or a new value for one it has)."""

    queryset = Target.objects.all()
    action = "add"
    form_class = TargetForm
    title = _("设定目标")
    breadcrumbs = [PLANNING, TARGETS]
    success_message = _("目标已保存")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm("planning.add_target"):
            self.region = _region_for(request.user, request.GET.get("region"))
            if not services.may_set(request.user, self.region):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        return f"{self.title}：{self.region.name}"

    def get_initial(self):
        pk = self.request.GET.get("target")
        target = (
            Target.objects.restrict(self.request.user).filter(pk=pk, region=self.region).first()
            if pk and pk.isdigit()
            else None
        )
        if target is None:
            return {"year": WHOLE_ACTION}
        return {
            "year": str(target.year) if target.year else WHOLE_ACTION,
            "kind": target.kind,
            "training_type": target.training_type,
            "value": target.value,
            "note": target.note,
        }

    def perform(self, form):
        data = form.cleaned_data
        return services.set_target(
            self.request.user,
            self.region,
            year_from_choice(data["year"]),
            data["kind"],
            data["value"],
            data["training_type"],
            note=data["note"],
        )

    def get_success_url(self, result=None):
        return _target_list_url(self.region.code)


class TargetSplitView(ObjectActionView):
    """分解: the children's values of one target, set in one table."""

    queryset = Target.objects.select_related("region")
    action = "change"
    object_lookup = "pk"
    form_class = SplitForm
    template_name = "planning/target_split.html"
    title = _("分解目标")
    breadcrumbs = [PLANNING, TARGETS]
    success_message = _("分解已保存")

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            target = (
                Target.objects.restrict(user)
                .select_related("region")
                .filter(pk=kwargs["pk"])
                .first()
            )
            if target is None:
                raise Http404
            self.children = list(Region.objects.filter(parent=target.region).order_by("code"))
            if not self.children or not services.may_set(user, self.children[0]):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_title(self):
        t = self.object
        return (
            f"{self.title}：{t.region.name}{services.target_label(t.year, t.kind, t.training_type)}"
        )

    def get_breadcrumbs(self):
        return [
            *self.breadcrumbs,
            (self.object.region.name, _target_list_url(self.object.region_code)),
            (self.get_title(), None),
        ]

    def current(self) -> dict:
        t = self.object
        siblings = services._same_key(
            Target.objects.filter(region__parent=t.region), t.year, t.kind, t.training_type
        )
        # 600000.00 shows as 600000 in the inputs.
        return {
            x.region_id: int(x.value) if x.value == x.value.to_integral_value() else x.value
            for x in siblings
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "children": self.children, "current": self.current()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        t = self.object
        ctx["target"] = t
        ctx["additive"] = t.kind in services.ADDITIVE_KINDS
        unallocated = services.unallocated(t)
        ctx["parent_text"] = services.fmt(t.value) + ("" if ctx["additive"] else "%")
        ctx["allocated_text"] = services.fmt(sum(self.current().values(), services.ZERO))
        ctx["unallocated_text"] = services.fmt(unallocated)
        ctx["unallocated"] = unallocated
        ctx["back_url"] = _target_list_url(t.region_code)
        return ctx

    def form_valid(self, form):
        try:
            services.split_target(self.request.user, self.object, form.values())
        except ValidationError as exc:
            by_child = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for code, errors in by_child.items():
                name = f"c_{code}"
                for message in errors:
                    form.add_error(name if name in form.fields else None, message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(_target_list_url(self.object.region_code))


# --- annual plans ---------------------------------------------------------------------------


class PlanListView(ObjectListView):
    queryset = (
        AnnualPlan.objects.select_related("region")
        .annotate(
            line_count=Count("lines"),
            wanting_total=Sum("lines__wanting"),
            planned_total=Sum("lines__planned"),
        )
        .order_by("-year", "region_code", "id")
    )
    filterset_class = PlanFilterSet
    table_class = PlanTable
    title = _("年度培训计划")
    breadcrumbs = [PLANNING]
    toolbar = [
        button(
            _("从实名库起草计划"),
            "planning:plan_draft",
            "planning.add_annualplan",
            "file-earmark-plus",
        )
    ]


class PlanDraftView(ObjectActionView):
    """The county drafts its plan for a year from the registry (a draft is re-drafted)."""

    queryset = AnnualPlan.objects.all()
    action = "add"
    form_class = PlanDraftForm
    title = _("起草年度培训计划")
    breadcrumbs = [PLANNING, PLANS]
    success_message = _("已从实名库起草年度培训计划，请核对计划培训人数后报送")

    def perform(self, form):
        user = self.request.user
        county = user.region
        if county is None or county.level != "county":
            raise ValidationError("年度培训计划由县人社局编制")
        return services.draft_plan(user, county, form.cleaned_data["year"])


class PlanDetailView(ObjectDetailView):
    queryset = AnnualPlan.objects.select_related("region", "region__parent")
    template_name = "planning/plan_detail.html"
    list_url_name = "planning:plan_list"
    breadcrumbs = [PLANNING]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, plan = self.request.user, self.object
        lines = list(
            plan.lines.select_related("township", "occupation").order_by(
                "township__code", "-wanting", "id"
            )
        )
        editable = plan.status in services.EDITABLE_PLANS
        ctx.update(
            lines=lines,
            totals=services.totals_of(lines),
            can_edit=editable and user.has_perm("planning.change_annualplan"),
            can_redraft=editable and user.has_perm("planning.add_annualplan"),
            can_review=(
                plan.status == PlanStatus.SUBMITTED
                and user.has_perm("planning.approve_annualplan")
                and plan.region.parent_id == user.region_id
            ),
            previous_year=plan.year - 1,
        )
        return ctx


class PlanAction(LoginRequiredMixin, View):
    """POST one step on a plan the user can see (else 404) and may take (else 403)."""

    permission = ""

    def post(self, request, pk):
        plan = get_object_or_404(AnnualPlan.objects.restrict(request.user), pk=pk)
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        try:
            messages.success(request, self.run(plan, request))
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
        return redirect(plan.get_absolute_url())

    @staticmethod
    def planned_values(request) -> dict:
        return {
            key.removeprefix("planned_"): value
            for key, value in request.POST.items()
            if key.startswith("planned_") and key.removeprefix("planned_").isdigit()
        }


class PlanAdjustView(PlanAction):
    permission = "planning.change_annualplan"

    def run(self, plan, request):
        changed = services.adjust_lines(request.user, plan, self.planned_values(request))
        return _("已保存调整（%(n)s 条明细）") % {"n": changed}


class PlanRedraftView(PlanAction):
    permission = "planning.add_annualplan"

    def run(self, plan, request):
        services.draft_plan(request.user, plan.region, plan.year)
        return _("已按实名库重新起草")


class PlanSubmitView(PlanAction):
    """报送, saving the numbers on the form first (one transaction)."""

    permission = "planning.change_annualplan"

    def run(self, plan, request):
        with transaction.atomic():
            services.adjust_lines(request.user, plan, self.planned_values(request))
            services.submit_plan(request.user, plan)
        return _("已报送市州审批")


class PlanApproveView(PlanAction):
    permission = "planning.approve_annualplan"

    def run(self, plan, request):
        services.approve_plan(request.user, plan, note=request.POST.get("note", ""))
        return _("已批准")


class PlanReturnView(PlanAction):
    permission = "planning.approve_annualplan"

    def run(self, plan, request):
        services.return_plan(request.user, plan, request.POST.get("note", ""))
        return _("已退回县修改")
