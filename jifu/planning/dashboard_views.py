"""工作进度: the progress dashboard of a province, prefecture, county or township on
an "as of" day, its refresh button, and the JSON the API returns for the same numbers.

Every number comes from ``progress.dashboard`` (the summaries); nothing here reads
the raw tables, except the links to the lists of people behind a number.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from jifu.accounts.roles import Role
from jifu.regions import codes
from jifu.regions.choices import RegionLevel
from jifu.regions.lookup import canonical_code
from jifu.regions.models import Region

from . import progress, summaries
from .choices import Metric
from .models import SummaryState

PERMISSION = "planning.view_progressfact"
# Summaries are rebuilt for the whole province: county offices and above may ask.
REFRESHERS = {
    Role.PROVINCE,
    Role.PREFECTURE,
    Role.COUNTY_HRSS,
    Role.COUNTY_POVERTY,
    Role.COUNTY_FINANCE,
}
# The KPI cards, in order; coverage is a share, the others counts (subsidies in yuan).
KPI_METRICS = [
    Metric.TRAINEES,
    Metric.COMPLETIONS,
    Metric.CERTIFICATES,
    Metric.EMPLOYED_AFTER_TRAINING,
    Metric.TRANSFER_EMPLOYMENT,
    Metric.SUBSIDIES_PAID,
    Metric.COVERAGE,
]
# Extra columns of the children table (trainees, with target and slow flag, come first).
CHILD_METRICS = [
    Metric.COMPLETIONS,
    Metric.CERTIFICATES,
    Metric.EMPLOYED_AFTER_TRAINING,
    Metric.SUBSIDIES_PAID,
]
DASHBOARD_LEVELS = ("province", "prefecture", "county", "township")
LAST_YEAR = 2100  # a bound for "as of" days, far from date.max (month ends are computed)


# --- parameters -----------------------------------------------------------------------------------


class BadParams(Exception):
    """Malformed ``region``/``year``/``as_of``: a form message on the page, 400 in the API."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


@dataclass
class Query:
    region: Region
    as_of: date
    year: int | None


def default_as_of() -> date:
    """``settings.JIFU_AS_OF`` (a date or YYYY-MM-DD: the demo's frozen day), else today."""
    value = getattr(settings, "JIFU_AS_OF", None)
    if isinstance(value, date):
        return value
    if value:
        return date.fromisoformat(str(value))
    return timezone.localdate()


def parse_query(user, params) -> Query:
    """The region (in the user's scope, else 404), the "as of" day and the year.

    ``year`` empty means the whole action (2018–2020), as the 900,000 target is set.
    """
    errors = {}
    scope = Region.objects.restrict(user)
    raw_region = (params.get("region") or "").strip()
    region = None
    if raw_region:
        try:
            code = canonical_code(raw_region)
        except codes.RegionCodeError:
            errors["region"] = _("区划代码应为 6、9 或 12 位数字")
        else:
            region = scope.filter(code=code).first()
            if region is None:
                raise Http404  # unknown, or another region's: the same answer
    else:
        region = user.region if scope.filter(pk=user.region_id).exists() else None
        if region is None:
            raise Http404
    if region is not None and region.level not in DASHBOARD_LEVELS:
        errors["region"] = _("进度按乡镇及以上统计，村级不单独统计")

    raw_as_of = (params.get("as_of") or "").strip()
    as_of = default_as_of()
    if raw_as_of:
        try:
            # fromisoformat alone would also take 20191231 or 2019-W52-2.
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw_as_of):
                raise ValueError(raw_as_of)
            as_of = date.fromisoformat(raw_as_of)
        except ValueError:
            errors["as_of"] = _("统计日期应为 YYYY-MM-DD 格式")
        else:
            if not progress.ACTION_START.year <= as_of.year <= LAST_YEAR:
                errors["as_of"] = _("统计日期应在 2018 年至 2100 年之间")
                as_of = default_as_of()

    raw_year = (params.get("year") or "").strip()
    year = None
    if raw_year:
        if not raw_year.isdigit():
            errors["year"] = _("年度应为四位数字")
        else:
            year = int(raw_year)
            # A year after the "as of" day has no figures yet; before the action, no targets.
            if not progress.ACTION_START.year <= year <= as_of.year:
                errors["year"] = _("年度应在 2018 年至统计日期所在年度之间")
    if errors:
        raise BadParams(errors)
    return Query(region=region, as_of=as_of, year=year)


# --- summaries state ------------------------------------------------------------------------------


def summaries_state() -> SummaryState:
    """When the summaries were built; built here, once, if they never were (a fresh install)."""
    state = SummaryState.objects.first()
    if state is None or state.rebuilt_at is None:
        state = summaries.rebuild()
    return state


def _task_results():
    """The rebuild task's rows, when the task backend keeps tasks in the database."""
    from .tasks import rebuild_task

    try:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another backend: nothing to look at
        return None
    if not isinstance(rebuild_task.get_backend(), DatabaseBackend):
        return None
    return DBTaskResult.objects.filter(task_path=rebuild_task.module_path)


def pending_rebuild():
    """The rebuild waiting for (or being run by) a worker, or None. Shown so that a
    refresh queued while no worker runs is not mistaken for fresh numbers."""
    from django_tasks_db.compat import TaskResultStatus

    results = _task_results()
    if results is None:
        return None
    waiting = [TaskResultStatus.READY, TaskResultStatus.RUNNING]
    return results.filter(status__in=waiting).order_by("-enqueued_at").first()


def failed_rebuild(state: SummaryState):
    """A rebuild that failed after the summaries were last built, or None."""
    from django_tasks_db.compat import TaskResultStatus

    results = _task_results()
    if results is None or state.rebuilt_at is None:
        return None
    return (
        results.filter(status=TaskResultStatus.FAILED, finished_at__gt=state.rebuilt_at)
        .order_by("-finished_at")
        .first()
    )


def can_refresh(user) -> bool:
    return user.has_perm(PERMISSION) and user.role in REFRESHERS


# --- numbers --------------------------------------------------------------------------------------


def number(value):
    """A Decimal as JSON: an int when whole (people), else a float (yuan)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


def share(value) -> float | None:
    return None if value is None else round(float(value), 4)


def metric_rate(board, metric: str) -> Decimal | None:
    """Achieved ÷ target. A coverage target is set in percent, the figure is a share."""
    target = board.targets.get(metric)
    if not target:
        return None
    figure = board.figures.get(metric)
    if figure is None:
        return None
    if metric == Metric.COVERAGE:
        return Decimal(figure) * 100 / target
    return Decimal(figure) / target


def is_slow(rate: Decimal | None, expected: Decimal) -> bool:
    """The same rule ``progress`` applies to children, applied to the region itself."""
    return rate is not None and rate < expected * progress.slow_below()


def query_params(code12: str, query: Query) -> dict:
    params = {"region": codes.short_code(code12), "as_of": query.as_of.isoformat()}
    if query.year:
        params["year"] = query.year
    return params


def dashboard_url(code12: str, query: Query) -> str:
    return f"{reverse('planning:dashboard')}?{urlencode(query_params(code12, query))}"


def child_figures(board, query: Query) -> dict[str, dict[str, Decimal]]:
    """metric → child prefix → value, for the children table's extra columns."""
    if board.region.level not in progress.CHILD_LEVEL:
        return {}
    _level, length = progress.CHILD_LEVEL[board.region.level]
    start, end = progress.window(query.as_of, query.year)
    return {
        m: summaries.by_child(length, board.region.prefix, start=start, end=end, metric=m)
        for m in CHILD_METRICS
    }


def board_data(board, query: Query, state: SummaryState, pending=None) -> dict:
    """The dashboard's numbers as JSON (the API's body and the charts' data)."""
    start, end = progress.window(query.as_of, query.year)
    extra = child_figures(board, query)
    length = progress.CHILD_LEVEL.get(board.region.level, ("", 0))[1]
    rates = {m: share(metric_rate(board, m)) for m in KPI_METRICS}
    figures = {
        k: (share(v) if k == Metric.COVERAGE else number(v)) for k, v in board.figures.items()
    }
    cumulative = Decimal("0")
    trend = []
    for month, value in board.trend:
        cumulative += value
        trend.append({"month": month, "value": number(value), "cumulative": number(cumulative)})
    phase = board.phase
    return {
        "region": {
            "code": board.region.code,
            "name": board.region.name,
            "level": board.region.level,
        },
        "as_of": query.as_of.isoformat(),
        "year": query.year,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "summaries_rebuilt_at": state.rebuilt_at.isoformat() if state.rebuilt_at else None,
        "rebuild_pending": pending is not None,
        "phase": (
            {
                "name": phase.name,
                "start": phase.start.isoformat(),
                "end": phase.end.isoformat(),
                "expected_share_at_end": share(phase.expected_share),
            }
            if phase
            else None
        ),
        "expected_share": share(board.expected),
        "slow_below": share(progress.slow_below()),
        "figures": figures,
        "targets": {k: number(v) for k, v in board.targets.items()},
        "rates": rates,
        "slow": is_slow(metric_rate(board, Metric.TRAINEES), board.expected),
        "children": [
            {
                "code": c.region.code,
                "name": c.region.name,
                "level": c.region.level,
                "trainees": number(c.achieved),
                "target": number(c.target),
                "rate": share(c.rate),
                "slow": c.slow,
                **{m: number(extra[m].get(c.region.code[:length], 0)) for m in CHILD_METRICS},
            }
            for c in board.children
        ],
        "trend": trend,
    }


# --- links to the people behind a number ---------------------------------------------------------


def _list(user, url_name: str, permission: str, **params) -> str | None:
    if not user.has_perm(permission):
        return None
    return f"{reverse(url_name)}?{urlencode(params)}"


def people_links(user, region: Region, query: Query) -> dict[str, list[tuple[str, str]]]:
    """metric → [(label, url)] of the existing list pages, filtered to the region
    (and to the months, where the list can filter by date)."""
    code = region.short_code
    start, end = progress.window(query.as_of, query.year)
    dates = {"start_after": start.isoformat(), "start_before": end.isoformat()}
    enrolment = "training.view_enrolment"
    candidates = {
        Metric.TRAINEES: [
            (_("培训学员名单"), "training:enrolment_list", enrolment, {"region": code})
        ],
        Metric.COMPLETIONS: [
            (
                _("结业学员名单"),
                "training:enrolment_list",
                enrolment,
                {"region": code, "status": "completed"},
            )
        ],
        Metric.CERTIFICATES: [
            (_("证书名单"), "training:certificate_list", "training.view_certificate", {"region": code})
        ],
        Metric.EMPLOYED_AFTER_TRAINING: [
            (_("就业登记名单"), "employment:placement_list", "employment.view_placement",
             {"region": code})
        ],
        Metric.TRANSFER_EMPLOYMENT: [
            (_("省内县外"), "employment:placement_list", "employment.view_placement",
             {"region": code, "place": "in_province", **dates}),
            (_("省外"), "employment:placement_list", "employment.view_placement",
             {"region": code, "place": "out_of_province", **dates}),
        ],
        Metric.SUBSIDIES_PAID: [
            (_("补贴申领"), "subsidies:claim_list", "subsidies.view_subsidyclaim", {"region": code})
        ],
        Metric.COVERAGE: [
            (_("有培训意愿劳动力"), "registry:person_list", "registry.view_person",
             {"region": code, "five_list": "wants_training"})
        ],
    }  # fmt: skip
    out = {}
    for metric, rows in candidates.items():
        links = [
            (label, url)
            for label, name, perm, params in rows
            if (url := _list(user, name, perm, **params))
        ]
        if links:
            out[metric] = links
    return out


# --- pages ----------------------------------------------------------------------------------------


def _pct(value) -> float | None:
    return None if value is None else round(float(value) * 100, 1)


class DashboardView(LoginRequiredMixin, TemplateView):
    """工作进度 of one region: cards, map or bars of its children, trend, drill-down."""

    template_name = "planning/dashboard.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(title=_("工作进度"), can_refresh=can_refresh(user))
        try:
            query = parse_query(user, self.request.GET)
        except BadParams as exc:
            for message in exc.errors.values():
                messages.warning(self.request, message)
            try:
                query = parse_query(user, {})  # the user's own dashboard, today
            except BadParams as again:  # a village user: there is no village dashboard
                ctx.update(
                    unsupported=next(iter(again.errors.values())),
                    breadcrumbs=[(_("工作进度"), None)],
                )
                return ctx
        state = summaries_state()
        pending = pending_rebuild()
        board = progress.dashboard(query.region, as_of=query.as_of, year=query.year, user=user)
        data = board_data(board, query, state, pending)
        ctx.update(self.page(board, query, data, user))
        ctx.update(
            query=query,
            board=board,
            data=data,
            state=state,
            pending=pending,
            failed=failed_rebuild(state),
            next_url=self.request.get_full_path(),
        )
        return ctx

    def page(self, board, query: Query, data: dict, user) -> dict:
        region = board.region
        ancestors = region.ancestors()
        # A county office sees its own county, not the prefecture above: no link there.
        visible = set(
            Region.objects.restrict(user)
            .filter(code__in=[a.code for a in ancestors])
            .values_list("code", flat=True)
        )
        crumbs = [(a.name, dashboard_url(a.code, query)) for a in ancestors if a.code in visible]
        links = people_links(user, region, query)
        expected_pct = _pct(board.expected)
        cards = []
        for metric in KPI_METRICS:
            rate = metric_rate(board, metric)
            cards.append(
                {
                    "metric": str(metric),
                    "label": Metric(metric).label,
                    "value": data["figures"].get(metric),
                    "target": data["targets"].get(metric),
                    "rate_pct": _pct(rate),
                    # Expected shares are of cumulative counts; coverage is a level.
                    "expected_pct": expected_pct if metric != Metric.COVERAGE else None,
                    "slow": metric != Metric.COVERAGE and is_slow(rate, board.expected),
                    "links": links.get(metric, []),
                    "money": metric == Metric.SUBSIDIES_PAID,
                }
            )
            if metric == Metric.COVERAGE:
                cards[-1].update(
                    value_pct=_pct(board.figures.get(metric)),
                    trained=data["figures"].get("trained_persons_cumulative"),
                    wanting=data["figures"].get(Metric.WANTING_UNTRAINED),
                )
        children = []
        for row in data["children"]:
            people = _list(
                user,
                "training:enrolment_list",
                "training.view_enrolment",
                region=codes.short_code(row["code"]),
            )
            children.append(
                {
                    **row,
                    "rate_pct": _pct(row["rate"]),
                    "url": dashboard_url(row["code"], query),
                    "people_url": people,
                }
            )
        chart = {
            "names": [c["name"] for c in children],
            "codes": [c["code"] for c in children],
            "urls": [c["url"] for c in children],
            "trainees": [c["trainees"] for c in children],
            "targets": [c["target"] for c in children],
            "rate_pct": [c["rate_pct"] for c in children],
            "slow": [c["slow"] for c in children],
            "expected_pct": expected_pct,
            "has_targets": any(c["target"] for c in children),
        }
        child_level = progress.CHILD_LEVEL.get(region.level, (None, 0))[0]
        return {
            "title": _("工作进度") + f" · {region.name}",
            "breadcrumbs": [*crumbs, (region.name, None)],
            "cards": cards,
            "children": children,
            "child_level_label": RegionLevel(child_level).label if child_level else "",
            # Only the province has a map: echarts@4's province file has no county shapes.
            "map_chart": chart if region.level == "province" else None,
            "bar_chart": chart if region.level in ("prefecture", "county") else None,
            "trend_chart": {
                "months": [t["month"] for t in data["trend"]],
                "values": [t["value"] for t in data["trend"]],
                "cumulative": [t["cumulative"] for t in data["trend"]],
            },
            "expected_pct": expected_pct,
            "people": links,
            "year_choices": list(
                range(
                    progress.ACTION_START.year, max(progress.ACTION_END.year, query.as_of.year) + 1
                )
            ),
            "slow_below_pct": _pct(progress.slow_below()),
            "api_url": f"{reverse('api-progress')}?{urlencode(query_params(region.code, query))}",
        }


class RefreshView(LoginRequiredMixin, View):
    """刷新数据: queue a rebuild of the summaries (one at a time) and go back."""

    def post(self, request):
        user = request.user
        if not can_refresh(user):
            raise PermissionDenied
        from .tasks import rebuild_task

        pending = pending_rebuild()
        if pending is not None:
            messages.info(request, _("数据更新已在排队或进行中，完成后刷新本页即可看到新数据"))
        else:
            rebuild_task.enqueue()
            messages.success(request, _("已提交数据更新，由后台任务完成后生效"))
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("planning:dashboard")
        return redirect(back)
