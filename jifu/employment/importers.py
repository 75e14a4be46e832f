"""Import of placement ledgers (就业安置台账): ``jifu import placements``.

The same contract as the other imports (``jifu.core.importing``) and the same
run as the training imports: ``_TrainingImport`` reads and checks the whole
file before anything is written, a key listed twice is applied once (the
later row wins, the earlier counts as a duplicate), and rows are written in
batches that each commit or roll back whole with their audit events.

A row is keyed by person and 入职日期. The person is found by full ID number
through the blind index and must carry the name written next to it; a row
that fails either is refused with one message, so a file never tells whose an
ID number is. The row rules are ``services.check_placement``'s, so an import
and the entry screen refuse the same things in the same words. Blank optional
cells leave what is stored as it is.

What ``services.record_placement`` does one job at a time is done here for a
whole batch in memory and then written in bulk (a service call per row, with
its audit events, costs ~10 ms, too slow for a county's ledger): a new
placement gets its twelve monthly follow-ups; it ends an earlier open job the
day before it starts (cancelling that job's later follow-ups), or is itself
ended by a later job already known; and the registry's employment fields of
every person touched follow their latest placement as in
``services._sync_registry``. Each person's rows are applied in date order. A
batch is audited in up to three events: the import itself (keys created and
updated, as the other imports), the before and after of every stored
placement it changed, and the before and after of every person whose
employment fields it changed.
"""

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import F
from django.utils import timezone, translation

from jifu.audit import services as audit
from jifu.core import bulk, creditcode, idnumber
from jifu.core import spreadsheet as sheet
from jifu.core.importing import ImportReport
from jifu.core.spreadsheet import FieldSpec
from jifu.registry import services as registry_services
from jifu.registry.choices import SYNONYMS as REGISTRY_SYNONYMS
from jifu.registry.choices import EmploymentStatus
from jifu.registry.models import Person
from jifu.training.importers import (
    Changes,
    Parsed,
    RowRejected,
    _code,
    _common_region,
    _count,
    _plain,
    _reject,
    _TrainingImport,
)
from jifu.training.models import TrainingClass

from . import rules, services
from .choices import Channel, EmploymentPlace, LeaveReason, PlacementStatus
from .models import FOLLOW_UP_MONTHS, Employer, FollowUp, Placement

MAX_WAGE = Decimal("99999999.99")  # Placement.monthly_wage: 10 digits, 2 decimals


def _options(choices, synonyms: dict[str, str]) -> dict[str, str]:
    """Labels in Chinese (whatever the UI language), the codes themselves, then synonyms."""
    with translation.override("zh-hans"):
        opts = {str(label): value for value, label in choices if value}
    opts.update({value: value for value, _label in choices if value})
    opts.update(synonyms)
    return opts


_P = EmploymentPlace
PLACE_OPTIONS = _options(
    _P.choices,
    {**REGISTRY_SYNONYMS["employment_place"], "县外省内": _P.IN_PROVINCE, "省内县外务工": _P.IN_PROVINCE,
     "本县": _P.IN_COUNTY, "县内务工": _P.IN_COUNTY, "省外务工": _P.OUT_OF_PROVINCE, "外省": _P.OUT_OF_PROVINCE},
)  # fmt: skip
_C = Channel
CHANNEL_OPTIONS = _options(
    _C.choices,
    {"有组织输转": _C.ORGANISED, "劳务输转": _C.ORGANISED, "组织输出": _C.ORGANISED, "有组织劳务输转": _C.ORGANISED,
     "自主": _C.SELF, "自主务工": _C.SELF, "自谋职业": _C.SELF, "自主外出务工": _C.SELF,
     "公益岗位": _C.PUBLIC_WELFARE, "公益岗": _C.PUBLIC_WELFARE, "乡村公益性岗位": _C.PUBLIC_WELFARE,
     "就业扶贫车间": _C.WORKSHOP, "车间": _C.WORKSHOP, "帮扶车间": _C.WORKSHOP},
)  # fmt: skip

PLACEMENT_FIELDS = [
    FieldSpec("id_number", "身份证号码", ("身份证号", "公民身份号码", "证件号码", "身份证", "身份证号码(18位)"), required=True),
    FieldSpec("name", "姓名", ("人员姓名", "劳动力姓名", "就业人员姓名", "务工人员姓名"), required=True),
    FieldSpec("employer_name", "用人单位名称", ("用人单位", "就业单位", "就业单位名称", "务工单位", "工作单位", "单位名称"), required=True),
    FieldSpec("credit_code", "统一社会信用代码", ("社会信用代码", "信用代码", "统一信用代码", "用人单位统一社会信用代码", "单位信用代码")),
    FieldSpec("place", "就业地点", ("务工地点", "务工地域", "就业地域", "就业区域"), required=True),
    FieldSpec("province", "就业省份", ("务工省份", "就业省", "输入省份", "省份")),
    FieldSpec("start_date", "入职日期", ("入职时间", "就业日期", "就业时间", "上岗日期", "上岗时间", "务工时间"), required=True),
    FieldSpec("monthly_wage", "月工资", ("月工资(元)", "月收入", "月收入(元)", "月均工资", "工资", "务工月收入")),
    FieldSpec("has_contract", "是否签订合同", ("是否签订劳动合同", "签订劳动合同", "劳动合同", "签订合同", "是否签合同")),
    FieldSpec("channel", "就业渠道", ("就业方式", "就业途径", "务工方式"), required=True),
    FieldSpec("class_code", "关联班级编号", ("班级编号", "培训班编号", "关联培训班编号", "关联培训班", "班号")),
]  # fmt: skip
TEMPLATE_HEADERS = [f.header for f in PLACEMENT_FIELDS]

# check_placement's fields, as columns of the file.
_COLUMN_OF = {
    "start_date": "start_date",
    None: "id_number",  # the person's own status
    "place": "province",  # 就业地点 is always a valid choice here: the province disagrees with it
    "training_class": "class_code",
    "employer_name": "employer_name",
}
_NOT_FOUND = "实名库中没有此人或姓名不符"


class PlacementImport(_TrainingImport):
    """Upsert placements by (person, 入职日期), with follow-ups and the registry's employment status.

    Each person's rows are applied in the order of their start dates, whatever
    the order of the file, so that a ledger of several jobs ends each at the
    next one's start exactly as recording them one after another would.
    """

    fields = PLACEMENT_FIELDS
    object_type = "employment.placement"
    title = "就业安置导入"
    key_label = "身份证号码和入职日期"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._classes: dict[str, TrainingClass | None] = {}

    # --- reading ----------------------------------------------------------------------
    def parse(self, row) -> Parsed:
        try:
            number = idnumber.normalize(row.values.get("id_number"), today=self.today)
        except idnumber.IdNumberError as exc:
            raise RowRejected("id_number", exc.message_zh) from None
        name = self.cell(row, "name", sheet.name)
        if not name:
            raise RowRejected("name", "姓名不能为空")
        values = {
            "name": name,
            "employer_name": self.required_text(row, "employer_name", "用人单位名称", 100),
            "credit_code": None,
        }
        if self.has(row, "credit_code"):
            try:
                values["credit_code"] = creditcode.normalize(sheet.text(row.values["credit_code"]))
            except creditcode.CreditCodeError as exc:
                raise RowRejected("credit_code", exc.message_zh) from None
        place = self.choice(row, "place", PLACE_OPTIONS, "就业地点")
        province = rules.normalise_province(self.cell(row, "province", sheet.text).replace(" ", ""))
        if len(province) > 20:
            raise RowRejected("province", "就业省份不能超过 20 个字")
        if not province and place != EmploymentPlace.OUT_OF_PROVINCE:
            province = rules.GANSU  # as record_placement fills it
        values["place"] = place
        values["province"] = province or None  # None: 省外 with no province keeps what is stored
        values["start_date"] = self.date(row, "start_date", "入职日期", required=True)
        wage = self.cell(row, "monthly_wage", sheet.decimal_amount)
        if wage is not None:
            wage = wage.quantize(Decimal("0.01"))
            if wage > MAX_WAGE:
                raise RowRejected("monthly_wage", f"月工资“{wage}”过大")
        values["monthly_wage"] = wage
        values["has_contract"] = self.cell(row, "has_contract", sheet.yes_no)
        values["channel"] = self.choice(row, "channel", CHANNEL_OPTIONS, "就业渠道")
        values["training_class"] = self._class(row)
        key = (registry_services.id_number_index(number), values["start_date"])
        return Parsed(row.row, key, values)

    def _class(self, row) -> TrainingClass | None:
        code = _code(row.values.get("class_code"))
        if not code:
            return None
        if code not in self._classes:
            self._classes[code] = TrainingClass.objects.filter(code=code).first()
        training_class = self._classes[code]
        if training_class is None:
            raise RowRejected("class_code", f"培训班 {code} 不存在")
        return training_class

    def _later_rows_win(self, parsed, report):
        # Sorted by (person, start date): a person's jobs arrive in date order.
        return sorted(super()._later_rows_win(parsed, report), key=lambda p: p.key)

    # --- writing ----------------------------------------------------------------------
    def apply(self, batch, report) -> Changes:
        changes = _Batch()
        # Locked as record_placement locks its person, in one order against deadlocks.
        persons = {
            p.id_number_bidx: p
            for p in Person.objects.select_for_update()
            .filter(id_number_bidx__in={p.key[0] for p in batch})
            .order_by("pk")
            .only(
                "pk", "name", "village_code", "status", "status_date", "id_number_bidx", *_REGISTRY
            )
        }
        jobs: dict[int, list[Placement]] = defaultdict(list)
        for placement in (
            Placement.objects.select_for_update()
            .filter(person_id__in=[p.pk for p in persons.values()])
            .order_by("pk")
        ):
            jobs[placement.person_id].append(placement)
        codes = {p.values["credit_code"] for p in batch if p.values["credit_code"]}
        employers = {
            e.credit_code: e
            for e in Employer.objects.filter(credit_code__in=codes).only(
                "pk", "credit_code", "name"
            )
        }
        new: list[Placement] = []
        touched: dict[int, Person] = {}
        for p in batch:
            person = persons.get(p.key[0])
            if (
                person is None
                or person.name != p.values["name"]
                or (self.scope_prefix and not person.village_code.startswith(self.scope_prefix))
            ):
                _reject(report, changes, p.row, self.column("id_number"), _NOT_FOUND)
                continue
            existing = next(
                (j for j in jobs[person.pk] if j.start_date == p.values["start_date"]), None
            )
            fields = self._fields(p, employers, existing)
            problems = services.check_placement(person, fields, today=self.today)
            if problems:
                at, message = problems[0]
                column = self.column(_COLUMN_OF.get(at, "id_number"))
                _reject(report, changes, p.row, column, message)
                continue
            changes.regions.add(person.village_code)
            if existing is None:
                new.append(self._create(person, fields, jobs[person.pk], changes))
                outcome = "created"
            else:
                outcome = "updated" if _change(existing, fields, changes) else "unchanged"
            if outcome != "unchanged":
                touched[person.pk] = person
            _count(report, changes, outcome, _key(person.pk, p.values["start_date"]))
        self._write(new, changes)
        self._sync_registry(touched, jobs, changes)
        return changes

    def _fields(self, p: Parsed, employers: dict, existing: Placement | None) -> dict:
        """The placement's fields from the row; what the row leaves blank stays as stored."""
        v = p.values
        fields = {
            "employer_name": v["employer_name"],
            "start_date": v["start_date"],
            "place": v["place"],
            "province": v["province"]
            if v["province"] is not None
            else (existing.province if existing else ""),
            "channel": v["channel"],
        }
        if v["credit_code"]:
            employer = employers.get(v["credit_code"])
            fields["employer"] = employer
            if employer is None:
                p.warnings.append(f"用人单位 {v['credit_code']} 尚未登记，未关联用人单位")
            elif _plain(employer.name) != _plain(v["employer_name"]):
                p.warnings.append(
                    f"用人单位名称“{v['employer_name']}”与登记的“{employer.name}”不一致"
                )
        for name in ("monthly_wage", "has_contract", "training_class"):
            if v[name] is not None:
                fields[name] = v[name]
        return fields

    def _create(self, person: Person, fields: dict, jobs: list, changes: "_Batch") -> Placement:
        """record_placement after its checks, in memory: the batch is written in bulk."""
        start = fields["start_date"]
        ended = {
            "end_date": start - timedelta(days=1),
            "status": PlacementStatus.LEFT,
            "leave_reason": LeaveReason.OTHER,
        }
        for earlier in jobs:
            if earlier.status == PlacementStatus.EMPLOYED and earlier.start_date < start:
                # services._end: the earlier job still open ends the day before.
                if earlier.pk is None:  # new in this batch: written already ended
                    for name, value in ended.items():
                        setattr(earlier, name, value)
                elif _change(earlier, ended, changes):
                    changes.ended.add(earlier.pk)
        placement = Placement(person=person, village_code=person.village_code, **fields)
        later = [j.start_date for j in jobs if j.start_date > start]
        if later:
            # A job recorded late, before one already known: it ended when the next began.
            placement.end_date = min(later) - timedelta(days=1)
            placement.status = PlacementStatus.LEFT
            placement.leave_reason = LeaveReason.OTHER
        jobs.append(placement)
        return placement

    def _write(self, new: list[Placement], changes: "_Batch") -> None:
        # Stored placements: one prepared UPDATE per changed column.
        for name in _UPDATABLE:
            pairs = [
                (placement.pk, getattr(placement, _attname(name)))
                for placement, changed in changes.dirty.values()
                if _attname(name) in changed
            ]
            bulk.update_column(Placement, name, pairs)
        if changes.ended:
            # services._end: follow-ups due after the end are no longer asked for.
            FollowUp.objects.filter(
                placement_id__in=changes.ended,
                done_on__isnull=True,
                due_on__gt=F("placement__end_date"),
            ).update(cancelled=True)
        Placement.objects.bulk_create(new, batch_size=500)
        if any(p.pk is None for p in new):  # a database that returns no keys from bulk inserts
            pks = {
                (person_id, start): pk
                for person_id, start, pk in Placement.objects.filter(
                    person_id__in={p.person_id for p in new}
                ).values_list("person_id", "start_date", "pk")
            }
            for p in new:
                p.pk = pks[(p.person_id, p.start_date)]
        bulk.insert_rows(
            FollowUp,
            (f for placement in new for f in _follow_ups(placement)),
            [
                "placement",
                "village_code",
                "month_no",
                "due_on",
                "leave_reason",
                "note",
                "cancelled",
            ],
        )

    def _sync_registry(self, touched: dict[int, Person], jobs: dict, changes: "_Batch") -> None:
        """services._sync_registry for every person the batch touched, written in bulk."""
        now = timezone.now()
        for pk, person in touched.items():
            latest = max(jobs[pk], key=lambda j: j.start_date)  # one job per person and day
            if latest.status == PlacementStatus.EMPLOYED:
                after = {
                    "employment_status": EmploymentStatus.EMPLOYED,
                    "employment_place": latest.place,
                    "employer": latest.employer_name[:100],
                    "monthly_income": latest.monthly_wage,
                }
            else:
                after = dict(
                    zip(_REGISTRY, (EmploymentStatus.UNEMPLOYED, "", "", None), strict=True)
                )
            before = {name: getattr(person, name) for name in _REGISTRY}
            if before != after:
                changes.persons_before[str(pk)] = before
                changes.persons_after[str(pk)] = after
                changes.person_regions.add(person.village_code)
                for name, value in after.items():
                    setattr(person, name, value)
        changed = [int(pk) for pk in changes.persons_after]
        for name in _REGISTRY:
            bulk.update_column(
                Person, name, [(pk, changes.persons_after[str(pk)][name]) for pk in changed]
            )
        bulk.update_column(Person, "updated_at", [(pk, now) for pk in changed])

    def _audit(self, number: int, total: int, changes: "_Batch") -> None:
        """The batch's import event, then what it changed in stored placements and the registry."""
        super()._audit(number, total, changes)
        if changes.before:
            audit.record(
                "update",
                actor=self.actor,
                object_type=self.object_type,
                object_repr=f"{self.title} {self.source_name}".strip()[:200],
                region_code=_common_region(changes.regions),
                message=f"第 {number}/{total} 批：导入更新及被新就业结束的就业",
                before=changes.before,
                after=changes.after,
            )
        if changes.persons_after:
            audit.record(
                "update",
                actor=self.actor,
                object_type="registry.person",
                object_repr=f"就业状态 {self.source_name}".strip()[:200],
                region_code=_common_region(changes.person_regions),
                message=f"{self.title}第 {number}/{total} 批：就业状态随最近一次就业",
                before=changes.persons_before,
                after=changes.persons_after,
            )


@dataclass
class _Batch(Changes):
    """What one batch wrote, with the before and after its audit events carry."""

    before: dict[str, dict] = field(default_factory=dict)  # placement key → changed fields
    after: dict[str, dict] = field(default_factory=dict)
    dirty: dict[int, tuple[Placement, set[str]]] = field(default_factory=dict)
    ended: set[int] = field(default_factory=set)
    persons_before: dict[str, dict] = field(default_factory=dict)  # person pk → _REGISTRY
    persons_after: dict[str, dict] = field(default_factory=dict)
    person_regions: set[str] = field(default_factory=set)


_REGISTRY = ("employment_status", "employment_place", "employer", "monthly_income")
_UPDATABLE = (
    "employer_name", "employer", "place", "province", "monthly_wage", "has_contract", "channel",
    "training_class", "end_date", "status", "leave_reason",
)  # fmt: skip


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("employer", "training_class") else name


def _key(person_id: int, start: date) -> str:
    return f"{person_id}/{start.isoformat()}"


def _change(placement: Placement, fields: dict, changes: _Batch) -> bool:
    """Copy ``fields`` onto a stored placement; record what differed. True when anything did."""
    key = _key(placement.person_id, placement.start_date)
    changed = set()
    for name, value in fields.items():
        attr = _attname(name)
        if attr != name:
            value = value.pk if value is not None else None
        current = getattr(placement, attr)
        if current == value:
            continue
        # The first before and the last after, when two rows change one placement.
        changes.before.setdefault(key, {}).setdefault(attr, current)
        changes.after.setdefault(key, {})[attr] = value
        setattr(placement, attr, value)
        changed.add(attr)
    if changed:
        changes.dirty.setdefault(placement.pk, (placement, set()))[1].update(changed)
    return bool(changed)


def _follow_ups(placement: Placement):
    """services._schedule_follow_ups' rows, for a bulk insert of the whole batch."""
    for n in range(1, FOLLOW_UP_MONTHS + 1):
        due = placement.start_date + relativedelta(months=n)
        yield FollowUp(
            placement_id=placement.pk,
            village_code=placement.village_code,
            month_no=n,
            due_on=due,
            cancelled=bool(placement.end_date and due > placement.end_date),
        )


def import_placements(
    source,
    *,
    dry_run: bool = False,
    filename: str | None = None,
    progress=None,
    engine: str = "calamine",
    today: date | None = None,
    actor=None,
    scope_prefix: str | None = None,
) -> ImportReport:
    """Import a placement ledger; see the module docstring for the contract."""
    job = PlacementImport(
        actor=actor,
        scope_prefix=scope_prefix,
        dry_run=dry_run,
        today=today,
        progress=progress,
        source_name=filename or (str(source) if not isinstance(source, bytes) else ""),
    )
    return job.run(source, filename=filename, engine=engine)


def template_workbook() -> bytes:
    """The blank ledger a county downloads: the headers in order, code columns as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "就业安置台账"
    ws.append(TEMPLATE_HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    letter = {f.key: chr(ord("A") + i) for i, f in enumerate(PLACEMENT_FIELDS)}
    # ID numbers, credit codes and class codes are text: Excel must not turn them into numbers.
    for key in ("id_number", "credit_code", "class_code"):
        for row in range(2, 2001):
            ws[f"{letter[key]}{row}"].number_format = "@"
    for row in range(2, 2001):
        ws[f"{letter['start_date']}{row}"].number_format = "yyyy-mm-dd"
    with translation.override("zh-hans"):
        lists = {
            "place": [str(label) for value, label in EmploymentPlace.choices if value],
            "has_contract": ["是", "否"],
            "channel": [str(label) for _value, label in Channel.choices],
        }
    for key, options in lists.items():
        validation = DataValidation(
            type="list", formula1=f'"{",".join(options)}"', allow_blank=True
        )
        validation.add(f"{letter[key]}2:{letter[key]}2000")
        ws.add_data_validation(validation)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
