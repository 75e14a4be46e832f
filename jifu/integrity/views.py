"""The findings work list, one finding with its evidence and decision, the scan log."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View

from jifu.core.views import ObjectActionView, ObjectDetailView, ObjectListView, messages_of

from . import services
from .choices import FindingStatus
from .filtersets import FindingFilterSet, ScanFilterSet
from .forms import DecisionForm
from .models import Finding, ScanRun
from .tables import FindingTable, ScanTable

INTEGRITY = (_("疑点核查"), None)


class FindingListView(ObjectListView):
    queryset = Finding.objects.all()
    filterset_class = FindingFilterSet
    table_class = FindingTable
    title = _("疑点清单")
    breadcrumbs = [INTEGRITY]
    template_name = "integrity/finding_list.html"


class FindingDetailView(ObjectDetailView):
    queryset = Finding.objects.select_related("decided_by")
    template_name = "integrity/finding_detail.html"
    list_url_name = "integrity:finding_list"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, finding = self.request.user, self.object
        ctx["can_decide"] = user.has_perm("integrity.decide_finding") and finding.status in (
            FindingStatus.NEW,
            FindingStatus.CHECKING,
        )
        ctx["form"] = DecisionForm()
        from jifu.subsidies.choices import LIVE_LINE_STATUSES
        from jifu.subsidies.models import ClaimLine

        lines = ClaimLine.objects.restrict(user).filter(
            status__in=LIVE_LINE_STATUSES, person__in=finding.persons.all()
        ) | ClaimLine.objects.restrict(user).filter(pk__in=finding.lines.all())
        held = services.blocked_lines(lines.distinct())
        ctx["held_lines"] = [
            line for line in lines.distinct().select_related("claim", "person") if line.pk in held
        ]
        return ctx


class DecideView(ObjectActionView):
    queryset = Finding.objects.all()
    action = "view"
    object_lookup = "pk"
    form_class = DecisionForm
    title = _("处理疑点")
    breadcrumbs = [INTEGRITY, (_("疑点清单"), reverse_lazy("integrity:finding_list"))]
    success_message = _("已处理")

    def permission_name(self):
        return "integrity.decide_finding"

    def perform(self, form):
        status, reason = form.cleaned_data["status"], form.cleaned_data["reason"]
        step = {
            FindingStatus.CHECKING: lambda: services.start_check(
                self.object, actor=self.request.user
            ),
            FindingStatus.CONFIRMED: lambda: services.confirm(
                self.object, actor=self.request.user, reason=reason
            ),
            FindingStatus.DISMISSED: lambda: services.dismiss(
                self.object, actor=self.request.user, reason=reason
            ),
        }[status]
        return step()


class ScanListView(ObjectListView):
    queryset = ScanRun.objects.all()
    table_class = ScanTable
    filterset_class = ScanFilterSet
    title = _("扫描记录")
    breadcrumbs = [INTEGRITY]
    region_tree = False
    template_name = "integrity/scan_list.html"

    def get_queryset(self):
        user = self.request.user
        if not user.has_perm("integrity.view_scanrun"):
            return ScanRun.objects.none()
        if user.scope_is_whole_deployment:
            return ScanRun.objects.all()
        # A county sees the scans of its county and of the whole province.
        prefix = user.scope_prefix or ""
        return ScanRun.objects.filter(region_code__in=["", prefix[:2], prefix[:4], prefix[:6]])


class ScanNowView(LoginRequiredMixin, View):
    """立即扫描 the user's own area (a county's scan takes seconds)."""

    def post(self, request):
        user = request.user
        if not user.has_perm("integrity.decide_finding"):
            raise PermissionDenied
        prefix = "" if user.scope_is_whole_deployment else (user.scope_prefix or "")
        try:
            result = services.scan(prefix=prefix, trigger="manual", actor=user)
            messages.success(
                request,
                _("扫描完成：发现 %(found)d 个疑点，其中新增 %(new)d 个")
                % {"found": result.run.found, "new": result.run.new},
            )
        except ValidationError as exc:
            for message in messages_of(exc):
                messages.error(request, message)
        return redirect("integrity:finding_list")
