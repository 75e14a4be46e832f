from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, FormView

from jifu.core import exporting
from jifu.core.models import ImportJob
from jifu.core.views import ObjectActionView, ObjectDetailView, ObjectListView, ScopedMixin, button
from jifu.regions import codes
from jifu.regions.lookup import canonical_code
from jifu.regions.models import Region

from . import exporters, jobs, services
from .choices import FiveList
from .filtersets import HouseholdFilterSet, OutreachFilterSet, PersonFilterSet
from .forms import GuidanceForm, HouseholdPlanForm, OutreachForm, PersonImportForm
from .models import Household, OutreachEvent, Person
from .tables import HouseholdTable, OutreachTable, PersonTable

REGISTRY = (_("一库五名单"), None)
EXPORT_FORMATS = {"xlsx": exporting.xlsx_response, "csv": exporting.csv_response}


def selected_region(request) -> Region:
    """The region chosen in the tree (within the user's scope), else the user's own."""
    user = request.user
    code = request.GET.get("region")
    visible = (
        Region.objects.restrict(user)
        if user.has_perm("regions.view_region")
        else Region.objects.none()
    )
    if code:
        try:
            return visible.get(code=canonical_code(code))
        except (codes.RegionCodeError, Region.DoesNotExist):
            raise Http404 from None
    return user.region


class ExportMixin:
    """``?export=xlsx|csv`` on a person list streams the filtered rows as a ledger."""

    export_title = _("贫困劳动力台账")

    def render_to_response(self, context, **kwargs):
        fmt = self.request.GET.get("export")
        if fmt not in EXPORT_FORMATS:
            return super().render_to_response(context, **kwargs)
        user = self.request.user
        if not user.has_perm("registry.export_person"):
            raise PermissionDenied
        full = self.request.GET.get("full") == "1"
        if full and not user.has_perm("registry.reveal_person"):
            raise PermissionDenied
        region = selected_region(self.request)
        title = f"{region.name}{self.get_export_title()}"
        ledger = exporters.person_ledger(
            self.object_list, title=title, region=region, actor=user, full=full
        )
        return EXPORT_FORMATS[fmt](ledger, f"{title}.{fmt}")

    def get_export_title(self):
        return str(self.export_title)


class PersonListView(ExportMixin, ObjectListView):
    queryset = Person.objects.select_related("household", "household__village")
    filterset_class = PersonFilterSet
    table_class = PersonTable
    title = _("贫困劳动力")
    breadcrumbs = [REGISTRY]
    template_name = "registry/person_list.html"
    toolbar = [button(_("导入"), "registry:import", "registry.import_person", "upload")]


class FiveListsView(ExportMixin, ObjectListView):
    """五名单: counts per sub-region and the people on the chosen list."""

    queryset = Person.objects.select_related("household", "household__village")
    filterset_class = PersonFilterSet
    table_class = PersonTable
    title = _("五名单")
    breadcrumbs = [REGISTRY]
    template_name = "registry/five_lists.html"

    def get_list_key(self):
        key = self.request.GET.get("five_list") or FiveList.WANTS_TRAINING
        if key not in FiveList.values:
            raise Http404
        return key

    def get_queryset(self):
        return super().get_queryset().five_list(self.get_list_key())

    def get_export_title(self):
        return f"{FiveList(self.get_list_key()).label}名单"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        region = selected_region(self.request)
        children = Region.objects.restrict(self.request.user).filter(parent=region)
        base = Person.objects.restrict(self.request.user)
        ctx["region"] = region
        ctx["list_key"] = self.get_list_key()
        ctx["lists"] = FiveList.choices
        ctx["counts"] = exporters.five_list_counts(
            base, children if region.level != "village" else [region]
        )
        return ctx


class PersonDetailView(ObjectDetailView):
    queryset = Person.objects.select_related("household", "household__village")
    template_name = "registry/person_detail.html"
    list_url_name = "registry:person_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_reveal"] = self.request.user.has_perm("registry.reveal_person")
        ctx["guidance"] = self.object.guidance.all()[:20]
        ctx["extra_sections"] = [
            {"template": template, "data": provider(self.object, self.request.user)}
            for template, provider in PERSON_SECTIONS
        ]
        return ctx


class RevealView(LoginRequiredMixin, View):
    """POST → the full value of one sensitive field (htmx swaps it in); audited."""

    def post(self, request, pk, field):
        person = get_object_or_404(Person.objects.restrict(request.user), pk=pk)
        if field not in services.SENSITIVE:
            raise Http404
        value = services.reveal(person, field, actor=request.user)
        response = HttpResponse(
            f'<span class="font-monospace" data-testid="revealed">{escape(value) or "—"}</span>'
        )
        response["Cache-Control"] = "no-store"
        return response


class HouseholdListView(ObjectListView):
    queryset = (
        Household.objects.select_related("head", "village")
        .annotate(member_count=Count("members"))
        .order_by("household_no")
    )
    filterset_class = HouseholdFilterSet
    table_class = HouseholdTable
    title = _("贫困户")
    breadcrumbs = [REGISTRY]


class HouseholdDetailView(ObjectDetailView):
    """一户一档: the household file — members, plan, guidance, and later apps' tabs."""

    queryset = Household.objects.select_related(
        "head", "village", "village__parent", "village__parent__parent"
    )
    template_name = "registry/household_detail.html"
    list_url_name = "registry:household_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        h = self.object
        ctx["members"] = h.members.order_by("birth_date")
        ctx["plans"] = h.plans.all()
        ctx["guidance"] = services.GuidanceRecord.objects.filter(
            person__household=h
        ).select_related("person")
        ctx["periods"] = h.status_periods.all()
        ctx["tabs"] = [
            {
                "key": key,
                "label": label,
                "template": template,
                "data": provider(h, self.request.user),
            }
            for key, label, template, provider in HOUSEHOLD_TABS
        ]
        ctx["can_edit"] = self.request.user.has_perm("registry.add_householdplan")
        return ctx


# Sections later capabilities add to a person's page: (template, provider(person, user)).
PERSON_SECTIONS: list[tuple] = []

# Places later capabilities fill (training, employment, subsidies):
# (key, label, template, provider(household, user) -> data for the template).
HOUSEHOLD_TABS: list[tuple] = []


class PlanCreateView(ObjectActionView):
    queryset = Household.objects.all()
    action = "change"
    object_lookup = "pk"
    form_class = HouseholdPlanForm
    title = _("制定一户一策")
    breadcrumbs = [REGISTRY]

    def permission_name(self):
        return "registry.add_householdplan"

    def perform(self, form):
        services.create_plan(self.object, actor=self.request.user, **form.cleaned_data)
        return self.object


class GuidanceCreateView(ObjectActionView):
    queryset = Person.objects.all()
    object_lookup = "pk"
    form_class = GuidanceForm
    title = _("记录职业指导")
    breadcrumbs = [REGISTRY]

    def permission_name(self):
        return "registry.add_guidancerecord"

    def perform(self, form):
        services.add_guidance(self.object, actor=self.request.user, **form.cleaned_data)
        return self.object


class OutreachListView(ObjectListView):
    queryset = OutreachEvent.objects.select_related("region")
    filterset_class = OutreachFilterSet
    table_class = OutreachTable
    title = _("宣传动员")
    breadcrumbs = [REGISTRY]
    toolbar = [button(_("新增"), "registry:outreach_add", "registry.add_outreachevent", "plus")]


class OutreachCreateView(ObjectActionView):
    queryset = OutreachEvent.objects.all()
    action = "add"
    form_class = OutreachForm
    title = _("记录宣传动员")
    breadcrumbs = [REGISTRY, (_("宣传动员"), reverse_lazy("registry:outreach_list"))]

    def perform(self, form):
        data = dict(form.cleaned_data)
        try:
            region = Region.objects.restrict(self.request.user).get(
                code=canonical_code(data.pop("region"))
            )
        except (codes.RegionCodeError, Region.DoesNotExist):
            from django.core.exceptions import ValidationError

            raise ValidationError({"region": "区划不存在或不在您的管辖范围内"}) from None
        return services.record_outreach(actor=self.request.user, region=region, **data)


class LedgerView(ExportMixin, ObjectListView):
    """台账: the village, township or county ledger of labourers, printable and exportable."""

    queryset = Person.objects.select_related("household", "household__village", "household__head")
    filterset_class = PersonFilterSet
    table_class = PersonTable
    template_name = "registry/ledger.html"
    breadcrumbs = [REGISTRY]
    paginate_by = 100

    def get_title(self):
        region = selected_region(self.request)
        kind = {"village": "村级", "township": "乡镇", "county": "县级"}.get(region.level, "")
        return f"{region.full_name()}{kind}贫困劳动力台账"

    def get_queryset(self):
        region = selected_region(self.request)
        return super().get_queryset().labour_force().filter(village_code__startswith=region.prefix)

    def get_export_title(self):
        return "贫困劳动力台账"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["region"] = selected_region(self.request)
        return ctx


class ImportView(LoginRequiredMixin, FormView):
    """Upload a ledger; the import runs as a background task with a progress bar."""

    form_class = PersonImportForm
    template_name = "registry/import.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("registry.import_person"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("导入台账")
        ctx["breadcrumbs"] = [REGISTRY, (_("导入台账"), None)]
        ctx["jobs"] = ImportJob.objects.restrict(self.request.user).filter(kind="persons")[:10]
        return ctx

    def form_valid(self, form):
        try:
            job = jobs.submit_person_import(
                form.cleaned_data["file"],
                actor=self.request.user,
                county_code=form.cleaned_data["county"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except jobs.SubmitError as exc:
            form.add_error(exc.field, exc.message)
            return self.form_invalid(form)
        return redirect(job.get_absolute_url())


class ImportDetailView(ScopedMixin, DetailView):
    queryset = ImportJob.objects.all()
    template_name = "registry/import_detail.html"
    breadcrumbs = [REGISTRY, (_("导入台账"), reverse_lazy("registry:import"))]

    def get_title(self):
        return str(self.object)

    def get_template_names(self):
        if self.request.htmx:
            return ["registry/_import_status.html"]
        return [self.template_name]


class ImportErrorsView(ScopedMixin, View):
    """The error workbook: every rejected row with its row number, column and message."""

    queryset = ImportJob.objects.all()

    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        if not job.report:
            raise Http404
        return jobs.error_workbook_response(job)


class TemplateDownloadView(LoginRequiredMixin, View):
    def get(self, request):
        return jobs.template_response()
