"""Import of person ledgers (台账): ``jifu import persons`` and the web upload.

Real ledgers are messy; ``jifu.core.spreadsheet`` finds the header and reads
the rows, this module validates each row and upserts households and persons
by ID number, in batches that each commit or roll back whole. The report
follows the contract in ``jifu.core.importing``.

A person listed twice in one file is applied once — the later row wins — and
the earlier row counts as a duplicate: each person's outcome (created,
updated, unchanged) is judged against the database as it was before the
import, whatever batches the person's rows fell into.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction
from django.utils import timezone, translation

from jifu.audit import services as audit
from jifu.core import crypto, idnumber
from jifu.core import spreadsheet as sheet
from jifu.core.bulk import insert_rows, update_column
from jifu.core.importing import ImportReport, RowWarning, UnusableFile
from jifu.core.spreadsheet import CellError, FieldSpec
from jifu.regions.models import Region

from . import services
from .choices import (
    ETHNIC_GROUPS,
    SYNONYMS,
    Education,
    EmploymentPlace,
    EmploymentStatus,
    Gender,
    LabourAbility,
    PersonStatus,
    PovertyStatus,
    Relation,
)
from .models import Household, HouseholdStatusPeriod, Person

BATCH_SIZE = 2000

TEMPLATE_HEADERS = [
    "县(市、区)",
    "乡(镇)",
    "村",
    "户编号",
    "户主姓名",
    "姓名",
    "身份证号码",
    "性别",
    "民族",
    "与户主关系",
    "文化程度",
    "联系电话",
    "贫困户属性",
    "脱贫年度",
    "劳动能力",
    "就业状态",
    "就业地点",
    "务工单位",
    "月收入(元)",
    "是否有培训意愿",
    "意愿培训工种",
    "是否有就业意愿",
    "是否有创业意愿",
    "银行账号",
    "帮扶责任人",
]

FIELDS = [
    FieldSpec("county", "县(市、区)", ("县", "县区", "县市区", "县(区)", "县（市、区）", "所属县")),
    FieldSpec("township", "乡(镇)", ("乡镇", "乡(镇、街道)", "乡镇(街道)", "乡镇街道", "所属乡镇")),
    FieldSpec("village", "村", ("村(社区)", "行政村", "村名", "村名称", "所属村", "村社区")),
    FieldSpec("household_no", "户编号", ("户码", "户号", "家庭户编号", "户编码"), required=True),
    FieldSpec("head_name", "户主姓名", ("户主",)),
    FieldSpec("name", "姓名", ("人员姓名", "成员姓名", "劳动力姓名"), required=True),
    FieldSpec(
        "id_number",
        "身份证号码",
        ("身份证号", "公民身份号码", "证件号码", "身份证号码(18位)", "身份证"),
        required=True,
    ),
    FieldSpec("gender", "性别"),
    FieldSpec("birth_date", "出生日期", ("出生年月", "出生年月日")),
    FieldSpec("ethnicity", "民族"),
    FieldSpec("relation", "与户主关系", ("与户主的关系", "家庭关系", "关系")),
    FieldSpec("education", "文化程度", ("学历", "受教育程度")),
    FieldSpec("phone", "联系电话", ("联系方式", "手机号码", "手机号", "手机", "电话", "电话号码")),
    FieldSpec("poverty_status", "贫困户属性", ("贫困属性", "户属性", "贫困户类型", "户类型")),
    FieldSpec("exit_year", "脱贫年度", ("脱贫年份", "脱贫时间", "计划脱贫年度")),
    FieldSpec("labour_ability", "劳动能力", ("劳动技能", "劳动力类型")),
    FieldSpec("employment_status", "就业状态", ("是否就业", "务工状态", "就业情况")),
    FieldSpec("employment_place", "就业地点", ("务工地点", "务工地域", "就业地域")),
    FieldSpec("employer", "务工单位", ("就业单位", "务工企业", "工作单位")),
    FieldSpec("monthly_income", "月收入(元)", ("月收入", "月均收入", "务工月收入", "月收入（元）")),
    FieldSpec("wants_training", "是否有培训意愿", ("培训意愿", "有无培训意愿")),
    FieldSpec("wanted_occupations", "意愿培训工种", ("培训意愿工种", "意愿工种", "希望培训工种")),
    FieldSpec("wants_job", "是否有就业意愿", ("就业意愿", "有无就业意愿")),
    FieldSpec("wants_business", "是否有创业意愿", ("创业意愿", "有无创业意愿")),
    FieldSpec("bank_account", "银行账号", ("银行卡号", "一卡通账号", "账号", "银行账户")),
    FieldSpec("helping_cadre", "帮扶责任人", ("帮扶人", "帮扶干部", "结对帮扶人")),
]

_PERSON_FIELDS = (
    "name",
    "name_initials",
    "gender",
    "birth_date",
    "ethnicity",
    "relation_to_head",
    "education",
    "phone_bidx",
    "health",
    "labour_ability",
    "employment_status",
    "employment_place",
    "employer",
    "monthly_income",
    "wants_training",
    "wanted_occupations",
    "wants_job",
    "wants_business",
    "bank_account_bidx",
    "village_code",
)
# Every column of a new person, for the fast insert path.
_INSERT_FIELDS = list(
    dict.fromkeys(
        [
            "household",
            "id_number_enc",
            "id_number_bidx",
            "id_number_masked",
            "phone_enc",
            "phone_masked",
            "bank_account_enc",
            "bank_account_masked",
            "status",
            "status_date",
            "created_at",
            "updated_at",
            *_PERSON_FIELDS,
        ]
    )
)
_REGION_SUFFIX = re.compile(r"(街道办事处|街道|社区居委会|居委会|村委会|社区|村|乡|镇|县|区|市)$")
_OCCUPATION_SPLIT = re.compile(r"[、,，;；/\s]+")


def _options(choices, synonyms: dict[str, str]) -> dict[str, str]:
    # Ledgers are written in Chinese whatever language the uploader's UI is in.
    with translation.override("zh-hans"):
        opts = {str(label): value for value, label in choices if value}
    opts.update(synonyms)
    return opts


OPTIONS = {
    "gender": _options(Gender.choices, SYNONYMS["gender"]),
    "relation": _options(Relation.choices, SYNONYMS["relation"]),
    "education": _options(Education.choices, SYNONYMS["education"]),
    "poverty_status": _options(PovertyStatus.choices, SYNONYMS["poverty_status"]),
    "labour_ability": _options(LabourAbility.choices, SYNONYMS["labour_ability"]),
    "employment_status": _options(EmploymentStatus.choices, SYNONYMS["employment_status"]),
    "employment_place": _options(EmploymentPlace.choices, SYNONYMS["employment_place"]),
}
ETHNIC = {e: e for e in ETHNIC_GROUPS} | {
    e[:-1]: e for e in ETHNIC_GROUPS if e.endswith("族") and len(e) > 2
}


def _plain(name: str) -> str:
    """Region name without its 县/乡/镇/村 suffix, for matching names written either way."""
    text = unicodedata.normalize("NFKC", name).strip().replace(" ", "")
    stripped = _REGION_SUFFIX.sub("", text)
    return stripped or text


def _short(name: str) -> str:
    """The everyday name of an autonomous county: 张家川回族自治县 → 张家川, 东乡族自治县 → 东乡.

    Ledgers write 张家川县 or 东乡县; the official name carries the ethnic groups.
    """
    text = unicodedata.normalize("NFKC", name).strip()
    if not text.endswith("自治县"):
        return _plain(text)
    rest = text[: -len("自治县")]
    last = ""
    while True:
        group = next((e for e in ETHNIC_GROUPS if rest.endswith(e) and e != rest[-1:]), None)
        if group is None:
            break
        last, rest = group, rest[: -len(group)]
    return rest or last[:-1]


class RegionNotFound(LookupError):
    def __init__(self, column_key: str, message: str):
        super().__init__(message)
        self.column_key = column_key


_MISS = object()
# Columns with few distinct values: their normalised results are remembered.
_MEMO_KEYS = frozenset(
    {
        "gender",
        "birth_date",
        "ethnicity",
        "relation",
        "education",
        "poverty_status",
        "exit_year",
        "labour_ability",
        "employment_status",
        "employment_place",
        "employer",
        "monthly_income",
        "wants_training",
        "wanted_occupations",
        "wants_job",
        "wants_business",
        "helping_cadre",
        "head_name",
    }
)


@dataclass(frozen=True)
class _Refusal:
    """A remembered refusal (a fresh RowRejected is raised each time)."""

    message: str
    column_key: str = ""


def _choice_or_blank(value, options) -> str:
    return sheet.choice(value, options) if sheet.text(value) else ""


class RowRejected(Exception):
    def __init__(self, column_key: str, message: str):
        super().__init__(message)
        self.column_key = column_key
        self.message = message


class RegionMatcher:
    """Finds county, township and village by name, each within its parent.

    A name matches exactly, or without its 县/乡/镇/村 suffix, or (autonomous
    counties) by its everyday name (东乡县 = 东乡族自治县). A name that matches
    more than one region is an error, never a guess.
    """

    def __init__(self, counties: Iterable[Region]):
        self.counties = {c.code: c for c in counties}
        self._by_name: dict[str, dict[str, list[Region]]] = {}
        self._children: dict[str, dict[str, dict[str, list[Region]]]] = {}

    @staticmethod
    def _index(regions: Iterable[Region]) -> dict[str, dict[str, list[Region]]]:
        exact: dict[str, list[Region]] = {}
        plain: dict[str, list[Region]] = {}
        for region in regions:
            exact.setdefault(region.name, []).append(region)
            for key in {_plain(region.name), _short(region.name)}:
                plain.setdefault(key, []).append(region)
        return {"exact": exact, "plain": plain}

    @staticmethod
    def _pick(index, name: str, key: str, within: str) -> Region:
        what = {"county": "县(市、区)", "township": "乡(镇)", "village": "村"}[key]
        name = unicodedata.normalize("NFKC", name).strip().replace(" ", "")
        found = index["exact"].get(name) or index["plain"].get(_plain(name)) or []
        if not found:
            raise RegionNotFound(key, f"{within}下没有名为“{name}”的{what}")
        if len(found) > 1:
            raise RegionNotFound(key, f"{within}下有 {len(found)} 个{what}名为“{name}”，无法确定")
        return found[0]

    def county(self, name: str) -> Region:
        if "counties" not in self._by_name:
            self._by_name["counties"] = self._index(self.counties.values())
        text = unicodedata.normalize("NFKC", name).strip()
        if text.isdigit() and len(text) in (6, 12) and text.ljust(12, "0") in self.counties:
            return self.counties[text.ljust(12, "0")]
        return self._pick(self._by_name["counties"], name, "county", "导入范围")

    def child(self, parent: Region, name: str, key: str) -> Region:
        if parent.code not in self._children:
            self._children[parent.code] = self._index(Region.objects.filter(parent=parent))
        return self._pick(self._children[parent.code], name, key, parent.name)


@dataclass
class Parsed:
    row: int
    household_no: str
    village: Region
    poverty_status: str
    exit_year: int | None
    helping_cadre: str
    id_number: str
    person: dict
    phone: str
    bank_account: str
    is_head: bool


@dataclass
class _Seen:
    """What the import knows of one person: the latest row and the state before the import."""

    row: int
    existed: bool
    before: tuple | None
    outcome: str = ""


@dataclass
class PersonImport:
    """One run of the importer over one file."""

    actor: object = None
    county: Region | None = None
    scope_prefix: str | None = None
    dry_run: bool = False
    today: date = field(default_factory=date.today)
    progress: Callable[[int], None] | None = None
    source_name: str = ""

    def run(
        self, path_or_bytes, *, filename: str | None = None, engine: str = "calamine"
    ) -> ImportReport:
        with sheet.open_ledger(path_or_bytes, FIELDS, filename=filename, engine=engine) as reader:
            report = self._read(reader)
        report.check_totals()
        if not self.dry_run:
            with transaction.atomic():
                audit.record(
                    "import",
                    actor=self.actor,
                    object_type="registry.person",
                    object_repr=f"人员台账导入 {self.source_name}"[:200],
                    region_code=self.county.code
                    if self.county
                    else (self.scope_prefix or "").ljust(12, "0")[:12],
                    after={
                        k: v for k, v in report.as_dict().items() if k not in ("errors", "warnings")
                    },
                )
        return report

    def _read(self, reader) -> ImportReport:
        """Validate and apply every row of an open ledger, batch by batch."""
        self.columns = reader.columns
        counties = Region.objects.filter(level="county")
        if self.scope_prefix and self.county is None:
            counties = counties.filter(code__startswith=self.scope_prefix[:6])
        self.matcher = RegionMatcher(counties)
        if self.county is None and "county" not in self.columns:
            raise UnusableFile(
                "文件中没有“县(市、区)”列，请用 --county 指定县",
                "the file has no county column: give --county",
            )
        report = ImportReport()
        self.seen: dict[str, _Seen] = {}
        self._memo: dict = {}
        batch: list[sheet.SheetRow] = []
        for row in reader.rows():
            report.rows += 1
            batch.append(row)
            if len(batch) >= BATCH_SIZE:
                self._batch(batch, report)
                batch = []
        if batch:
            self._batch(batch, report)
        return report

    # --- one batch -------------------------------------------------------
    def _batch(self, rows: list, report: ImportReport) -> None:
        parsed: list[Parsed] = []
        for row in rows:
            try:
                parsed.append(self._parse(row))
            except RowRejected as exc:
                report.reject(
                    row.row, self.columns.get(exc.column_key, exc.column_key), exc.message
                )
        if parsed:
            with transaction.atomic():
                self._apply(parsed, report)
                if self.dry_run:
                    transaction.set_rollback(True)
        if self.progress:
            self.progress(report.rows)

    def _cell(self, row, key, func, *args):
        """One cell through a normaliser; a CellError rejects the row naming the column.

        Most columns of a ledger repeat a few values (县, 民族, 是/否 …): their
        results are remembered per distinct raw value for the whole import.
        """
        raw = row.values.get(key)
        memo_key = (key, func, type(raw), raw) if key in _MEMO_KEYS else None
        if memo_key is not None:
            hit = self._memo.get(memo_key, _MISS)
            if hit is not _MISS:
                if type(hit) is _Refusal:
                    raise RowRejected(key, hit.message)
                return hit
        try:
            value = func(raw, *args)
        except CellError as exc:
            if memo_key is not None:
                self._memo[memo_key] = _Refusal(exc.message)
            raise RowRejected(key, exc.message) from None
        if memo_key is not None:
            self._memo[memo_key] = value
        return value

    def _choice(self, row, key, options_key=None):
        return self._cell(row, key, _choice_or_blank, OPTIONS[options_key or key])

    def _parse(self, row) -> Parsed:
        values = row.values
        name = self._cell(row, "name", sheet.name)
        if not name:
            raise RowRejected("name", "姓名不能为空")
        try:
            info = idnumber.parse(values.get("id_number"), today=self.today)
        except idnumber.IdNumberError as exc:
            raise RowRejected("id_number", exc.message_zh) from None
        gender = self._choice(row, "gender")
        if gender and gender != info.gender:
            raise RowRejected("gender", f"性别“{sheet.text(values.get('gender'))}”与身份证号码不符")
        if "birth_date" in self.columns and sheet.text(values.get("birth_date")):
            stated = self._cell(row, "birth_date", sheet.date_value)
            same_month = (stated.year, stated.month) == (
                info.birth_date.year,
                info.birth_date.month,
            )
            # A month-only date ("1990年3月" reads as the 1st) is compared by month.
            if not same_month or (stated.day != 1 and stated != info.birth_date):
                raise RowRejected("birth_date", "出生日期与身份证号码不符")
        household_no = self._cell(row, "household_no", sheet.text).replace(" ", "")
        if not household_no:
            raise RowRejected("household_no", "户编号不能为空")
        village = self._village(row)
        poverty_status = self._choice(row, "poverty_status")
        exit_year = (
            self._cell(row, "exit_year", sheet.year) if "exit_year" in self.columns else None
        )
        if exit_year and exit_year > self.today.year:
            raise RowRejected("exit_year", f"脱贫年度 {exit_year} 晚于今年")
        age = info.age_on(self.today)
        labour_ability = self._choice(row, "labour_ability")
        if not labour_ability:
            if 16 <= age <= 60:
                raise RowRejected("labour_ability", "16–60 岁人员须填写劳动能力")
            labour_ability = LabourAbility.NONE
        employment_status = self._choice(row, "employment_status")
        ethnicity_text = sheet.text(values.get("ethnicity"))
        ethnicity = ETHNIC.get(ethnicity_text, None) if ethnicity_text else ""
        if ethnicity is None:
            raise RowRejected("ethnicity", f"“{ethnicity_text}”不是有效的民族名称")
        occupations = [
            o for o in _OCCUPATION_SPLIT.split(sheet.text(values.get("wanted_occupations"))) if o
        ]
        relation = self._choice(row, "relation") or (
            Relation.HEAD if name == sheet.name(values.get("head_name")) else ""
        )
        if not relation:
            raise RowRejected("relation", "与户主关系不能为空")
        income = self._cell(row, "monthly_income", sheet.decimal_amount)
        person = {
            "name": name,
            "name_initials": services.name_initials(name),
            "gender": info.gender,
            "birth_date": info.birth_date,
            "ethnicity": ethnicity,
            "relation_to_head": relation,
            "education": self._choice(row, "education"),
            "health": "",
            "labour_ability": labour_ability,
            "employment_status": employment_status,
            "employment_place": self._choice(row, "employment_place"),
            "employer": self._cell(row, "employer", sheet.text)[:100],
            "monthly_income": income.quantize(Decimal("0.01")) if income is not None else None,
            "wants_training": bool(self._cell(row, "wants_training", sheet.yes_no)),
            "wanted_occupations": f"|{'|'.join(occupations)}|"[:300] if occupations else "",
            "wants_job": bool(self._cell(row, "wants_job", sheet.yes_no)),
            "wants_business": bool(self._cell(row, "wants_business", sheet.yes_no)),
            "village_code": village.code,
        }
        return Parsed(
            row=row.row,
            household_no=household_no,
            village=village,
            poverty_status=poverty_status,
            exit_year=exit_year,
            helping_cadre=self._cell(row, "helping_cadre", sheet.name)[:60],
            id_number=info.number,
            person=person,
            phone=self._cell(row, "phone", sheet.phone),
            bank_account=self._bank_account(row),
            is_head=relation == Relation.HEAD,
        )

    def _bank_account(self, row) -> str:
        from jifu.core.bankaccount import BankAccountError, normalize

        try:
            return normalize(row.values.get("bank_account"))
        except BankAccountError as exc:
            raise RowRejected("bank_account", exc.message_zh) from None

    def _village(self, row) -> Region:
        values = row.values
        memo_key = ("village", values.get("county"), values.get("township"), values.get("village"))
        hit = self._memo.get(memo_key, _MISS)
        if hit is _MISS:
            try:
                hit = self._find_village(row)
            except RowRejected as exc:
                hit = _Refusal(exc.message, exc.column_key)
            self._memo[memo_key] = hit
        if type(hit) is _Refusal:
            raise RowRejected(hit.column_key, hit.message)
        return hit

    def _find_village(self, row) -> Region:
        try:
            if self.county is not None:
                county = self.county
                written = sheet.text(row.values.get("county"))
                if written and self.matcher.county(written).pk != county.pk:
                    raise RowRejected("county", f"“{written}”不是导入的县（{county.name}）")
            else:
                written = sheet.text(row.values.get("county"))
                if not written:
                    raise RowRejected("county", "县(市、区)不能为空")
                county = self.matcher.county(written)
            township_name = sheet.text(row.values.get("township"))
            if not township_name:
                raise RowRejected("township", "乡(镇)不能为空")
            township = self.matcher.child(county, township_name, "township")
            village_name = sheet.text(row.values.get("village"))
            if not village_name:
                raise RowRejected("village", "村不能为空")
            village = self.matcher.child(township, village_name, "village")
        except RegionNotFound as exc:
            raise RowRejected(exc.column_key, str(exc)) from None
        if self.scope_prefix and not village.code.startswith(self.scope_prefix):
            raise RowRejected("village", f"{village.name}不在您的管辖范围内")
        return village

    # --- writing ---------------------------------------------------------
    def _apply(self, parsed: list[Parsed], report: ImportReport) -> None:
        """Upsert one batch with a handful of bulk statements."""
        ring = crypto.get_keyring()
        protected = {
            p.row: (
                services.protect("id_number", p.id_number, ring),
                services.protect("phone", p.phone, ring),
                services.protect("bank_account", p.bank_account, ring),
            )
            for p in parsed
        }
        existing = {
            person.id_number_bidx: person
            for person in Person.objects.filter(
                id_number_bidx__in={v[0].bidx for v in protected.values()}
            )
        }
        households = {
            h.household_no: h
            for h in Household.objects.filter(household_no__in={p.household_no for p in parsed})
        }
        before = {
            pk: (h.poverty_status, h.exit_year, h.helping_cadre)
            for pk, h in ((h.pk, h) for h in households.values())
        }

        # Households first: new ones in one insert, so persons can point at them.
        accepted: list[Parsed] = []
        new_households: dict[str, Household] = {}
        for p in parsed:
            household = households.get(p.household_no) or new_households.get(p.household_no)
            if household is not None and household.village_code != p.village.code:
                report.reject(
                    p.row,
                    self.columns.get("village", "村"),
                    f"户编号 {p.household_no} 已登记在另一村（{household.village_code}），搬迁请使用易地扶贫搬迁功能",
                )
                continue
            if household is None:
                if not p.poverty_status:
                    report.reject(
                        p.row,
                        self.columns.get("poverty_status", "贫困户属性"),
                        "新户须填写贫困户属性",
                    )
                    continue
                household = Household(
                    household_no=p.household_no,
                    village=p.village,
                    village_code=p.village.code,
                    poverty_status=p.poverty_status,
                    exit_year=p.exit_year,
                    helping_cadre=p.helping_cadre,
                )
                new_households[p.household_no] = household
            else:
                # The later row of a household wins for household-level fields.
                if p.poverty_status:
                    household.poverty_status = p.poverty_status
                if p.exit_year:
                    household.exit_year = p.exit_year
                if p.helping_cadre:
                    household.helping_cadre = p.helping_cadre
            accepted.append(p)
        Household.objects.bulk_create(new_households.values(), batch_size=1000)
        households.update(new_households)
        HouseholdStatusPeriod.objects.bulk_create(
            [
                HouseholdStatusPeriod(
                    household=h,
                    status=status,
                    valid_from=start,
                    valid_to=end,
                    source=self.source_name[:100],
                )
                for h in new_households.values()
                for status, start, end in services.initial_status_periods(
                    h.poverty_status, h.exit_year, self.today
                )
            ],
            batch_size=1000,
        )
        changed_households = []
        for h in households.values():
            if h.pk in before and before[h.pk] != (h.poverty_status, h.exit_year, h.helping_cadre):
                if before[h.pk][0] != h.poverty_status:
                    services.record_status_change(
                        h, h.poverty_status, h.exit_year, self.today, self.source_name[:100]
                    )
                changed_households.append(h)
        if changed_households:
            Household.objects.bulk_update(
                changed_households,
                ["poverty_status", "exit_year", "helping_cadre"],
                batch_size=1000,
            )

        # Persons: the later of two rows for one person wins, in this batch or across batches.
        new_persons: dict[str, Person] = {}
        changed_persons: dict[str, tuple[Person, set]] = {}
        heads: dict[str, str] = {}
        # Within a batch only the last row of a person is applied; the earlier ones are duplicates.
        last_row = {protected[p.row][0].bidx: p.row for p in accepted}
        for p in accepted:
            id_p, phone_p, bank_p = protected[p.row]
            if last_row[id_p.bidx] != p.row:
                report.duplicates += 1
                report.warnings.append(
                    RowWarning(
                        p.row,
                        f"身份证号码与第 {last_row[id_p.bidx]} 行相同，以第 {last_row[id_p.bidx]} 行为准",
                    )
                )
                continue
            household = households[p.household_no]
            values = {
                **p.person,
                "household_id": household.pk,
                "id_number_masked": id_p.masked,
                "phone_bidx": phone_p.bidx,
                "phone_masked": phone_p.masked,
                "bank_account_bidx": bank_p.bidx,
                "bank_account_masked": bank_p.masked,
            }
            # Ciphertexts differ on every encryption: change them only when the value did.
            secrets = {
                "phone_enc": (phone_p.enc, "phone_bidx"),
                "bank_account_enc": (bank_p.enc, "bank_account_bidx"),
            }
            seen = self.seen.get(id_p.bidx)
            if seen is not None:
                report.duplicates += 1
                report.warnings.append(
                    RowWarning(seen.row, f"身份证号码与第 {p.row} 行相同，以第 {p.row} 行为准")
                )
                self._count(report, seen.outcome, -1)
            person = existing.get(id_p.bidx) or new_persons.get(id_p.bidx)
            if seen is None:
                seen = _Seen(
                    row=p.row,
                    existed=person is not None,
                    before=self._fingerprint(person, before.get(person.household_id))
                    if person
                    else None,
                )
                self.seen[id_p.bidx] = seen
            seen.row = p.row
            if person is None:
                # A plain record, not a model instance: new persons go in through
                # bulk.insert_rows, and building a Model costs more than the insert.
                person = SimpleNamespace(
                    pk=None,
                    id_number_enc=id_p.enc,
                    id_number_bidx=id_p.bidx,
                    status=PersonStatus.ACTIVE,
                    status_date=None,
                    **values,
                    **{k: enc for k, (enc, _b) in secrets.items()},
                )
                new_persons[id_p.bidx] = person
            else:
                fields = {k for k, v in values.items() if getattr(person, k) != v}
                fields |= {k for k, (enc, bidx_field) in secrets.items() if bidx_field in fields}
                for k in fields:
                    setattr(person, k, values[k] if k in values else secrets[k][0])
                if fields and person.pk is not None:
                    entry = changed_persons.setdefault(id_p.bidx, (person, set()))
                    entry[1].update(fields)
            if p.is_head:
                heads[p.household_no] = id_p.bidx
            seen.outcome = (
                "created"
                if not seen.existed
                else (
                    "unchanged"
                    if self._fingerprint(
                        person,
                        (household.poverty_status, household.exit_year, household.helping_cadre),
                    )
                    == seen.before
                    else "updated"
                )
            )
            self._count(report, seen.outcome, +1)
        now = timezone.now()
        for new in new_persons.values():
            new.created_at = new.updated_at = now
        insert_rows(Person, new_persons.values(), _INSERT_FIELDS)
        if changed_persons:
            fields = sorted(
                set().union(*(f for _p, f in changed_persons.values())) | {"updated_at"}
            )
            Person.objects.bulk_update(
                [p for p, _f in changed_persons.values()], fields, batch_size=1000
            )
        # New persons were inserted without returning keys: look up the heads among them.
        head_pks = {bidx: p.pk for bidx, p in existing.items()}
        wanted = [bidx for bidx in heads.values() if bidx in new_persons]
        if wanted:
            head_pks.update(
                Person.objects.filter(id_number_bidx__in=wanted).values_list("id_number_bidx", "pk")
            )
        new_heads = []
        for household_no, bidx in heads.items():
            household = households[household_no]
            if household.head_id != head_pks[bidx]:
                household.head_id = head_pks[bidx]
                new_heads.append(household)
        update_column(Household, "head", [(h.pk, h.head_id) for h in new_heads])

    @staticmethod
    def _count(report: ImportReport, outcome: str, delta: int) -> None:
        setattr(report, outcome, getattr(report, outcome) + delta)

    @staticmethod
    def _fingerprint(person: Person, household_state: tuple | None) -> tuple:
        """What "unchanged" compares: the person's fields (secrets by blind index) and household."""
        return (*(getattr(person, f) for f in _PERSON_FIELDS), person.household_id, household_state)


def import_persons(
    path_or_bytes,
    *,
    actor=None,
    county: Region | None = None,
    scope_prefix: str | None = None,
    dry_run: bool = False,
    filename: str | None = None,
    progress=None,
    engine: str = "calamine",
    today: date | None = None,
) -> ImportReport:
    """Import a person ledger; see the module docstring for the rules."""
    job = PersonImport(
        actor=actor,
        county=county,
        scope_prefix=scope_prefix,
        dry_run=dry_run,
        progress=progress,
        source_name=filename
        or (str(path_or_bytes) if not isinstance(path_or_bytes, bytes) else ""),
        today=today or timezone.localdate(),
    )
    return job.run(path_or_bytes, filename=filename, engine=engine)
