"""Imports of training ledgers: ``jifu import institutions | classes | enrolments``.

The same contract as the person import (``jifu.core.importing``, see
``jifu.registry.importers``): ``jifu.core.spreadsheet`` finds the header and
reads the rows; each row is checked here, with the rules of
``training.rules`` where they apply; rows are upserted by their natural key in
batches that each commit or roll back whole, with one audit event per batch.

The whole file is read and checked before anything is written, so a file that
turns out unusable halfway (a corrupt sheet, a broken CSV line) writes
nothing. A key listed twice is applied once — the later row wins — and the
earlier row counts as a duplicate with a warning. Blank optional cells and
absent optional columns leave what is stored as it is, so re-importing a file
(or a shorter version of it) never erases data.
"""

import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone, translation

from jifu.audit import services as audit
from jifu.core import creditcode, idnumber
from jifu.core import spreadsheet as sheet
from jifu.core.importing import ImportReport, RowWarning
from jifu.core.spreadsheet import CellError, FieldSpec
from jifu.regions import codes as region_codes
from jifu.regions.lookup import canonical_code
from jifu.regions.models import Region
from jifu.registry import services as registry_services
from jifu.registry.models import Person

from . import rules
from .choices import (
    AssessmentResult,
    CertificateKind,
    ClassStatus,
    DeliveryMode,
    EnrolmentSource,
    EnrolmentStatus,
    InstitutionKind,
    InstitutionStatus,
    TrainingType,
    parse_level,
)
from .models import Assessment, Certificate, Enrolment, Institution, Occupation, TrainingClass

BATCH_SIZE = 2000
MAX_SMALL = 32767  # PositiveSmallIntegerField
_LIST_SPLIT = re.compile(r"[、,，;；\s]+")


def _options(choices, synonyms: dict[str, str]) -> dict[str, str]:
    # Ledgers are written in Chinese whatever language the uploader's UI is in.
    with translation.override("zh-hans"):
        opts = {str(label): value for value, label in choices}
    opts.update(synonyms)
    return opts


_K = InstitutionKind
KIND_OPTIONS = _options(
    _K.choices,
    {
        "技校": _K.TECHNICAL_SCHOOL, "技工学校": _K.TECHNICAL_SCHOOL, "高级技工学校": _K.TECHNICAL_SCHOOL,
        "技师学院": _K.TECHNICAL_SCHOOL, "技工院校": _K.TECHNICAL_SCHOOL,
        "培训学校": _K.PRIVATE, "民办培训学校": _K.PRIVATE, "民办职业培训学校": _K.PRIVATE,
        "职业培训学校": _K.PRIVATE, "民办培训机构": _K.PRIVATE, "民办": _K.PRIVATE, "培训机构": _K.PRIVATE,
        "企业培训中心": _K.ENTERPRISE, "公司": _K.ENTERPRISE,
        "实训基地": _K.PUBLIC_BASE, "公共实训中心": _K.PUBLIC_BASE,
        "技能人才培训基地": _K.HIGH_SKILL_BASE, "高技能人才基地": _K.HIGH_SKILL_BASE,
        "孵化基地": _K.INCUBATOR, "创业孵化园": _K.INCUBATOR,
        "扶贫车间": _K.WORKSHOP, "车间": _K.WORKSHOP,
    },
)  # fmt: skip
_T = TrainingType
TYPE_OPTIONS = _options(
    _T.choices,
    {
        "就业技能": _T.EMPLOYMENT, "技能培训": _T.EMPLOYMENT, "创业": _T.ENTREPRENEURSHIP,
        "岗前": _T.PRE_JOB, "学徒制": _T.APPRENTICESHIP, "新型学徒制": _T.APPRENTICESHIP,
        "技能提升": _T.UPGRADE, "岗位技能提升培训": _T.UPGRADE, "农业实用技术培训": _T.AGRICULTURE,
        "农村实用技术培训": _T.AGRICULTURE, "实用技术培训": _T.AGRICULTURE,
        "妇女特色培训": _T.WOMEN, "居家妇女培训": _T.WOMEN,
    },
)  # fmt: skip
_D = DeliveryMode
MODE_OPTIONS = _options(
    _D.choices,
    {
        "集中": _D.CENTRAL, "集中培训": _D.CENTRAL, "送教下乡": _D.TO_VILLAGE, "送培下乡": _D.TO_VILLAGE,
        "大篷车": _D.CARAVAN, "师傅带徒弟": _D.MENTOR, "车间培训": _D.WORKSHOP,
        "线上培训": _D.ONLINE, "网络培训": _D.ONLINE,
    },
)  # fmt: skip
RESULT_OPTIONS = _options(
    AssessmentResult.choices,
    {"通过": AssessmentResult.PASS, "考核合格": AssessmentResult.PASS,
     "未通过": AssessmentResult.FAIL, "考核不合格": AssessmentResult.FAIL},
)  # fmt: skip
CERT_OPTIONS = _options(
    CertificateKind.choices,
    {"职业资格证书": CertificateKind.QUALIFICATION, "职业资格证": CertificateKind.QUALIFICATION,
     "技能等级证书": CertificateKind.SKILL_LEVEL, "等级证书": CertificateKind.SKILL_LEVEL,
     "专项能力证书": CertificateKind.SPECIAL, "专项职业能力": CertificateKind.SPECIAL,
     "培训合格证书": CertificateKind.TRAINING, "合格证": CertificateKind.TRAINING,
     "结业证": CertificateKind.TRAINING, "结业证书": CertificateKind.TRAINING},
)  # fmt: skip

# An imported class never moves backwards in the workflow (申报 → … → 考核完成).
_STATUS_RANK = {
    ClassStatus.DECLARED: 0, ClassStatus.REJECTED: 0, ClassStatus.APPROVED: 1,
    ClassStatus.RUNNING: 2, ClassStatus.COMPLETED: 3, ClassStatus.ASSESSED: 4,
}  # fmt: skip
_ENDED = (ClassStatus.COMPLETED, ClassStatus.ASSESSED)
_LEVELLED = (CertificateKind.QUALIFICATION, CertificateKind.SKILL_LEVEL)


class RowRejected(Exception):
    def __init__(self, column_key: str, message: str):
        super().__init__(message)
        self.column_key = column_key
        self.message = message


@dataclass
class Parsed:
    """One checked row: its natural key and the values it carries."""

    row: int
    key: object
    values: dict
    warnings: list[str] = field(default_factory=list)


@dataclass
class Changes:
    """What one batch wrote, for its audit event."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    rejected: int = 0
    regions: set[str] = field(default_factory=set)


def _plain(value) -> str:
    """Text for comparing names: NFKC, no whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", sheet.text(value)))


def _code(value) -> str:
    """A code cell (class, occupation, certificate number): NFKC, no whitespace, upper case."""
    return _plain(value).upper()


def _common_region(codes: set[str]) -> str:
    """The smallest region holding all ``codes`` (for the audit event), or ""."""
    if not codes:
        return ""
    prefix = os.path.commonprefix(sorted(codes))
    for length in (12, 9, 6, 4, 2):
        if len(prefix) >= length:
            return prefix[:length].ljust(12, "0")
    return ""


class _TrainingImport:
    """One run of an importer over one file; subclasses parse and apply rows."""

    fields: list[FieldSpec] = []
    object_type = ""
    title = ""
    key_label = ""  # what a duplicate has in common, for the warning

    def __init__(
        self,
        *,
        actor=None,
        scope_prefix: str | None = None,
        dry_run: bool = False,
        today: date | None = None,
        source_name: str = "",
        progress: Callable[[int], None] | None = None,
    ):
        self.actor = actor
        self.scope_prefix = scope_prefix or ""
        self.dry_run = dry_run
        self.today = today or timezone.localdate()
        self.source_name = source_name
        self.progress = progress
        self._regions: dict[str, Region | None] = {}
        self._occupations: dict[str, Occupation] | None = None

    # --- the run -------------------------------------------------------------
    def run(
        self, path_or_bytes, *, filename: str | None = None, engine: str = "calamine"
    ) -> ImportReport:
        report = ImportReport()
        parsed: list[Parsed] = []
        with sheet.open_ledger(
            path_or_bytes, self.fields, filename=filename, engine=engine
        ) as reader:
            self.columns = reader.columns
            self.epoch_1904 = reader.epoch_1904
            for row in reader.rows():
                report.rows += 1
                try:
                    parsed.append(self.parse(row))
                except RowRejected as exc:
                    report.reject(row.row, self.column(exc.column_key), exc.message)
        winners = self._later_rows_win(parsed, report)
        batches = [winners[i : i + BATCH_SIZE] for i in range(0, len(winners), BATCH_SIZE)] or [[]]
        done = 0
        for number, batch in enumerate(batches, start=1):
            with transaction.atomic():
                changes = self.apply(batch, report)
                if self.dry_run:
                    transaction.set_rollback(True)
                else:
                    self._audit(number, len(batches), changes)
            done += len(batch)
            if self.progress:
                self.progress(done)
        # A row's warnings matter only if the row went in.
        rejected = {e.row for e in report.errors}
        report.warnings.extend(
            RowWarning(p.row, w) for p in winners if p.row not in rejected for w in p.warnings
        )
        report.errors.sort(key=lambda e: e.row)
        report.warnings.sort(key=lambda w: w.row)
        report.check_totals()
        return report

    def _later_rows_win(self, parsed: list[Parsed], report: ImportReport) -> list[Parsed]:
        last = {p.key: p.row for p in parsed}
        winners = []
        for p in parsed:
            if last[p.key] != p.row:
                report.duplicates += 1
                report.warnings.append(
                    RowWarning(
                        p.row,
                        f"{self.key_label}与第 {last[p.key]} 行相同，以第 {last[p.key]} 行为准",
                    )
                )
                continue
            winners.append(p)
        return winners

    def _audit(self, number: int, total: int, changes: Changes) -> None:
        audit.record(
            "import",
            actor=self.actor,
            object_type=self.object_type,
            object_repr=f"{self.title} {self.source_name}".strip()[:200],
            region_code=_common_region(changes.regions)
            or (self.scope_prefix.ljust(12, "0") if self.scope_prefix else ""),
            message=f"第 {number}/{total} 批",
            after={
                "created": changes.created,
                "updated": changes.updated,
                "unchanged": changes.unchanged,
                "rejected": changes.rejected,
            },
        )

    # --- to implement ----------------------------------------------------------
    def parse(self, row: sheet.SheetRow) -> Parsed:
        raise NotImplementedError

    def apply(self, batch: list[Parsed], report: ImportReport) -> Changes:
        raise NotImplementedError

    # --- helpers for rows -----------------------------------------------------
    def column(self, key: str) -> str:
        """The column as it stands in the file (its template header when absent)."""
        if key in self.columns:
            return self.columns[key]
        return next((f.header for f in self.fields if f.key == key), key)

    def has(self, row, key: str) -> bool:
        """Whether the row gives a value for ``key`` (its column is there and the cell not blank)."""
        return bool(sheet.text(row.values.get(key)))

    def cell(self, row, key: str, func, *args, **kwargs):
        try:
            return func(row.values.get(key), *args, **kwargs)
        except CellError as exc:
            raise RowRejected(key, exc.message) from None

    def required_text(self, row, key: str, what: str, max_length: int) -> str:
        value = self.cell(row, key, sheet.text)
        if not value:
            raise RowRejected(key, f"{what}不能为空")
        if len(value) > max_length:
            raise RowRejected(key, f"{what}不能超过 {max_length} 个字")
        return value

    def choice(self, row, key: str, options, what: str, required: bool = True) -> str:
        value = self.cell(row, key, sheet.choice, options)
        if not value and required:
            raise RowRejected(key, f"{what}不能为空")
        return value

    def date(self, row, key: str, what: str, required: bool = False) -> date | None:
        value = self.cell(row, key, sheet.date_value, epoch_1904=self.epoch_1904)
        if value is None and required:
            raise RowRejected(key, f"{what}不能为空")
        return value

    def small_int(self, row, key: str, what: str) -> int | None:
        value = self.cell(row, key, sheet.integer)
        if value is not None and value > MAX_SMALL:
            raise RowRejected(key, f"{what}“{value}”过大")
        return value

    def level(self, row, key: str) -> int | None:
        try:
            return parse_level(row.values.get(key))
        except ValueError as exc:
            raise RowRejected(key, str(exc)) from None

    def credit_code(self, row, key: str) -> str:
        if not self.has(row, key):
            raise RowRejected(key, "统一社会信用代码不能为空")
        try:
            return creditcode.normalize(sheet.text(row.values.get(key)))
        except creditcode.CreditCodeError as exc:
            raise RowRejected(key, exc.message_zh) from None

    def region(self, row, key: str, what: str) -> Region:
        raw = sheet.text(row.values.get(key))
        if not raw:
            raise RowRejected(key, f"{what}不能为空")
        if raw not in self._regions:
            try:
                code = canonical_code(raw)
            except region_codes.RegionCodeError as exc:
                raise RowRejected(key, exc.message_zh) from None
            self._regions[raw] = Region.objects.filter(code=code).first()
        region = self._regions[raw]
        if region is None:
            raise RowRejected(key, f"区划代码“{raw}”不存在")
        if self.scope_prefix and not region.code.startswith(self.scope_prefix):
            raise RowRejected(key, f"{region.name}不在您的管辖范围内")
        return region

    def occupation(self, code: str, key: str) -> Occupation:
        if self._occupations is None:
            self._occupations = {o.code: o for o in Occupation.objects.all()}
        found = self._occupations.get(code)
        if found is None:
            raise RowRejected(key, f"职业编码“{code}”不在职业目录中")
        if not found.active:
            raise RowRejected(key, f"职业“{found.name}”（{found.code}）已停用")
        return found


def _count(report: ImportReport, changes: Changes, outcome: str, key: str) -> None:
    setattr(report, outcome, getattr(report, outcome) + 1)
    if outcome == "unchanged":
        changes.unchanged += 1
    else:
        getattr(changes, outcome).append(key)


def _reject(report: ImportReport, changes: Changes, row: int, column: str, message: str) -> None:
    report.reject(row, column, message)
    changes.rejected += 1


def _set_changed(obj, values: dict) -> bool:
    """Copy ``values`` onto ``obj``; True when any differed (relations compared by key, without a query)."""
    changed = False
    for name, value in values.items():
        current = (
            getattr(obj, f"{name}_id") if isinstance(value, models.Model) else getattr(obj, name)
        )
        if current != (value.pk if isinstance(value, models.Model) else value):
            setattr(obj, name, value)
            changed = True
    return changed


def _with_pks(model, objs: list, key_field: str) -> None:
    """bulk_create sets primary keys where the database returns them; look up the rest."""
    missing = [o for o in objs if o.pk is None]
    if missing:
        pks = dict(
            model.objects.filter(
                **{f"{key_field}__in": [getattr(o, key_field) for o in missing]}
            ).values_list(key_field, "pk")
        )
        for o in missing:
            o.pk = pks[getattr(o, key_field)]


# --- institutions -----------------------------------------------------------------

INSTITUTION_FIELDS = [
    FieldSpec("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码", "统一信用代码", "机构信用代码"), required=True),
    FieldSpec("name", "机构名称", ("培训机构名称", "单位名称", "培训机构", "机构"), required=True),
    FieldSpec("kind", "机构类型", ("类型", "机构类别", "单位类型", "机构性质"), required=True),
    FieldSpec("licence_no", "办学许可证号", ("许可证号", "办学许可证编号", "办学许可证", "许可证编号")),
    FieldSpec("licence_valid_until", "许可证有效期至", ("有效期至", "许可证有效期", "有效期", "许可证到期日期")),
    FieldSpec("occupations", "核准职业编码", ("核准职业", "核准工种", "核准培训职业", "核准职业(工种)", "职业编码")),
    FieldSpec("region_code", "所在区划代码", ("区划代码", "行政区划代码", "所在地区划代码"), required=True),
    FieldSpec("contact_name", "联系人", ("联系人姓名", "负责人")),
    FieldSpec("contact_phone", "联系电话", ("电话", "联系方式", "手机", "手机号码", "联系人电话")),
]  # fmt: skip


class InstitutionImport(_TrainingImport):
    """Upsert institutions by credit code, with their approved occupations.

    Written in bulk, not through ``services.save_institution``: that one locks,
    saves and audits row by row, and a batch here is audited once.
    """

    fields = INSTITUTION_FIELDS
    object_type = "training.institution"
    title = "培训机构导入"
    key_label = "统一社会信用代码"

    def parse(self, row) -> Parsed:
        credit_code = self.credit_code(row, "credit_code")
        region = self.region(row, "region_code", "所在区划代码")
        if region.level == "province":
            raise RowRejected("region_code", "所在区划应为市州、县、乡镇或村")
        values = {
            "name": self.required_text(row, "name", "机构名称", 100),
            "kind": self.choice(row, "kind", KIND_OPTIONS, "机构类型"),
            "region": region,
            "region_code": region.code,
        }
        if self.has(row, "licence_no"):
            values["licence_no"] = self.required_text(row, "licence_no", "办学许可证号", 50)
        if self.has(row, "licence_valid_until"):
            values["licence_valid_until"] = self.date(row, "licence_valid_until", "许可证有效期")
        if self.has(row, "contact_name"):
            values["contact_name"] = self.cell(row, "contact_name", sheet.name)[:40]
        if self.has(row, "contact_phone"):
            values["contact_phone"] = self.cell(row, "contact_phone", sheet.phone)
        occupations = None
        if self.has(row, "occupations"):
            text = unicodedata.normalize("NFKC", sheet.text(row.values["occupations"])).upper()
            codes = [c for c in _LIST_SPLIT.split(text) if c]
            occupations = {self.occupation(c, "occupations").pk for c in codes}
        return Parsed(row.row, credit_code, {"fields": values, "occupations": occupations})

    def apply(self, batch, report) -> Changes:
        changes = Changes()
        through = Institution.occupations.through
        existing = {
            i.credit_code: i
            for i in Institution.objects.filter(credit_code__in=[p.key for p in batch])
        }
        approved: dict[int, set[int]] = {}
        for inst_id, occ_id in through.objects.filter(
            institution__in=existing.values()
        ).values_list("institution_id", "occupation_id"):
            approved.setdefault(inst_id, set()).add(occ_id)
        new, changed, new_scopes, changed_scopes = [], [], {}, {}
        for p in batch:
            fields, occupations = p.values["fields"], p.values["occupations"]
            institution = existing.get(p.key)
            changes.regions.add(fields["region_code"])
            if institution is None:
                institution = Institution(
                    credit_code=p.key, status=InstitutionStatus.ACTIVE, **fields
                )
                new.append(institution)
                new_scopes[p.key] = occupations or set()
                _count(report, changes, "created", p.key)
                continue
            dirty = _set_changed(institution, fields)
            if dirty:
                changed.append(institution)
            if occupations is not None and occupations != approved.get(institution.pk, set()):
                changed_scopes[institution.pk] = occupations
                dirty = True
            _count(report, changes, "updated" if dirty else "unchanged", p.key)
        Institution.objects.bulk_create(new, batch_size=500)
        _with_pks(Institution, new, "credit_code")
        if changed:
            Institution.objects.bulk_update(
                changed,
                ["name", "kind", "region", "region_code", "licence_no", "licence_valid_until",
                 "contact_name", "contact_phone"],
                batch_size=500,
            )  # fmt: skip
        changed_scopes.update({i.pk: new_scopes[i.credit_code] for i in new})
        through.objects.filter(institution_id__in=list(changed_scopes)).delete()
        through.objects.bulk_create(
            [
                through(institution_id=i, occupation_id=o)
                for i, occs in changed_scopes.items()
                for o in sorted(occs)
            ],
            batch_size=1000,
        )
        return changes


# --- classes ------------------------------------------------------------------------

CLASS_FIELDS = [
    FieldSpec("code", "班级编号", ("班级代码", "培训班编号", "班号", "班级号", "培训班代码"), required=True),
    FieldSpec("credit_code", "培训机构统一社会信用代码",
              ("统一社会信用代码", "机构统一社会信用代码", "培训机构信用代码", "机构信用代码", "信用代码"), required=True),
    FieldSpec("institution_name", "培训机构名称", ("培训机构", "机构名称", "承训机构", "承训机构名称")),
    FieldSpec("occupation_code", "职业编码", ("工种编码", "职业代码", "职业(工种)编码", "工种代码"), required=True),
    FieldSpec("occupation_name", "职业(工种)", ("职业", "工种", "培训工种", "培训职业", "职业名称", "工种名称")),
    FieldSpec("level", "等级", ("培训等级", "技能等级", "职业等级")),
    FieldSpec("training_type", "培训类型", ("培训类别", "培训种类"), required=True),
    FieldSpec("delivery_mode", "培训方式", ("办班方式", "培训形式", "办班形式"), required=True),
    FieldSpec("place_code", "培训地点区划代码", ("培训地点代码", "培训地点", "地点区划代码", "培训地区划代码"), required=True),
    FieldSpec("start_date", "开班日期", ("开班时间", "开始日期", "培训开始日期", "开训日期"), required=True),
    FieldSpec("end_date", "结业日期", ("结业时间", "结束日期", "培训结束日期"), required=True),
    FieldSpec("theory_hours", "理论课时", ("理论学时",)),
    FieldSpec("practice_hours", "实操课时", ("实操学时", "实训课时", "实训学时", "实践课时")),
    FieldSpec("safety_hours", "安全课时", ("安全学时", "安全教育课时", "安全教育学时")),
    FieldSpec("capacity", "计划人数", ("计划培训人数", "班级人数", "培训人数", "计划招生人数"), required=True),
]  # fmt: skip
_CLASS_FIELDS = [
    "institution", "occupation", "level", "training_type", "delivery_mode", "place", "place_code",
    "start_date", "end_date", "theory_hours", "practice_hours", "safety_hours", "capacity", "status",
]  # fmt: skip


class ClassImport(_TrainingImport):
    """Upsert classes by 班级编号; each must pass the rules a county applies when approving.

    A class arrives with the status its dates give it on ``today``: ended →
    completed, started → running, not yet started → approved; it never moves
    back in the workflow (an assessed class stays assessed).
    """

    fields = CLASS_FIELDS
    object_type = "training.trainingclass"
    title = "培训班导入"
    key_label = "班级编号"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._institutions: dict[str, Institution | None] = {}

    def parse(self, row) -> Parsed:
        code = _code(row.values.get("code"))
        if not code:
            raise RowRejected("code", "班级编号不能为空")
        if len(code) > 40:
            raise RowRejected("code", "班级编号不能超过 40 个字符")
        credit_code = self.credit_code(row, "credit_code")
        if credit_code not in self._institutions:
            self._institutions[credit_code] = Institution.objects.filter(
                credit_code=credit_code
            ).first()
        institution = self._institutions[credit_code]
        if institution is None:
            raise RowRejected("credit_code", f"培训机构 {credit_code} 尚未登记，请先导入培训机构")
        warnings = []
        written = _plain(row.values.get("institution_name"))
        if written and written != _plain(institution.name):
            warnings.append(
                f"培训机构名称“{written}”与登记的“{institution.name}”不一致，以统一社会信用代码为准"
            )
        occupation_code = _code(row.values.get("occupation_code"))
        if not occupation_code:
            raise RowRejected("occupation_code", "职业编码不能为空")
        occupation = self.occupation(occupation_code, "occupation_code")
        written = _plain(row.values.get("occupation_name"))
        if written and written != _plain(occupation.name):
            raise RowRejected(
                "occupation_name",
                f"职业编码 {occupation.code} 是“{occupation.name}”，与“{written}”不符",
            )
        place = self.region(row, "place_code", "培训地点区划代码")
        if place.level not in ("township", "village"):
            raise RowRejected("place_code", "培训地点须为乡镇或村")
        start = self.date(row, "start_date", "开班日期", required=True)
        end = self.date(row, "end_date", "结业日期", required=True)
        if end < start:
            raise RowRejected("end_date", "结业日期不能早于开班日期")
        capacity = self.small_int(row, "capacity", "计划人数")
        if not capacity:
            raise RowRejected("capacity", "计划人数应为正整数")
        values = {
            "institution": institution,
            "occupation": occupation,
            "training_type": self.choice(row, "training_type", TYPE_OPTIONS, "培训类型"),
            "delivery_mode": self.choice(row, "delivery_mode", MODE_OPTIONS, "培训方式"),
            "place": place,
            "place_code": place.code,
            "start_date": start,
            "end_date": end,
            "capacity": capacity,
        }
        if self.has(row, "level"):
            values["level"] = self.level(row, "level")
        for key, what in (
            ("theory_hours", "理论课时"),
            ("practice_hours", "实操课时"),
            ("safety_hours", "安全课时"),
        ):
            if self.has(row, key):
                values[key] = self.small_int(row, key, what)
        return Parsed(row.row, code, values, warnings)

    def status_on_dates(self, start: date, end: date) -> str:
        if end < self.today:
            return ClassStatus.COMPLETED
        return ClassStatus.RUNNING if start <= self.today else ClassStatus.APPROVED

    def apply(self, batch, report) -> Changes:
        changes = Changes()
        existing = {
            c.code: c for c in TrainingClass.objects.filter(code__in=[p.key for p in batch])
        }
        new, changed = [], []
        for p in batch:
            values = dict(p.values)
            training_class = existing.get(p.key)
            safety = values.get(
                "safety_hours", training_class.safety_hours if training_class else 0
            )
            problem = rules.safety_hours_problem(values["occupation"], safety)
            if problem:
                _reject(report, changes, p.row, self.column("safety_hours"), problem)
                continue
            institution = values["institution"]
            problem = rules.institution_problem(
                institution, values["occupation"], values["start_date"]
            )
            if problem:
                # The institution's own state (status, licence) or the occupation is at fault.
                at_fault = (
                    "credit_code"
                    if institution.status != InstitutionStatus.ACTIVE
                    or (
                        institution.licence_valid_until
                        and institution.licence_valid_until < values["start_date"]
                    )
                    else "occupation_code"
                )
                _reject(report, changes, p.row, self.column(at_fault), problem)
                continue
            status = self.status_on_dates(values["start_date"], values["end_date"])
            changes.regions.add(values["place_code"])
            if training_class is None:
                new.append(TrainingClass(code=p.key, status=status, **values))
                _count(report, changes, "created", p.key)
                continue
            if _STATUS_RANK[status] > _STATUS_RANK[training_class.status]:
                values["status"] = status
            if _set_changed(training_class, values):
                changed.append(training_class)
                _count(report, changes, "updated", p.key)
            else:
                _count(report, changes, "unchanged", p.key)
        TrainingClass.objects.bulk_create(new, batch_size=500)
        if changed:
            TrainingClass.objects.bulk_update(changed, _CLASS_FIELDS, batch_size=500)
        return changes


# --- enrolments ---------------------------------------------------------------------

ENROLMENT_FIELDS = [
    FieldSpec("class_code", "班级编号", ("班级代码", "培训班编号", "班号", "班级号", "培训班代码"), required=True),
    FieldSpec("id_number", "身份证号码", ("身份证号", "公民身份号码", "证件号码", "身份证"), required=True),
    FieldSpec("name", "姓名", ("学员姓名", "人员姓名"), required=True),
    FieldSpec("enrolled_on", "报名日期", ("报名时间",)),
    FieldSpec("present", "出勤天数", ("实际出勤天数", "出勤", "实到天数")),
    FieldSpec("total", "应出勤天数", ("应到天数", "培训天数", "应出勤")),
    FieldSpec("result", "考核结果", ("结业考核结果", "考核情况", "是否合格")),
    FieldSpec("score", "考核成绩", ("成绩", "考核分数", "结业考核成绩")),
    FieldSpec("cert_kind", "证书类型", ("证书种类", "证书名称")),
    FieldSpec("cert_number", "证书编号", ("证书号", "证书号码", "证书编码")),
    FieldSpec("cert_level", "证书等级", ("证书级别",)),
    FieldSpec("issued_on", "发证日期", ("发证时间", "颁证日期", "取证日期")),
]  # fmt: skip


@dataclass
class _Taken:
    """An enrolment this run has accepted, for overlap and certificate checks across batches."""

    row: int
    class_id: int
    start: date
    end: date
    code: str


class EnrolmentImport(_TrainingImport):
    """Upsert enrolments by (class, person), with their attendance, assessment and certificate.

    A training day counts as one session. The assessment and the certificate
    follow the rules of the entry screens: the attendance threshold, a pass
    before a certificate, and a certificate number unique in the province.
    """

    fields = ENROLMENT_FIELDS
    object_type = "training.enrolment"
    title = "培训学员导入"
    key_label = "班级编号和身份证号码"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._classes: dict[str, TrainingClass | None] = {}
        # Across batches (which a dry run rolls back), what this run has accepted.
        self._taken: dict[int, list[_Taken]] = {}
        self._numbers: dict[str, tuple[int, int, int]] = {}  # number → (person, class, row)

    def parse(self, row) -> Parsed:
        code = _code(row.values.get("class_code"))
        if not code:
            raise RowRejected("class_code", "班级编号不能为空")
        if code not in self._classes:
            self._classes[code] = (
                TrainingClass.objects.select_related("institution", "occupation")
                .filter(code=code)
                .first()
            )
        training_class = self._classes[code]
        if training_class is None:
            raise RowRejected("class_code", f"培训班 {code} 不存在")
        if _STATUS_RANK[training_class.status] == 0:
            raise RowRejected(
                "class_code", f"培训班状态为“{training_class.get_status_display()}”，不能报名"
            )
        if self.scope_prefix and not training_class.place_code.startswith(self.scope_prefix):
            raise RowRejected("class_code", f"培训班 {code} 不在您的管辖范围内")
        try:
            number = idnumber.normalize(row.values.get("id_number"), today=self.today)
        except idnumber.IdNumberError as exc:
            raise RowRejected("id_number", exc.message_zh) from None
        name = self.cell(row, "name", sheet.name)
        if not name:
            raise RowRejected("name", "姓名不能为空")
        values = {"class": training_class, "name": name}
        values["enrolled_on"] = self.date(row, "enrolled_on", "报名日期")
        present = self.small_int(row, "present", "出勤天数")
        total = self.small_int(row, "total", "应出勤天数")
        if (present is None) != (total is None):
            missing = "total" if total is None else "present"
            raise RowRejected(missing, "出勤天数和应出勤天数须同时填写")
        if present is not None and present > total:
            raise RowRejected("present", f"出勤天数 {present} 多于应出勤天数 {total}")
        values["attendance"] = (present, total) if present is not None else None
        result = self.choice(row, "result", RESULT_OPTIONS, "考核结果", required=False)
        score = self.cell(row, "score", sheet.decimal_amount)
        if score is not None:
            if score > 100:
                raise RowRejected("score", f"考核成绩“{score}”应在 0–100 之间")
            if not result:
                raise RowRejected("result", "填写了考核成绩，须同时填写考核结果")
            score = score.quantize(Decimal("0.1"))
        values["assessment"] = (result, score) if result else None
        values["certificate"] = self._certificate(row)
        return Parsed(
            row.row, (training_class.pk, registry_services.id_number_index(number)), values
        )

    def _certificate(self, row) -> dict | None:
        number = _code(row.values.get("cert_number"))
        if not number:
            return None
        if len(number) > 40:
            raise RowRejected("cert_number", "证书编号不能超过 40 个字符")
        kind = self.choice(row, "cert_kind", CERT_OPTIONS, "证书类型", required=False)
        if not kind:
            raise RowRejected("cert_kind", "填写了证书编号，须同时填写证书类型")
        issued_on = self.date(row, "issued_on", "发证日期")
        if issued_on is None:
            raise RowRejected("issued_on", "填写了证书编号，须同时填写发证日期")
        if issued_on > self.today:
            raise RowRejected("issued_on", f"发证日期 {issued_on} 晚于今天")
        return {
            "number": number,
            "kind": kind,
            "level": self.level(row, "cert_level"),
            "issued_on": issued_on,
        }

    def apply(self, batch, report) -> Changes:
        changes = Changes()
        persons = {
            p.id_number_bidx: p
            for p in Person.objects.filter(id_number_bidx__in={p.key[1] for p in batch}).only(
                "pk", "name", "village_code", "status", "id_number_bidx"
            )
        }
        person_ids = [p.pk for p in persons.values()]
        class_ids = {p.key[0] for p in batch}
        existing = {
            (e.training_class_id, e.person_id): e
            for e in Enrolment.objects.filter(
                training_class_id__in=class_ids, person_id__in=person_ids
            )
        }
        assessments = {
            a.enrolment_id: a for a in Assessment.objects.filter(enrolment__in=existing.values())
        }
        numbers = {p.values["certificate"]["number"] for p in batch if p.values["certificate"]}
        certificates = {c.number: c for c in Certificate.objects.filter(number__in=numbers)}
        # Only persons with an enrolment elsewhere can overlap one in the database.
        enrolled_before = set(
            Enrolment.objects.active()
            .filter(person_id__in=person_ids)
            .values_list("person_id", flat=True)
        )
        writes = []
        for p in batch:
            person = persons.get(p.key[1])
            if person is None or person.name != p.values["name"]:
                _reject(
                    report, changes, p.row, self.column("id_number"), "实名库中没有此人或姓名不符"
                )
                continue
            try:
                write = self._check(p, person, existing, assessments, certificates, enrolled_before)
            except RowRejected as exc:
                _reject(report, changes, p.row, self.column(exc.column_key), exc.message)
                continue
            c = p.values["class"]
            if write["status"] != EnrolmentStatus.WITHDRAWN:
                self._taken.setdefault(person.pk, []).append(
                    _Taken(p.row, c.pk, c.start_date, c.end_date, c.code)
                )
            if write["certificate"]:
                self._numbers[write["certificate"]["number"]] = (person.pk, c.pk, p.row)
            changes.regions.add(c.place_code)
            writes.append(write)
        self._write(writes, certificates, report, changes)
        return changes

    def _check(self, p, person, existing, assessments, certificates, enrolled_before) -> dict:
        """All the rules for one row; returns what to write or raises ``RowRejected``."""
        c: TrainingClass = p.values["class"]
        enrolment = existing.get((c.pk, person.pk))
        ended = c.status in _ENDED
        if not ended:  # history stands even if the person has since left the registry
            problem = rules.person_problem(person)
            if problem:
                raise RowRejected("id_number", problem)
        enrolled_on = p.values["enrolled_on"] or (
            enrolment.enrolled_on if enrolment else min(c.start_date, self.today)
        )
        if enrolled_on > c.end_date:
            raise RowRejected("enrolled_on", f"报名日期 {enrolled_on} 晚于结业日期 {c.end_date}")
        if enrolled_on > self.today:
            raise RowRejected("enrolled_on", f"报名日期 {enrolled_on} 晚于今天")
        present, total = p.values["attendance"] or (
            (enrolment.sessions_present, enrolment.sessions_total) if enrolment else (0, 0)
        )
        days = (
            (min(c.end_date, self.today) - c.start_date).days + 1
            if c.start_date <= self.today
            else 0
        )
        # Counters kept in the system may count several sessions a day: only a ledger's days are checked.
        if p.values["attendance"] is not None and total > days:
            raise RowRejected("total", f"应出勤天数 {total} 多于培训班至今的培训天数 {days}")
        if enrolment is not None and enrolment.status == EnrolmentStatus.WITHDRAWN:
            # A withdrawal is decided in the system, not by a ledger.
            status = EnrolmentStatus.WITHDRAWN
        else:
            status = EnrolmentStatus.COMPLETED if ended else EnrolmentStatus.ENROLLED
        if status != EnrolmentStatus.WITHDRAWN:
            self._check_overlap(p, person, c, person.pk in enrolled_before)

        assessment = assessments.get(enrolment.pk) if enrolment else None
        stored = (assessment.result, assessment.score) if assessment else None
        result = p.values["assessment"]
        if result is not None and result[1] is None and stored is not None:
            result = (result[0], stored[1])  # a blank score keeps the stored one
        result = result or stored
        if result is not None:
            if not ended:
                raise RowRejected("result", "培训班结业后才能录入结业考核")
            problem = rules.attendance_problem(
                Enrolment(sessions_present=present, sessions_total=total)
            )
            if problem:
                raise RowRejected("result", problem)

        certificate = p.values["certificate"]
        if certificate is not None:
            if result is None or result[0] != AssessmentResult.PASS:
                raise RowRejected("cert_number", "学员结业考核合格后才能发证")
            if certificate["issued_on"] < c.end_date:
                raise RowRejected(
                    "issued_on", f"发证日期 {certificate['issued_on']} 早于结业日期 {c.end_date}"
                )
            self._check_number(certificate["number"], person, c, enrolment, certificates)
        return {
            "row": p.row, "key": f"{c.code}/{person.pk}", "class": c, "person": person, "enrolment": enrolment,
            "fields": {
                "status": status, "enrolled_on": enrolled_on, "sessions_present": present,
                "sessions_total": total, "village_code": person.village_code,
            },
            "status": status, "assessment": result if p.values["assessment"] else None,
            "existing_assessment": assessment,
            "certificate": certificate,
        }  # fmt: skip

    def _check_overlap(self, p, person, c, enrolled_before: bool) -> None:
        for other in self._taken.get(person.pk, ()):
            if other.class_id != c.pk and other.start <= c.end_date and other.end >= c.start_date:
                # The words of rules.overlap_problem, for a class met earlier in this file.
                raise RowRejected(
                    "class_code",
                    f"{person.name}已参加 {other.code}（{other.start}—{other.end}），日期重叠（见第 {other.row} 行）",
                )
        if enrolled_before:
            problem = rules.overlap_problem(person, c)
            if problem:
                raise RowRejected("class_code", problem)

    def _check_number(self, number, person, c, enrolment, certificates) -> None:
        claimed = self._numbers.get(number)
        if claimed is not None and claimed[:2] != (person.pk, c.pk):
            raise RowRejected("cert_number", f"证书编号重复：{number} 与第 {claimed[2]} 行相同")
        stored = certificates.get(number)
        if stored is None:
            return
        same = stored.person_id == person.pk and (
            stored.enrolment_id is None
            or (enrolment is not None and stored.enrolment_id == enrolment.pk)
        )
        if not same:
            raise RowRejected(
                "cert_number", f"证书编号重复：{number} 已登记在其他学员或其他培训班名下"
            )

    def _write(self, writes: list[dict], certificates: dict, report, changes: Changes) -> None:
        new = [
            Enrolment(
                training_class=w["class"],
                person=w["person"],
                source=EnrolmentSource.IMPORT,
                **w["fields"],
            )
            for w in writes
            if w["enrolment"] is None
        ]
        Enrolment.objects.bulk_create(new, batch_size=500)
        if any(e.pk is None for e in new):
            rows = Enrolment.objects.filter(
                training_class_id__in={e.training_class_id for e in new},
                person_id__in={e.person_id for e in new},
            ).values_list("training_class_id", "person_id", "pk")
            pks = {(c, p): pk for c, p, pk in rows}
            for e in new:
                e.pk = pks[(e.training_class_id, e.person_id)]
        created = iter(new)
        changed_enrolments, new_assessments, changed_assessments = [], [], []
        new_certificates, changed_certificates = [], []
        for w in writes:
            enrolment, dirty = w["enrolment"], False
            if enrolment is None:
                enrolment = next(created)
            elif _set_changed(enrolment, w["fields"]):
                changed_enrolments.append(enrolment)
                dirty = True
            if w["assessment"] is not None:
                result, score = w["assessment"]
                assessment = w["existing_assessment"]
                if assessment is None:
                    new_assessments.append(
                        Assessment(
                            enrolment=enrolment,
                            result=result,
                            score=score,
                            assessed_on=w["class"].end_date,
                        )
                    )
                    dirty = True
                elif _set_changed(assessment, {"result": result, "score": score}):
                    changed_assessments.append(assessment)
                    dirty = True
            if w["certificate"] is not None:
                c = w["class"]
                values = {
                    **w["certificate"], "person": w["person"], "enrolment": enrolment, "occupation": c.occupation,
                    "issuer": c.institution.name, "village_code": w["person"].village_code,
                }  # fmt: skip
                if values["level"] is None and values["kind"] in _LEVELLED:
                    values["level"] = (
                        c.level
                    )  # the class's level unless the certificate says otherwise
                stored = certificates.get(values["number"])
                if stored is None:
                    new_certificates.append(Certificate(**values))
                    dirty = True
                elif _set_changed(stored, values):
                    changed_certificates.append(stored)
                    dirty = True
            outcome = "created" if w["enrolment"] is None else ("updated" if dirty else "unchanged")
            _count(report, changes, outcome, w["key"])
        if changed_enrolments:
            Enrolment.objects.bulk_update(
                changed_enrolments,
                ["status", "enrolled_on", "sessions_present", "sessions_total", "village_code"],
                batch_size=500,
            )
        Assessment.objects.bulk_create(new_assessments, batch_size=500)
        if changed_assessments:
            Assessment.objects.bulk_update(changed_assessments, ["result", "score"], batch_size=500)
        Certificate.objects.bulk_create(new_certificates, batch_size=500)
        if changed_certificates:
            Certificate.objects.bulk_update(
                changed_certificates,
                [
                    "kind",
                    "person",
                    "enrolment",
                    "occupation",
                    "level",
                    "issuer",
                    "issued_on",
                    "village_code",
                ],
                batch_size=500,
            )


# --- entry points ----------------------------------------------------------------------


def _runner(cls):
    def run(
        path_or_bytes,
        *,
        actor=None,
        scope_prefix: str | None = None,
        dry_run: bool = False,
        filename: str | None = None,
        progress=None,
        engine: str = "calamine",
        today: date | None = None,
    ) -> ImportReport:
        job = cls(
            actor=actor,
            scope_prefix=scope_prefix,
            dry_run=dry_run,
            today=today,
            progress=progress,
            source_name=filename
            or (str(path_or_bytes) if not isinstance(path_or_bytes, bytes) else ""),
        )
        return job.run(path_or_bytes, filename=filename, engine=engine)

    run.__doc__ = f"Import a file with {cls.__name__}; see the module docstring for the contract."
    return run


import_institutions = _runner(InstitutionImport)
import_classes = _runner(ClassImport)
import_enrolments = _runner(EnrolmentImport)
