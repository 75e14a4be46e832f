"""Pages of supervision (督导), commendations and accountability (表扬与问责), the
annual work summary (年度工作总结) and highlights (亮点经验).

Every object is found through ``restrict(user)``: another region's visit, report
or signed file answers 404. Forms hand their data to ``services_supervision``.
"""

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from jifu.audit import services as audit
from jifu.core.filters import style_form
from jifu.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    button,
    messages_of,
)
from jifu.regions.lookup import region_in_scope

from . import services_supervision as services
from .api.supervision import ActionFilterSet, HighlightFilterSet, VisitFilterSet
from .choices import VisitStatus
from .forms_supervision import (
    ActionForm,
    CloseVisitForm,
    HighlightForm,
    RectifyForm,
    ReportGenerateForm,
    ReportUploadForm,
    VisitForm,
)
from .models import Action, AnnualReport, Highlight, SupervisionVisit
from .report import ReportError
from .tables_supervision import ActionTable, HighlightTable, VisitTable

PLANNING = (_("目标与督导"), None)
VISITS = (_("督导"), reverse_lazy("planning:visit_list"))
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {".docx": DOCX, ".pdf": "application/pdf"}
ADD_REPORT = "planning.add_annualreport"


def _today() -> date:
    return timezone.localdate()


def _attachment(response, filename: str, ascii_name: str):
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# --- supervision visits ------------------------------------------------------------------------


class VisitListView(ObjectListView):
    """督导 in the user's area; ``?overdue=true`` is the overdue list."""

    queryset = SupervisionVisit.objects.select_related("region")
    filterset_class = VisitFilterSet
    table_class = VisitTable
    template_name = "planning/visit_list.html"
    title = _("督导")
    breadcrumbs = [PLANNING]
    toolbar = [button(_("登记督导"), "planning:visit_add", "planning.add_supervisionvisit", "plus")]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["overdue_count"] = services.overdue(self.get_queryset()).count()
        ctx["showing_overdue"] = self.request.GET.get("overdue") == "true"
        return ctx


class VisitCreateView(ObjectActionView):
    queryset = SupervisionVisit.objects.all()
    action = "add"
    form_class = VisitForm
    title = _("登记督导")
    breadcrumbs = [PLANNING, VISITS]
    success_message = _("督导已登记")

    def get_initial(self):
        return {"visited_on": _today()}

    def perform(self, form):
        data = dict(form.cleaned_data)
        region = region_in_scope(self.request.user, data.pop("region"))
        return services.record_visit(actor=self.request.user, region=region, **data)


class VisitDetailView(ObjectDetailView):
    queryset = SupervisionVisit.objects.select_related("region")
    template_name = "planning/visit_detail.html"
    list_url_name = "planning:visit_list"
    breadcrumbs = [PLANNING]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, visit = self.request.user, self.object
        may_change = user.has_perm("planning.change_supervisionvisit")
        ctx["actions"] = Action.objects.restrict(user).filter(visit=visit)
        ctx["can_rectify"] = may_change and visit.status == VisitStatus.OPEN
        ctx["can_close"] = (
            may_change
            and visit.status == VisitStatus.RECTIFIED
            and services.supervises(user, visit.region)
        )
        ctx["can_add_action"] = user.has_perm("planning.add_action")
        ctx["overdue"] = services.overdue(SupervisionVisit.objects.filter(pk=visit.pk)).exists()
        if ctx["can_rectify"]:
            ctx["rectify_form"] = style_form(RectifyForm(initial={"rectified_on": _today()}))
        if ctx["can_close"]:
            ctx["close_form"] = style_form(CloseVisitForm(initial={"decision": "yes"}))
        return ctx


class VisitRectifyView(ObjectActionView):
    queryset = SupervisionVisit.objects.select_related("region")
    action = "change"
    object_lookup = "pk"
    form_class = RectifyForm
    title = _("报送整改情况")
    breadcrumbs = [PLANNING, VISITS]
    success_message = _("整改情况已报送")

    def get_initial(self):
        return {"rectified_on": _today()}

    def perform(self, form):
        return services.rectify(self.object, actor=self.request.user, **form.cleaned_data)


class VisitCloseView(ObjectActionView):
    queryset = SupervisionVisit.objects.select_related("region")
    action = "change"
    object_lookup = "pk"
    form_class = CloseVisitForm
    title = _("整改销号")
    breadcrumbs = [PLANNING, VISITS]

    def perform(self, form):
        data = form.cleaned_data
        accept = data["decision"] == "yes"
        self.success_message = _("已销号") if accept else _("已退回整改")
        return services.close_visit(
            self.object,
            actor=self.request.user,
            accept=accept,
            note=data["note"],
            due=data["due"],
        )


# --- commendations and accountability ------------------------------------------------------------


class ActionListView(ObjectListView):
    queryset = Action.objects.select_related("region", "visit", "visit__region")
    filterset_class = ActionFilterSet
    table_class = ActionTable
    template_name = "planning/action_list.html"
    title = _("表扬与问责")
    breadcrumbs = [PLANNING]
    toolbar = [button(_("登记表扬或问责"), "planning:action_add", "planning.add_action", "plus")]

    def get_context_data(self, **kwargs):
        from django.db.models import Count

        ctx = super().get_context_data(**kwargs)
        counts = dict(
            self.object_list.order_by()
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        ctx["commendations"] = counts.get("commendation", 0)
        ctx["accountability"] = counts.get("accountability", 0)
        return ctx


class ActionCreateView(ObjectActionView):
    queryset = Action.objects.all()
    action = "add"
    form_class = ActionForm
    title = _("登记表扬或问责")
    breadcrumbs = [PLANNING, (_("表扬与问责"), reverse_lazy("planning:action_list"))]
    success_message = _("已登记")

    def visits(self):
        return SupervisionVisit.objects.restrict(self.request.user).select_related("region")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "visits": self.visits()}

    def get_initial(self):
        initial = {"decided_on": _today(), "region": self.request.user.region.code}
        visit_pk = self.request.GET.get("visit", "")
        if visit_pk.isdigit():
            visit = self.visits().filter(pk=visit_pk).first()
            if visit is not None:
                initial.update(visit=visit.pk, region=visit.region_code)
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        region = region_in_scope(self.request.user, data.pop("region"))
        return services.record_action(actor=self.request.user, region=region, **data)


# --- highlights -------------------------------------------------------------------------------------


class HighlightListView(ObjectListView):
    queryset = Highlight.objects.select_related("region", "submitted_by")
    filterset_class = HighlightFilterSet
    table_class = HighlightTable
    template_name = "planning/highlight_list.html"
    title = _("亮点经验")
    breadcrumbs = [PLANNING]
    toolbar = [
        button(_("报送亮点经验"), "planning:highlight_add", "planning.add_highlight", "plus")
    ]


class HighlightCreateView(ObjectActionView):
    queryset = Highlight.objects.all()
    action = "add"
    form_class = HighlightForm
    title = _("报送亮点经验")
    breadcrumbs = [PLANNING, (_("亮点经验"), reverse_lazy("planning:highlight_list"))]
    success_message = _("亮点经验已报送")

    def get_initial(self):
        return {"region": self.request.user.region.code}

    def perform(self, form):
        data = dict(form.cleaned_data)
        region = region_in_scope(self.request.user, data.pop("region"))
        return services.submit_highlight(actor=self.request.user, region=region, **data)


# --- the annual work summary ---------------------------------------------------------------------


def _year(raw) -> int:
    today = _today()
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return today.year
    return year if 2018 <= year <= today.year else today.year


class ReportListView(LoginRequiredMixin, TemplateView):
    """Who has submitted the year's summary: every prefecture in the user's area
    (未报送 flagged, 逾期 after 15 December) and any county that made one."""

    template_name = "planning/report_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            "planning.view_annualreport"
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        year = _year(self.request.GET.get("year"))
        states = services.report_states(year, user=user)
        may_write = user.has_perm(ADD_REPORT) and user.region.level in ("prefecture", "county")
        own = next((s for s in states if s.region.pk == user.region_id), None)
        ctx.update(
            title=_("年度工作总结"),
            breadcrumbs=[PLANNING, (_("年度工作总结"), None)],
            year=year,
            years=list(range(_today().year, 2017, -1)),
            deadline=services.report_deadline(year),
            past_deadline=_today() > services.report_deadline(year),
            states=states,
            missing=[s for s in states if s.required and not s.submitted],
            may_write=may_write,
            own=own,
            generate_form=style_form(
                ReportGenerateForm(initial={"region": user.region.code, "year": year})
            ),
        )
        return ctx


class ReportGenerateView(LoginRequiredMixin, View):
    """POST region and year: the draft as a .docx download (the report row is updated)."""

    def post(self, request):
        from .tasks import rebuild_task

        user = request.user
        if not user.has_perm(ADD_REPORT):
            raise PermissionDenied
        form = ReportGenerateForm(request.POST)
        back = reverse("planning:report_list")
        if not form.is_valid():
            messages.error(request, _("请填写区划代码和年度"))
            return redirect(back)
        year = form.cleaned_data["year"]
        back += f"?year={year}"
        if not services.summaries_built():
            rebuild_task.enqueue()
            messages.error(request, _("统计汇总尚未生成，已开始生成，请几分钟后再试"))
            return redirect(back)
        try:
            region = region_in_scope(user, form.cleaned_data["region"])
            if region.level not in ("prefecture", "county"):
                raise ValidationError("只能为市州或县（市、区）生成年度工作总结")
            row, content = services.generate_report(region, year, actor=user)
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
            return redirect(back)
        except ReportError as exc:
            messages.error(request, str(exc))
            return redirect(back)
        response = HttpResponse(content, content_type=DOCX)
        return _attachment(
            response,
            f"{region.name}{year}年度技能扶贫工作总结（草稿）.docx",
            f"annual-report-{region.code}-{year}-draft.docx",
        )


class ReportUploadView(ObjectActionView):
    """Upload the signed final of the user's own region: it is then 已报送."""

    queryset = AnnualReport.objects.all()
    action = "add"
    form_class = ReportUploadForm
    template_name = "planning/report_upload.html"
    title = _("上传签发版")
    breadcrumbs = [PLANNING, (_("年度工作总结"), reverse_lazy("planning:report_list"))]
    success_message = _("已上传签发版，年度工作总结已报送")

    def get_initial(self):
        return {"year": _year(self.request.GET.get("year"))}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["region"] = self.request.user.region
        ctx["deadline_month_day"] = services.REPORT_DUE
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        return services.upload_final(
            self.request.user.region, data["year"], data["file"], actor=self.request.user
        )


class ReportDownloadView(LoginRequiredMixin, View):
    """The signed final of a report the user may see (another region's: 404)."""

    def get(self, request, pk):
        report = get_object_or_404(
            AnnualReport.objects.restrict(request.user).select_related("region"), pk=pk
        )
        if not report.final_file.name:
            raise Http404
        try:
            handle = services.open_final(report)
        except FileNotFoundError:
            raise Http404 from None
        extension = "." + report.final_file.name.rsplit(".", 1)[-1].lower()
        with transaction.atomic():
            audit.record("export", actor=request.user, obj=report, message="下载年度工作总结签发版")
        response = FileResponse(handle, content_type=CONTENT_TYPES.get(extension, DOCX))
        return _attachment(
            response,
            services.final_filename(report.region, report.year, extension),
            f"annual-report-{report.region_code}-{report.year}{extension}",
        )
