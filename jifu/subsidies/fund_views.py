"""Fund, standard and eligibility-rule pages: the fund dashboard per region and the
allocations behind it, the standards (added and ended, never edited) and the
configurable eligibility rules. Every write goes through ``services``."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jifu.core.views import ObjectActionView, ObjectListView, button
from jifu.regions import codes
from jifu.regions.lookup import canonical_code, region_in_scope
from jifu.regions.models import Region

from . import services
from .choices import FundSource, SubsidyItem
from .filtersets_funds import AllocationFilterSet, RuleFilterSet, StandardFilterSet
from .forms_funds import (
    ALLOWED_LEVELS,
    AllocationForm,
    EndStandardForm,
    RuleForm,
    StandardForm,
)
from .models import EligibilityRule, FundAllocation, SubsidyStandard
from .tables import AllocationTable, RuleTable, StandardTable

SUBSIDIES = (_("补贴资金"), None)
FUNDS = (_("资金"), reverse_lazy("subsidies:fund_list"))
STANDARDS = (_("补贴标准"), reverse_lazy("subsidies:standard_list"))
RULES = (_("资格规则"), reverse_lazy("subsidies:rule_list"))
# The next level down, for the "by region" breakdown: (prefix length, level).
_CHILD_PREFIX = {"province": 4, "prefecture": 6}


def _region_for_fund(user, raw: str, field: str = "region") -> Region:
    """A province, prefecture or county in the user's scope (claims are charged by county)."""
    from django.core.exceptions import ValidationError

    region = region_in_scope(user, raw, field)
    if region.level not in ALLOWED_LEVELS:
        raise ValidationError({field: "请填写省、市州或县级区划代码"})
    return region


# --- funds ------------------------------------------------------------------------------------


def _totals(values: dict) -> dict:
    zero = Decimal("0")
    a, c, p = values.get("a") or zero, values.get("c") or zero, values.get("p") or zero
    return {"allocated": a, "committed": c, "paid": p, "balance": a - c - p}


def by_source(allocations) -> list[dict]:
    """Totals per source, in the dictionary's order (中央, 省级, …), sources with money only."""
    rows = {
        r["source"]: r
        for r in allocations.order_by()
        .values("source")
        .annotate(a=Sum("amount"), c=Sum("committed"), p=Sum("paid"))
    }
    return [
        {"source": source, "label": label, **_totals(rows[source])}
        for source, label in FundSource.choices
        if source in rows
    ]


def by_region(allocations, base: Region) -> list[dict]:
    """Totals per region one level below ``base`` (the base's own allocations as 本级)."""
    length = _CHILD_PREFIX.get(base.level)
    if length is None:
        return []
    rows = list(
        allocations.order_by()
        .annotate(child=Substr("region_code", 1, length))
        .values("child")
        .annotate(a=Sum("amount"), c=Sum("committed"), p=Sum("paid"))
        .order_by("child")
    )
    names = dict(
        Region.objects.filter(code__in=[r["child"].ljust(12, "0") for r in rows]).values_list(
            "code", "name"
        )
    )
    out = []
    for r in rows:
        code = r["child"].ljust(12, "0")
        label = _("本级") if code == base.code else names.get(code, code)
        out.append({"code": code, "label": label, **_totals(r)})
    return out


class FundListView(ObjectListView):
    """资金: what was allocated to the user's area (or the region picked in the tree),
    how much is set aside by approved claims, paid, and left; by source and below."""

    queryset = FundAllocation.objects.select_related("region").annotate(
        remaining=ExpressionWrapper(
            F("amount") - F("committed") - F("paid"),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )
    filterset_class = AllocationFilterSet
    table_class = AllocationTable
    template_name = "subsidies/fund_list.html"
    title = _("资金")
    breadcrumbs = [SUBSIDIES]
    toolbar = [
        button(_("登记资金下达"), "subsidies:allocation_add", "subsidies.add_fundallocation")
    ]

    def base_region(self) -> Region:
        """The region the dashboard is about: the one picked in the tree, else the user's."""
        raw = self.request.GET.get("region", "")
        if raw:
            try:
                return Region.objects.restrict(self.request.user).get(code=canonical_code(raw))
            except (codes.RegionCodeError, Region.DoesNotExist):
                pass
        return self.request.user.region

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        allocations = self.object_list  # restricted to the scope, then filtered
        sources = by_source(allocations)
        base = self.base_region()
        ctx.update(
            totals=services.balances(allocations),
            sources=sources,
            regions=by_region(allocations, base) if base else [],
            base_region=base,
            # A dict: ``json_script`` encodes it (a json.dumps string would be encoded twice).
            chart={
                "labels": [str(s["label"]) for s in sources],
                "paid": [float(s["paid"]) for s in sources],
                "committed": [float(s["committed"]) for s in sources],
                "balance": [float(s["balance"]) for s in sources],
            },
        )
        return ctx


class AllocationCreateView(ObjectActionView):
    """资金下达, entered by the finance bureau of the level that receives the money."""

    queryset = FundAllocation.objects.all()
    action = "add"
    form_class = AllocationForm
    template_name = "subsidies/fund_form.html"
    title = _("登记资金下达")
    breadcrumbs = [SUBSIDIES, FUNDS]
    success_message = _("资金下达已登记")

    def get_initial(self):
        today = timezone.localdate()
        return {"region": self.request.user.region.code, "year": today.year, "allocated_on": today}

    def perform(self, form):
        data = dict(form.cleaned_data)
        region = _region_for_fund(self.request.user, data.pop("region"))
        return services.allocate(actor=self.request.user, region=region, **data)


# --- standards ------------------------------------------------------------------------------


class StandardListView(ObjectListView):
    # In the dictionary's order of items (培训 first), level-free before 五级, 四级, …
    queryset = (
        SubsidyStandard.objects.select_related("region", "occupation")
        .annotate(
            item_order=Case(
                *[When(item=v, then=Value(i)) for i, v in enumerate(SubsidyItem.values)],
                output_field=IntegerField(),
            )
        )
        .order_by(
            "item_order",
            "region_code",
            "occupation_id",
            F("level").desc(nulls_first=True),
            "training_type",
            "-effective_from",
        )
    )
    filterset_class = StandardFilterSet
    table_class = StandardTable
    template_name = "subsidies/standard_list.html"
    title = _("补贴标准")
    breadcrumbs = [SUBSIDIES]
    toolbar = [button(_("新增标准"), "subsidies:standard_add", "subsidies.add_subsidystandard")]


class StandardCreateView(ObjectActionView):
    """A new standard, from a date. ``?copy=<pk>`` starts from an existing one
    (the usual way to change an amount: end the old, add the new)."""

    queryset = SubsidyStandard.objects.all()
    action = "add"
    form_class = StandardForm
    template_name = "subsidies/standard_form.html"
    title = _("新增补贴标准")
    breadcrumbs = [SUBSIDIES, STANDARDS]
    success_message = _("补贴标准已新增")

    def get_initial(self):
        initial = {"region": self.request.user.region.code}
        pk = self.request.GET.get("copy", "")
        source = SubsidyStandard.objects.filter(pk=pk).first() if pk.isdigit() else None
        if source is not None:
            initial.update(
                item=source.item,
                region=source.region_code,
                occupation=source.occupation_id,
                level=source.level,
                training_type=source.training_type,
                amount=source.amount,
                key_industry_pct=source.key_industry_pct,
                key_industry_amount=source.key_industry_amount,
                max_months=source.max_months,
            )
            if source.effective_to:
                initial["effective_from"] = source.effective_to + timedelta(days=1)
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        region = _region_for_fund(self.request.user, data.pop("region"))
        return services.save_standard(actor=self.request.user, region=region, **data)

    def get_success_url(self, result=None):
        return reverse("subsidies:standard_list") + f"?item={result.item}"


class StandardEndView(ObjectActionView):
    """Set a standard's end date; the amount itself is never edited."""

    queryset = SubsidyStandard.objects.select_related("region", "occupation")
    action = "change"
    object_lookup = "pk"
    form_class = EndStandardForm
    template_name = "subsidies/standard_end.html"
    title = _("设定失效日期")
    breadcrumbs = [SUBSIDIES, STANDARDS]
    success_message = _("已设定失效日期；如需调整标准，请新增自次日起生效的标准")

    def get_initial(self):
        return {"effective_to": self.object.effective_to or timezone.localdate()}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["standard"] = self.object
        ctx["copy_url"] = reverse("subsidies:standard_add") + f"?copy={self.object.pk}"
        return ctx

    def perform(self, form):
        return services.end_standard(
            self.object, actor=self.request.user, on=form.cleaned_data["effective_to"]
        )


# --- eligibility rules ------------------------------------------------------------------------


class RuleListView(ObjectListView):
    queryset = EligibilityRule.objects.all()
    filterset_class = RuleFilterSet
    table_class = RuleTable
    template_name = "subsidies/rule_list.html"
    title = _("资格规则")
    breadcrumbs = [SUBSIDIES]
    region_tree = False  # one set of rules for the whole province


class RuleEditView(ObjectActionView):
    queryset = EligibilityRule.objects.all()
    action = "change"
    object_lookup = "pk"
    form_class = RuleForm
    template_name = "subsidies/rule_form.html"
    title = _("修改资格规则")
    breadcrumbs = [SUBSIDIES, RULES]
    success_message = _("资格规则已保存，之后计算的申领按新规则")

    def get_title(self):
        return f"{self.title}：{self.object.name}" if self.object else self.title

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rule": self.object}

    def get_initial(self):
        rule = self.object
        return {"enabled": rule.enabled, "limit": rule.limit, "message": rule.message}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["rule"] = self.object
        return ctx

    def perform(self, form):
        data = form.cleaned_data
        return services.set_rule(
            self.object,
            actor=self.request.user,
            enabled=data["enabled"],
            limit=data.get("limit"),
            message=data["message"],
        )
