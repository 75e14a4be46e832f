from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views import View

from jifu.core.views import ObjectListView

from . import services
from .filtersets import AuditEventFilterSet
from .models import AuditEvent
from .tables import AuditEventTable


class AuditEventListView(ObjectListView):
    queryset = AuditEvent.objects.all()
    filterset_class = AuditEventFilterSet
    table_class = AuditEventTable
    title = _("审计日志")
    region_tree = False
    template_name = "audit/event_list.html"


class VerifyView(LoginRequiredMixin, View):
    """Recompute the hash chain and show what, if anything, was tampered with."""

    def post(self, request):
        if not request.user.has_perm("audit.verify_auditevent"):
            raise PermissionDenied
        result = services.verify()
        services.record_verification(request.user, result)
        if result.ok:
            messages.success(request, f"审计链完整：已校验 {result.checked} 条记录")
        else:
            messages.error(request, f"审计链异常：发现 {len(result.problems)} 处问题")
        return render(
            request,
            "audit/verify.html",
            {
                "result": result,
                "title": _("审计链校验"),
                "breadcrumbs": [(_("审计日志"), "/audit/"), (_("审计链校验"), None)],
            },
        )
