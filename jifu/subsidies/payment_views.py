"""Payment batches: the list, a new batch from verified claims, the batch page, the
bank batch file and the bank's return file.

Who: every office that may view batches sees them within its scope (another
county's batch is 404); only the county finance bureau (``pay_subsidyclaim``)
creates a batch, downloads the bank file with full accounts and imports the
return. The pages show accounts masked; the full account leaves only in the
bank file, and each download is audited by ``bankfiles.batch_ledger``.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from jifu.core.filters import BaseFilterSet, RegionPrefixFilter, YesNoFilter, style_form
from jifu.core.importing import UnusableFile
from jifu.core.views import (
    ObjectActionView,
    ObjectDetailView,
    ObjectListView,
    ScopedMixin,
    button,
    messages_of,
)
from jifu.regions.models import Region

from . import bankfiles, services
from .choices import ClaimStatus, LineStatus, PaymentStatus
from .models import ClaimLine, Mismatch, Payment, PaymentBatch, SubsidyClaim
from .tables import MismatchTable, PaymentBatchTable, PaymentTable

SUBSIDIES = (_("补贴资金"), None)
BATCHES = (_("支付批次"), reverse_lazy("subsidies:batch_list"))
PAY_PERMISSION = bankfiles.PAY_PERMISSION
EXPORT_FORMATS = ("xlsx", "csv")
# Lines a batch pays: approved ones, and those the bank refused before (paid again).
PAYABLE_LINES = (LineStatus.APPROVED, LineStatus.FAILED)


class BatchFilterSet(BaseFilterSet):
    q = django_filters.CharFilter(field_name="number", lookup_expr="contains", label=_("批次号"))
    reconciled = YesNoFilter(label=_("已对账"))
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("生成日期起")
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("生成日期止")
    )
    region = RegionPrefixFilter(field_name="region_code")

    class Meta:
        model = PaymentBatch
        fields = ["q", "reconciled", "created_after", "created_before", "region"]


def _batches():
    """Batches with their counts; mismatches by subquery so that the sums are not multiplied."""
    mismatches = (
        Mismatch.objects.filter(batch=OuterRef("pk"))
        .order_by()
        .values("batch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    region_name = Region.objects.filter(code=OuterRef("region_code")).values("name")[:1]
    return (
        PaymentBatch.objects.select_related("created_by")
        .annotate(
            payment_count=Count("payments"),
            total=Sum("payments__amount"),
            paid_count=Count("payments", filter=Q(payments__status=PaymentStatus.PAID)),
            failed_count=Count("payments", filter=Q(payments__status=PaymentStatus.FAILED)),
            mismatch_count=Coalesce(Subquery(mismatches, output_field=IntegerField()), 0),
            region_name=Subquery(region_name),
        )
        .order_by("-created_at", "-id")  # aggregation drops Meta.ordering
    )


class BatchListView(ObjectListView):
    queryset = _batches()
    filterset_class = BatchFilterSet
    table_class = PaymentBatchTable
    title = _("支付批次")
    breadcrumbs = [SUBSIDIES]
    toolbar = [button(_("生成支付批次"), "subsidies:batch_add", PAY_PERMISSION, "plus")]


class BatchCreateView(ScopedMixin, TemplateView):
    """拨付: the county finance bureau picks verified claims; one batch pays their lines."""

    queryset = SubsidyClaim.objects.all()
    template_name = "subsidies/batch_add.html"
    title = _("生成支付批次")
    breadcrumbs = [SUBSIDIES, BATCHES]

    def permission_name(self):
        return PAY_PERMISSION

    def payable(self):
        """Claims of the user's scope with lines to pay: verified ones, and paid or paying
        ones with a line the bank refused."""
        refused = ClaimLine.objects.filter(status=LineStatus.FAILED).values("claim_id")
        to_pay = Q(lines__status__in=PAYABLE_LINES)
        return (
            self.get_queryset()
            .filter(
                Q(status=ClaimStatus.VERIFIED)
                | Q(status__in=[ClaimStatus.PAYING, ClaimStatus.PAID], pk__in=refused)
            )
            .select_related("institution", "employer", "training_class", "allocation")
            .annotate(
                to_pay=Sum("lines__amount", filter=to_pay),
                line_count=Count("lines", filter=to_pay),
            )
            .filter(line_count__gt=0)
            .order_by("submitted_at", "id")
        )

    def get_context_data(self, selected=(), errors=(), **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        claims = list(self.payable())
        for claim in claims:
            # The service refuses a payer who reviewed or verified the claim: say so up front.
            claim.own_step = user.pk in (claim.reviewed_by_id, claim.verified_by_id)
        ctx["claims"] = claims
        ctx["selected"] = {str(pk) for pk in selected}
        ctx["errors"] = list(errors)
        ctx["total_lines"] = sum(c.line_count for c in claims)
        ctx["total_amount"] = sum((c.to_pay for c in claims), 0)
        return ctx

    def post(self, request, *args, **kwargs):
        ids = [i for i in request.POST.getlist("claims") if i.isdigit()]
        # Only claims this user may pay can be chosen, whatever the form says.
        claims = list(self.payable().filter(pk__in=ids)) if ids else []
        if not claims:
            errors = [_("请至少选择一个待拨付的申领")]
        else:
            try:
                batch = services.create_batch(claims, actor=request.user)
            except ValidationError as exc:
                errors = messages_of(exc)
            else:
                messages.success(
                    request,
                    _("已生成支付批次 %(number)s，请下载银行代发文件提交银行")
                    % {"number": batch.number},
                )
                return redirect(batch.get_absolute_url())
        return self.render_to_response(self.get_context_data(selected=ids, errors=errors))


class ReturnUploadForm(forms.Form):
    file = forms.FileField(
        label=_("银行回单文件"),
        help_text=_(
            "xlsx、xls 或 csv（UTF-8 或 GBK 编码）；须有指令编号、收款账号、金额、处理结果列，"
            "可有银行流水号、支付日期、失败原因列"
        ),
    )


def _totals(payments) -> dict:
    """Count and amount of the batch's instructions: all, paid, failed, waiting for the bank."""
    groups = {"all": Q(), **{status: Q(status=status) for status in PaymentStatus.values}}
    sums = payments.aggregate(
        **{f"n_{k}": Count("pk", filter=q) for k, q in groups.items()},
        **{f"s_{k}": Sum("amount", filter=q) for k, q in groups.items()},
    )
    return {k: {"count": sums[f"n_{k}"], "amount": sums[f"s_{k}"] or 0} for k in groups}


class BatchDetailView(ObjectDetailView):
    queryset = PaymentBatch.objects.select_related("created_by")
    template_name = "subsidies/batch_detail.html"
    list_url_name = "subsidies:batch_list"
    breadcrumbs = [SUBSIDIES]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, batch = self.request.user, self.object
        payments = (
            Payment.objects.restrict(user)
            .filter(batch=batch)
            .select_related("line", "line__claim")
            .order_by("id")
        )
        table = PaymentTable(payments, request=self.request, prefix="p-")
        RequestConfig(self.request, paginate={"per_page": 100}).configure(table)
        mismatches = (
            Mismatch.objects.restrict(user)
            .filter(batch=batch)
            .select_related("payment")
            .order_by("id")
        )
        ctx["payments_table"] = table
        ctx["mismatches_table"] = MismatchTable(mismatches, request=self.request)
        ctx["mismatch_count"] = mismatches.count()
        ctx["totals"] = _totals(payments)
        ctx["region"] = Region.objects.filter(code=batch.region_code).first()
        ctx["can_pay"] = user.has_perm(PAY_PERMISSION)
        ctx["upload_form"] = style_form(ReturnUploadForm())
        return ctx


class BatchExportView(LoginRequiredMixin, View):
    """The bank batch file with full accounts: ``?format=xlsx|csv``; audited."""

    def get(self, request, pk):
        # Scope first: another county's batch is 404 for everyone, then the permission.
        batch = get_object_or_404(PaymentBatch.objects.restrict(request.user), pk=pk)
        if not request.user.has_perm(PAY_PERMISSION):
            raise PermissionDenied
        fmt = request.GET.get("format", "xlsx")
        if fmt not in EXPORT_FORMATS:
            raise Http404
        return bankfiles.batch_response(batch, actor=request.user, fmt=fmt)


class BatchReturnView(ObjectActionView):
    """Upload the bank's return: read it whole, then mark payments and reconcile."""

    queryset = PaymentBatch.objects.all()
    action = "view"  # the object is looked up within the view scope; the permission is below
    object_lookup = "pk"
    form_class = ReturnUploadForm
    template_name = "subsidies/batch_return.html"
    title = _("导入银行回单")
    breadcrumbs = [SUBSIDIES, BATCHES]

    def permission_name(self):
        return PAY_PERMISSION

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["object"] = self.object
        ctx["fields"] = bankfiles.RETURN_FIELDS
        ctx["row_errors"] = getattr(self, "row_errors", [])
        return ctx

    def perform(self, form):
        upload = form.cleaned_data["file"]
        if upload.size > bankfiles.MAX_RETURN_BYTES:
            raise ValidationError({"file": _("文件超过 20 MB 上限")})
        try:
            rows = bankfiles.read_return(upload, filename=upload.name)
        except bankfiles.ReturnFileRefused as exc:
            self.row_errors = exc.errors
            message = _("回单中有 %(n)d 处无法识别，整个文件未导入，请更正后重新上传")
            raise ValidationError({"file": str(message) % {"n": len(exc.errors)}}) from None
        except UnusableFile as exc:
            raise ValidationError({"file": exc.message_zh}) from None
        summary = services.apply_bank_return(self.object, rows, actor=self.request.user)
        self.success_message = str(
            _(
                "回单已导入：本次支付成功 %(paid)d 笔，支付失败 %(failed)d 笔，"
                "此前已处理 %(already)d 笔，对账差异 %(mismatches)d 处"
            )
        ) % {
            "paid": summary.paid,
            "failed": summary.failed,
            "already": summary.already,
            "mismatches": summary.mismatches,
        }
        if summary.mismatches:
            messages.warning(self.request, _("有对账差异，请逐条核实（见“对账差异”）"))
        return self.object
