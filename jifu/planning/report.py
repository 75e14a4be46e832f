"""The annual work summary (年度技能扶贫工作总结) of a region as a Word document.

``render(region, year, as_of=...)`` returns the .docx bytes: the title, the
region and year, then

* 一、主要数据 — the year's figures from ``progress.dashboard(region, as_of=,
  year=)`` with the year's targets and the share of each achieved (and, where
  the region has targets for the whole action, the same since 2018), the
  monthly trend as a chart;
* 二、分县情况 — one row per sub-region (prefectures of the province, counties
  of a prefecture, townships of a county) from the same summaries, with the
  trainee target, the share achieved and the slow ones marked, and a chart;
* 三、分职业情况 — trainees by occupation (see ``occupation_rows``);
* 四、工作亮点 — the highlights the region's offices submitted that year;
* 五、存在问题与下一步打算 — headings with 【待填写】 placeholders: the office
  writes the narrative.

Every figure but the occupations comes from the summaries (``summaries.py``),
so the report says when they were last rebuilt. Charts are drawn by matplotlib
(Agg, no pyplot: nothing global) with a CJK font found through its font
manager — Debian's fonts-noto-cjk (``scripts/system-deps.sh``); without one the
report is refused with ``ReportError`` rather than drawn with empty boxes.
The document itself is always Chinese, whatever the user's language.
"""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone, translation

from jifu.regions.models import Region

from . import progress, summaries
from .choices import Metric
from .models import Highlight, Phase, Target

# Chart fonts, best first: the first one matplotlib knows is used.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
)
# Fonts named in the document (Word substitutes what the reader's machine lacks).
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
TABLE_FONT = "宋体"
PLACEHOLDER = "【待填写】"

COUNT, MONEY, PERCENT = "count", "money", "percent"
CUMULATIVE = "trained_persons_cumulative"
# 一、主要数据: (key of the dashboard's figures, label, kind).
FIGURE_ROWS = [
    (Metric.TRAINEES, "培训人数（人次）", COUNT),
    (Metric.COMPLETIONS, "结业人数（人次）", COUNT),
    (Metric.CERTIFICATES, "取得证书人数", COUNT),
    (Metric.EMPLOYED_AFTER_TRAINING, "培训后就业人数", COUNT),
    (Metric.TRANSFER_EMPLOYMENT, "转移就业人数", COUNT),
    (Metric.TRAINED_PERSONS, "本年首次参加培训的劳动力", COUNT),
    (CUMULATIVE, "累计已培训劳动力", COUNT),
    (Metric.WANTING_UNTRAINED, "有培训意愿未培训劳动力", COUNT),
    (Metric.COVERAGE, "应培尽培率", PERCENT),
    (Metric.SUBSIDIES_PAID, "补贴发放金额（元）", MONEY),
]
# 二、分县情况: the sub-regions' columns besides trainees and their target.
CHILD_METRICS = [
    (Metric.COMPLETIONS, "结业人数"),
    (Metric.CERTIFICATES, "取得证书人数"),
    (Metric.EMPLOYED_AFTER_TRAINING, "培训后就业人数"),
    (Metric.TRANSFER_EMPLOYMENT, "转移就业人数"),
    (Metric.SUBSIDIES_PAID, "补贴发放金额（元）"),
]
CHILD_HEADINGS = {
    "province": "二、分市州情况",
    "prefecture": "二、分县情况",
    "county": "二、分乡镇情况",
}
CHILD_COLUMN = {"province": "市州", "prefecture": "县（市、区）", "county": "乡镇"}


class ReportError(Exception):
    """The report cannot be drawn (no CJK font); the message is bilingual."""


# --- data ------------------------------------------------------------------------------------


@dataclass
class FigureRow:
    key: str
    label: str
    kind: str
    value: Decimal | None
    target: Decimal | None
    rate: Decimal | None  # share of the target achieved (1 = 100 %)


@dataclass
class ChildRow:
    region: Region
    trainees: Decimal
    target: Decimal | None
    rate: Decimal | None
    slow: bool
    values: dict


@dataclass
class OccupationRow:
    code: str
    name: str
    classes: int
    trainees: int
    completed: int
    share: Decimal | None


@dataclass
class ReportData:
    region: Region
    year: int
    as_of: date
    start: date
    end: date
    board: progress.Dashboard
    figures: list[FigureRow]
    action_figures: list[FigureRow]
    children: list[ChildRow]
    child_totals: dict
    occupations: list[OccupationRow]
    highlights: list
    rebuilt_at: object = None
    trend: list = field(default_factory=list)
    phased: bool = False  # the phases of the action set an expected share for this year

    def figure(self, key: str) -> FigureRow:
        return next(r for r in self.figures if r.key == key)


def _rate(value, target) -> Decimal | None:
    if value is None or not target:
        return None
    return Decimal(value) / Decimal(target)


def _figure_rows(board: progress.Dashboard, *, only_targeted: bool = False) -> list[FigureRow]:
    rows = []
    for key, label, kind in FIGURE_ROWS:
        value = board.figures.get(key)
        target = board.targets.get(key)
        if kind == PERCENT:
            # Coverage is a share; its target is set in percent.
            rate = _rate(value * 100, target) if value is not None else None
        else:
            value = Decimal(value or 0)
            rate = board.rate(key)
        if only_targeted and target is None:
            continue
        rows.append(FigureRow(key, label, kind, value, target, rate))
    if Metric.SCHOOL_STUDENTS in board.targets:
        # Not counted by the summaries: the target is shown, the figure left to the office.
        target = board.targets[Metric.SCHOOL_STUDENTS]
        rows.append(FigureRow(Metric.SCHOOL_STUDENTS, "技工院校在校生", COUNT, None, target, None))
    return rows


def occupation_rows(region: Region, start: date, end: date) -> list[OccupationRow]:
    """Trainees by occupation, read directly from the enrolments.

    The definition is the summaries' ``trainees``: enrolments 在训 or 已结业 in a
    class that was approved (审核通过 and after), the trainee's village under the
    region, the class starting between ``start`` and ``end`` (the dashboard's
    window: whole months). So the column's total equals 培训人数 of 一、主要数据
    whenever the summaries are up to date. ``completed`` counts those of them
    已结业; ``classes`` the distinct classes they attended.
    """
    from jifu.training.choices import EnrolmentStatus
    from jifu.training.models import Enrolment

    rows = (
        Enrolment.objects.filter(
            status__in=summaries.TRAINED,
            training_class__status__in=summaries.HELD,
            training_class__start_date__gte=start,
            training_class__start_date__lte=end,
            village_code__startswith=region.prefix,
        )
        .order_by()
        .values("training_class__occupation__code", "training_class__occupation__name")
        .annotate(
            trainees=Count("pk"),
            classes=Count("training_class", distinct=True),
            completed=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
        )
    )
    total = sum(r["trainees"] for r in rows)
    out = [
        OccupationRow(
            code=r["training_class__occupation__code"],
            name=r["training_class__occupation__name"],
            classes=r["classes"],
            trainees=r["trainees"],
            completed=r["completed"],
            share=Decimal(r["trainees"]) / total if total else None,
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: (-r.trainees, r.code))


def collect(region: Region, year: int, *, as_of: date) -> ReportData:
    """Everything the document shows, read before anything is drawn."""
    board = progress.dashboard(region, as_of=as_of, year=year)
    start, end = progress.window(as_of, year)
    action_figures = []
    if Target.objects.filter(region_code=region.code, year=None, training_type="").exists():
        whole = progress.dashboard(region, as_of=as_of, year=None)
        action_figures = _figure_rows(whole, only_targeted=True)
    children, child_totals = [], {}
    if region.level in progress.CHILD_LEVEL:
        _level, length = progress.CHILD_LEVEL[region.level]
        per_metric = {
            metric: summaries.by_child(length, region.prefix, start=start, end=end, metric=metric)
            for metric, _label in CHILD_METRICS
        }
        for child in board.children:
            values = {
                metric: per_metric[metric].get(child.region.code[:length], Decimal("0"))
                for metric, _label in CHILD_METRICS
            }
            children.append(
                ChildRow(child.region, child.achieved, child.target, child.rate, child.slow, values)
            )
        child_totals = {m: Decimal(board.figures.get(m) or 0) for m, _label in CHILD_METRICS}
    highlights = list(
        Highlight.objects.filter(region_code__startswith=region.prefix, submitted_on__year=year)
        .select_related("region")
        .order_by("submitted_on", "id")
    )
    state = summaries.as_of_state()
    return ReportData(
        region=region,
        year=year,
        as_of=as_of,
        start=start,
        end=end,
        board=board,
        figures=_figure_rows(board),
        action_figures=action_figures,
        children=children,
        child_totals=child_totals,
        occupations=occupation_rows(region, start, end),
        highlights=highlights,
        rebuilt_at=state.rebuilt_at if state else None,
        trend=board.trend,
        phased=Phase.objects.filter(
            start__lte=date(year, 12, 31), end__gte=date(year, 1, 1)
        ).exists(),
    )


# --- formatting ------------------------------------------------------------------------------


def fmt(value, kind: str = COUNT) -> str:
    """A figure as the document prints it (the tests compare through this too)."""
    if value is None:
        return "—"
    if kind == MONEY:
        return f"{Decimal(value):,.2f}"
    if kind == PERCENT:
        return f"{Decimal(value) * 100:.1f}%"
    return f"{int(value):,}"


def fmt_target(target, kind: str) -> str:
    if target is None:
        return "—"
    if kind == PERCENT:
        return f"{Decimal(target):.1f}%"
    return fmt(target, kind)


def fmt_rate(rate) -> str:
    return "—" if rate is None else f"{Decimal(rate) * 100:.1f}%"


def _day(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --- charts ----------------------------------------------------------------------------------


def cjk_font() -> str:
    """The family name of an installed CJK font matplotlib can draw with."""
    from matplotlib import font_manager

    known = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in known:
            return name
    raise ReportError(
        "未找到中文字体，无法绘制图表：请安装 fonts-noto-cjk（scripts/system-deps.sh）"
        " / no CJK font found for the charts: install fonts-noto-cjk (scripts/system-deps.sh)"
    )


def _png(figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
    return out.getvalue()


def trend_chart(trend: list[tuple[str, Decimal]], *, title: str) -> bytes:
    """Monthly trainees as bars, their running total as a line (PNG bytes)."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    font = FontProperties(family=cjk_font())
    small = FontProperties(family=font.get_family(), size=8)
    labels = [f"{int(key[5:])}月" for key, _v in trend]
    values = [float(v) for _k, v in trend]
    running, total = [], 0.0
    for v in values:
        total += v
        running.append(total)
    fig = Figure(figsize=(7, 3.4))
    ax = fig.add_subplot()
    ax.bar(labels, values, color="#4e79a7", label="当月培训人数")
    ax.set_ylabel("人次", fontproperties=font)
    ax2 = ax.twinx()
    ax2.plot(labels, running, color="#e15759", marker="o", label="累计")
    ax2.set_ylabel("累计人次", fontproperties=font)
    ax2.set_ylim(bottom=0)
    ax.set_ylim(bottom=0)
    for axis in (ax, ax2):
        axis.yaxis.set_major_locator(MaxNLocator(integer=True))  # people, not fractions
    ax.set_title(title, fontproperties=font)
    for label in ax.get_xticklabels():
        label.set_fontproperties(small)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(handles, ["当月培训人数", "累计"], prop=small, loc="upper left")
    return _png(fig)


def children_chart(rows: list[ChildRow], *, title: str) -> bytes:
    """Trainees of each sub-region beside its target, as bars (PNG bytes)."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.ticker import MaxNLocator

    font = FontProperties(family=cjk_font())
    small = FontProperties(family=font.get_family(), size=8)
    names = [r.region.name for r in rows]
    x = list(range(len(rows)))
    has_targets = any(r.target for r in rows)
    width = 0.4 if has_targets else 0.6
    fig = Figure(figsize=(7, 3.6))
    ax = fig.add_subplot()
    offset = width / 2 if has_targets else 0
    ax.bar([i - offset for i in x], [float(r.trainees) for r in rows], width, color="#4e79a7")
    legend = ["培训人数"]
    if has_targets:
        ax.bar(
            [i + offset for i in x], [float(r.target or 0) for r in rows], width, color="#bab0ac"
        )
        legend.append("年度目标")
    ax.set_xticks(x)
    ax.set_xticklabels(
        names, rotation=45 if len(rows) > 6 else 0, ha="right" if len(rows) > 6 else "center"
    )
    for label in ax.get_xticklabels():
        label.set_fontproperties(small)
    ax.set_ylabel("人次", fontproperties=font)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, fontproperties=font)
    ax.legend(legend, prop=small)
    return _png(fig)


# --- the document ----------------------------------------------------------------------------


def _east_asian(rpr, name: str) -> None:
    """Name the font for ASCII and East Asian text alike, dropping theme fonts."""
    from docx.oxml.ns import qn

    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _style(doc, name: str, font: str, size: float, *, bold: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    style = doc.styles[name]
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    _east_asian(style.element.get_or_add_rPr(), font)


def _run(paragraph, text: str, *, font: str | None = None, size=None, bold=None, grey=False):
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    if font:
        _east_asian(run._element.get_or_add_rPr(), font)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if grey:
        run.font.color.rgb = RGBColor(0x80, 0x80, 0x80)
    return run


def _placeholder(doc, text: str):
    p = doc.add_paragraph()
    _run(p, f"{PLACEHOLDER}{text}", grey=True)
    return p


def _table(doc, header, rows, *, widths=None, size: float = 9, text_columns: int = 1):
    """A bordered table: bold header repeated on each page; the first ``text_columns``
    columns left-aligned, the figures after them right-aligned."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(marker)
    # row.cells once per row: table.cell(r, c) walks the whole table on every call.
    for r, (row, values) in enumerate(zip(table.rows, [header, *rows], strict=True)):
        for c, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            p = cell.paragraphs[0]
            _plain(p)
            _run(p, text, font=TABLE_FONT, size=size, bold=(r == 0 or values[0] == "合计"))
            if r == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif c >= text_columns:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if widths:
                cell.width = Cm(widths[c])
    return table


def _plain(paragraph):
    """No first-line indent, single spacing: for table cells, pictures and captions."""
    fmt_ = paragraph.paragraph_format
    fmt_.first_line_indent = 0
    fmt_.line_spacing = 1.0
    return paragraph


def _picture(doc, png: bytes, caption: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc.add_picture(io.BytesIO(png), width=Cm(15))
    _plain(doc.paragraphs[-1]).alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = _plain(doc.add_paragraph())
    _run(p, caption, font=TABLE_FONT, size=10)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _setup(doc) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _style(doc, "Normal", BODY_FONT, 14)
    normal = doc.styles["Normal"].paragraph_format
    normal.first_line_indent = Pt(28)
    normal.space_after = Pt(0)
    normal.line_spacing = 1.3
    _style(doc, "Title", TITLE_FONT, 22, bold=True)
    _style(doc, "Heading 1", HEADING_FONT, 16)
    _style(doc, "Heading 2", BODY_FONT, 15, bold=True)
    for name in ("Title", "Heading 1", "Heading 2"):
        fmt_ = doc.styles[name].paragraph_format
        fmt_.first_line_indent = Pt(0)
        fmt_.space_before, fmt_.space_after = Pt(12), Pt(6)
    # The Title style underlines with a border in the default template: none in a 公文.
    ppr = doc.styles["Title"].element.pPr
    border = ppr.find(qn("w:pBdr")) if ppr is not None else None
    if border is not None:
        ppr.remove(border)


def _heading(doc, text: str, level: int = 1):
    p = doc.add_paragraph(style=f"Heading {level}")
    _run(p, text)
    return p


def build(data: ReportData) -> bytes:
    """The .docx of ``data`` (see the module docstring for its sections)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    cjk_font()  # refuse before drawing anything when the charts cannot be drawn
    region, year = data.region, data.year
    doc = Document()
    _setup(doc)
    title_text = f"{region.name}{year}年度技能扶贫工作总结"
    doc.core_properties.title = title_text
    doc.core_properties.author = "技能扶贫管理信息系统"
    doc.core_properties.keywords = f"{region.code} {year}"

    title = doc.add_paragraph(style="Title")
    _run(title, title_text)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = _plain(doc.add_paragraph())
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(
        sub,
        f"（{region.full_name()} · 区划代码 {region.code} · 数据截至{_day(data.as_of)}）",
        size=12,
    )

    f = {r.key: r for r in data.figures}
    lead = doc.add_paragraph()
    _run(
        lead,
        f"{year}年（截至{_day(data.as_of)}），{region.name}组织贫困劳动力参加技能培训"
        f"{fmt(f[Metric.TRAINEES].value)}人次，结业{fmt(f[Metric.COMPLETIONS].value)}人次，"
        f"取得证书{fmt(f[Metric.CERTIFICATES].value)}人，培训后实现就业"
        f"{fmt(f[Metric.EMPLOYED_AFTER_TRAINING].value)}人，转移就业"
        f"{fmt(f[Metric.TRANSFER_EMPLOYMENT].value)}人，发放补贴"
        f"{fmt(f[Metric.SUBSIDIES_PAID].value, MONEY)}元；累计已培训劳动力"
        f"{fmt(f[CUMULATIVE].value)}人，应培尽培率{fmt(f[Metric.COVERAGE].value, PERCENT)}。",
    )
    _placeholder(doc, "工作开展的总体情况、主要做法和成效。")

    # 一、主要数据
    _heading(doc, "一、主要数据")
    _heading(doc, "（一）年度目标完成情况", 2)
    _table(
        doc,
        ["指标", f"{year}年完成", "年度目标", "完成目标比例"],
        [
            [r.label, fmt(r.value, r.kind), fmt_target(r.target, r.kind), fmt_rate(r.rate)]
            for r in data.figures
        ],
        widths=[6.2, 3.2, 3.2, 3],
        size=10.5,
    )
    trainees = f[Metric.TRAINEES]
    if data.phased:
        text = f"按实施阶段安排，截至{_day(data.as_of)}应完成年度目标的{fmt_rate(data.board.expected)}；"
    else:
        text = ""
    if trainees.target:
        text += f"培训人数已完成年度目标的{fmt_rate(trainees.rate)}。"
    else:
        text += "本年度未下达培训人数目标。"
    _run(doc.add_paragraph(), text)
    if data.action_figures:
        _heading(doc, "（二）三年行动（2018—2020年）目标完成情况", 2)
        _table(
            doc,
            ["指标", "2018年以来累计", "行动目标", "完成目标比例"],
            [
                [r.label, fmt(r.value, r.kind), fmt_target(r.target, r.kind), fmt_rate(r.rate)]
                for r in data.action_figures
            ],
            widths=[6.2, 3.2, 3.2, 3],
            size=10.5,
        )
    _picture(
        doc,
        trend_chart(data.trend, title=f"{region.name}{year}年培训人数月度趋势"),
        f"图1  {year}年各月培训人数",
    )

    # 二、分县情况
    _heading(doc, CHILD_HEADINGS.get(region.level, "二、分县情况"))
    if data.children:
        column = CHILD_COLUMN[region.level]
        header = [column, "培训人数", "年度目标", "完成率"] + [label for _m, label in CHILD_METRICS]
        rows = []
        for c in data.children:
            rate = fmt_rate(c.rate) + ("（慢）" if c.slow else "")
            rows.append(
                [c.region.name, fmt(c.trainees), fmt_target(c.target, COUNT), rate]
                + [
                    fmt(c.values[m], MONEY if m == Metric.SUBSIDIES_PAID else COUNT)
                    for m, _label in CHILD_METRICS
                ]
            )
        rows.append(
            [
                "合计",
                fmt(trainees.value),
                fmt_target(trainees.target, COUNT),
                fmt_rate(trainees.rate),
            ]
            + [
                fmt(data.child_totals[m], MONEY if m == Metric.SUBSIDIES_PAID else COUNT)
                for m, _label in CHILD_METRICS
            ]
        )
        _table(doc, header, rows, widths=[2.6, 1.5, 1.5, 1.8, 1.5, 1.5, 1.7, 1.5, 2.0], size=9)
        slow = [c.region.name for c in data.children if c.slow]
        if slow:
            _run(
                doc.add_paragraph(),
                f"培训人数完成率低于按阶段应完成比例{fmt_rate(progress.slow_below())}的（慢进度）："
                + "、".join(slow)
                + "。",
            )
        elif data.phased and any(c.target for c in data.children):
            _run(doc.add_paragraph(), "各地培训人数均未低于按阶段应完成的进度。")
        _picture(
            doc,
            children_chart(data.children, title=f"{region.name}{year}年分地区培训人数"),
            f"图2  {year}年分地区培训人数"
            + ("与年度目标" if any(c.target for c in data.children) else ""),
        )
    else:
        _run(doc.add_paragraph(), "本区划无下级区划数据。")

    # 三、分职业情况
    _heading(doc, "三、分职业情况")
    if data.occupations:
        total = sum(r.trainees for r in data.occupations)
        rows = [
            [r.name, r.code, fmt(r.classes), fmt(r.trainees), fmt(r.completed), fmt_rate(r.share)]
            for r in data.occupations
        ]
        rows.append(
            [
                "合计",
                "",
                fmt(sum(r.classes for r in data.occupations)),
                fmt(total),
                fmt(sum(r.completed for r in data.occupations)),
                fmt_rate(Decimal(1)),
            ]
        )
        _table(
            doc,
            ["职业(工种)", "职业编码", "培训班次", "培训人数", "其中已结业", "占比"],
            rows,
            widths=[4.4, 2.6, 2, 2.2, 2.2, 2.2],
            size=10,
            text_columns=2,
        )
        _run(
            doc.add_paragraph(),
            "注：按开班日期在统计期内的培训班统计，人数按学员户籍所在地计；"
            "一人参加多个培训班的按人次计。",
            size=10.5,
        )
    else:
        _run(doc.add_paragraph(), "统计期内无培训记录。")

    # 四、工作亮点
    _heading(doc, "四、工作亮点")
    for i, h in enumerate(data.highlights, 1):
        p = doc.add_paragraph()
        _run(p, f"（{_cn_number(i)}）{h.title}", bold=True)
        if h.region_code != region.code:
            _run(p, f"（{h.region.name}）")
        for para in [t for t in h.body.splitlines() if t.strip()]:
            _run(doc.add_paragraph(), para.strip())
    _placeholder(doc, "可补充本年度其他亮点经验和典型案例。")

    # 五、存在问题与下一步打算
    _heading(doc, "五、存在问题与下一步打算")
    _heading(doc, "（一）存在的问题", 2)
    _placeholder(doc, "工作中存在的主要问题和困难。")
    _heading(doc, "（二）下一步打算", 2)
    _placeholder(doc, "下一步工作打算和措施。")

    source = doc.add_paragraph()
    rebuilt = (
        timezone.localtime(data.rebuilt_at).strftime("%Y-%m-%d %H:%M")
        if data.rebuilt_at
        else "未生成"
    )
    _run(
        source,
        f"数据来源：技能扶贫管理信息系统，统计期{_day(data.start)}至{_day(data.end)}（按整月），"
        f"统计汇总更新于{rebuilt}；人数按贫困劳动力户籍所在地统计。",
        size=10.5,
        grey=True,
    )
    office = "人力资源和社会保障厅" if region.level == "province" else "人力资源和社会保障局"
    doc.add_paragraph()
    for text in (f"{region.name}{office}", "年    月    日"):
        p = _plain(doc.add_paragraph())
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(p, text)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _cn_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def render(region: Region, year: int, *, as_of: date) -> bytes:
    """The .docx bytes of ``region``'s summary for ``year`` as of ``as_of``."""
    with translation.override("zh-hans"):
        return build(collect(region, year, as_of=as_of))
