"""Writes to regions: loading the reference data, importing villages, categories.

Every function is atomic and audited, and takes the acting user (None for the
command line run by an operator, whose account is not a jifu user).
"""

import codecs
import csv
import io
import unicodedata
from pathlib import Path

from django.db import transaction

from jifu.audit import services as audit
from jifu.core.importing import ImportReport, RowWarning, UnusableFile

from . import codes, reference
from .choices import CategorySource, PovertyCategory, RegionKind, RegionLevel
from .lookup import canonical_code
from .models import Region, RegionAlias

MAX_VILLAGE_FILE_BYTES = 20 * 1024 * 1024


def _audit_fields(region: Region) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "kind": region.kind,
        "poverty_category": region.poverty_category,
        "category_source": region.category_source,
    }


@transaction.atomic
def load_reference(actor=None) -> dict[str, int]:
    """Create or update Gansu's province, prefectures, counties and townships.

    Idempotent. A poverty category an administrator corrected (source
    ``manual``) is kept rather than overwritten by the shipped data.
    """
    existing = {r.code: r for r in Region.objects.exclude(level=RegionLevel.VILLAGE)}
    created = updated = 0
    rows = reference.rows()
    # Parents first, level by level, so each level's bulk insert can point at
    # the primary keys of the one above.
    for level in (
        RegionLevel.PROVINCE,
        RegionLevel.PREFECTURE,
        RegionLevel.COUNTY,
        RegionLevel.TOWNSHIP,
    ):
        new = []
        for row in (r for r in rows if r.level == level):
            parent = existing.get(row.parent_code) if row.parent_code else None
            region = existing.get(row.code)
            if region is None:
                new.append(
                    Region(
                        code=row.code,
                        name=row.name,
                        level=row.level,
                        kind=row.kind,
                        parent=parent,
                        poverty_category=row.poverty_category,
                        category_source=row.category_source,
                    )
                )
                continue
            values = {
                "name": row.name,
                "level": row.level,
                "kind": row.kind,
                "parent_id": parent.pk if parent else None,
            }
            if region.category_source != CategorySource.MANUAL:
                values |= {
                    "poverty_category": row.poverty_category,
                    "category_source": row.category_source,
                }
            changed = {k: v for k, v in values.items() if getattr(region, k) != v}
            if changed:
                for k, v in changed.items():
                    setattr(region, k, v)
                region.save(update_fields=list(changed))
                updated += 1
        for region in Region.objects.bulk_create(new):
            existing[region.code] = region
        created += len(new)
    for old6, old_name, new6, changed_on, note in reference.ALIASES:
        RegionAlias.objects.update_or_create(
            old_code=old6.ljust(12, "0"),
            defaults={
                "old_name": old_name,
                "region": existing[new6.ljust(12, "0")],
                "changed_on": changed_on,
                "note": note,
            },
        )
    counts = {
        level: Region.objects.filter(level=level).count()
        for level in (
            RegionLevel.PROVINCE,
            RegionLevel.PREFECTURE,
            RegionLevel.COUNTY,
            RegionLevel.TOWNSHIP,
        )
    }
    audit.record(
        "load",
        actor=actor,
        object_type="regions.region",
        object_repr="甘肃省行政区划参考数据",
        region_code=reference.PROVINCE_CODE,
        after={"created": created, "updated": updated, **counts},
    )
    return {"created": created, "updated": updated, **counts}


@transaction.atomic
def set_poverty_category(region: Region, category: str, *, actor, note: str = "") -> Region:
    """Correct a county's poverty category (the province-designated list is partly unconfirmed)."""
    if region.level != RegionLevel.COUNTY:
        raise ValueError(
            "只有县级区划有贫困县类别 / only county-level regions have a poverty category"
        )
    if category not in PovertyCategory.values:
        raise ValueError(f"未知的贫困县类别“{category}” / unknown poverty category {category!r}")
    region = Region.objects.select_for_update().get(pk=region.pk)
    before = _audit_fields(region)
    region.poverty_category = category
    region.category_source = CategorySource.MANUAL
    region.save(update_fields=["poverty_category", "category_source"])
    audit.record(
        "update", actor=actor, obj=region, before=before, after=_audit_fields(region), message=note
    )
    return region


# --- Village import -------------------------------------------------------------

HEADER_SYNONYMS = {
    "code": {"code", "区划代码", "统计用区划代码", "代码", "村代码"},
    "name": {"name", "名称", "村名称", "村(社区)名称", "村名"},
}


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB 18030 (a superset of GBK)."""
    if b"\x00" in data[:4096]:
        raise UnusableFile("文件不是文本格式的 CSV", "the file is not a text CSV file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise UnusableFile(
        "无法识别文件编码（应为 UTF-8 或 GBK）", "unknown text encoding (expected UTF-8 or GBK)"
    )


def _normalise_header(cell: str) -> str:
    return unicodedata.normalize("NFKC", cell or "").strip().replace(" ", "").lower()


def _village_kind(code12: str) -> str:
    # Village-level serials 001–199 are urban communities (居委会), 200+ villages (村委会).
    return RegionKind.COMMUNITY if int(code12[9:12]) < 200 else RegionKind.VILLAGE


def read_village_csv(data: bytes) -> tuple[list[tuple[int, str, str]], dict[str, str]]:
    """Parse the file into (line number, code cell, name cell) rows and the header names."""
    if len(data) > MAX_VILLAGE_FILE_BYTES:
        raise UnusableFile("文件超过 20 MB 上限", "the file is larger than the 20 MB limit")
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UnusableFile("文件为空", "the file is empty") from None
    except csv.Error as exc:
        raise UnusableFile(f"CSV 格式错误：{exc}", f"malformed CSV: {exc}") from None
    columns: dict[str, int] = {}
    names: dict[str, str] = {}
    for idx, cell in enumerate(header):
        key = _normalise_header(cell)
        for field_name, synonyms in HEADER_SYNONYMS.items():
            if key in synonyms and field_name not in columns:
                columns[field_name] = idx
                names[field_name] = cell.strip()
    if set(columns) != {"code", "name"}:
        raise UnusableFile(
            "首行应为表头 code,name（区划代码,名称）",
            "the first line must be the header code,name",
        )
    rows = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            cells = [
                record[columns[f]] if columns[f] < len(record) else "" for f in ("code", "name")
            ]
            rows.append((line, *cells))
    except csv.Error as exc:
        raise UnusableFile(
            f"CSV 格式错误（第 {reader.line_num} 行）：{exc}",
            f"malformed CSV at line {reader.line_num}: {exc}",
        ) from None
    return rows, names


@transaction.atomic
def import_villages(data: bytes, *, actor=None, source_name: str = "") -> ImportReport:
    """Load an official village list (header ``code,name``).

    Rows are upserted by code. A malformed code, a code whose township does not
    exist, or a code that is not a village code is rejected with its line
    number; a code listed twice is applied once (the later line wins) and the
    earlier line is counted as a duplicate with a warning. The valid rows load
    in one transaction, so a failure leaves nothing half-written.
    """
    rows, header = read_village_csv(data)
    report = ImportReport(rows=len(rows))
    townships = {
        r.code: r
        for r in Region.objects.filter(level=RegionLevel.TOWNSHIP).only(
            "id", "code", "name", "level"
        )
    }
    accepted: dict[str, tuple[int, str]] = {}
    for line, raw_code, raw_name in rows:
        name = unicodedata.normalize("NFKC", raw_name).strip()
        try:
            code = canonical_code(raw_code)
        except codes.RegionCodeError as exc:
            report.reject(line, header["code"], exc.message_zh)
            continue
        written = unicodedata.normalize("NFKC", raw_code).strip().replace(" ", "")
        if len(written) != 12 or codes.level_of(code) != RegionLevel.VILLAGE:
            report.reject(line, header["code"], f"“{written}”不是 12 位村级区划代码")
            continue
        if not name:
            report.reject(line, header["name"], "村名称为空")
            continue
        if code[:9].ljust(12, "0") not in townships:
            report.reject(line, header["code"], f"区划代码 {code} 所属的乡镇 {code[:9]} 不存在")
            continue
        if code in accepted:
            earlier_line, _ = accepted[code]
            report.duplicates += 1
            report.warnings.append(
                RowWarning(earlier_line, f"区划代码 {code} 在第 {line} 行再次出现，以后者为准")
            )
        accepted[code] = (line, name)

    existing = {r.code: r for r in Region.objects.filter(code__in=list(accepted))}
    for code, (_line, name) in accepted.items():
        region = existing.get(code)
        if region is None:
            Region.objects.create(
                code=code,
                name=name,
                level=RegionLevel.VILLAGE,
                kind=_village_kind(code),
                parent=townships[code[:9].ljust(12, "0")],
            )
            report.created += 1
        elif region.name != name:
            region.name = name
            region.save(update_fields=["name"])
            report.updated += 1
        else:
            report.unchanged += 1
    report.check_totals()
    audit.record(
        "import",
        actor=actor,
        object_type="regions.region",
        object_repr=f"村级区划导入 {Path(source_name).name}"[:200],
        after={k: v for k, v in report.as_dict().items() if k not in ("errors", "warnings")},
    )
    return report


@transaction.atomic
def ensure_villages(villages, *, actor=None, source: str = "") -> int:
    """Create the given villages (objects with ``code12`` and ``name``) that do not exist.

    Used by the demo-data generator, whose villages stand under real townships.
    Returns how many were created; existing villages keep their names.
    """
    wanted = {v.code12: v.name for v in villages}
    existing = set(Region.objects.filter(code__in=list(wanted)).values_list("code", flat=True))
    township_codes = {code[:9].ljust(12, "0") for code in wanted}
    townships = {
        r.code: r
        for r in Region.objects.filter(code__in=township_codes, level=RegionLevel.TOWNSHIP)
    }
    missing = sorted(code for code in wanted if code[:9].ljust(12, "0") not in townships)
    if missing:
        raise ValueError(
            f"乡镇不存在：{missing[0][:9]} / township does not exist: {missing[0][:9]}"
        )
    new = [
        Region(
            code=code,
            name=name,
            level=RegionLevel.VILLAGE,
            kind=_village_kind(code),
            parent=townships[code[:9].ljust(12, "0")],
        )
        for code, name in wanted.items()
        if code not in existing
    ]
    Region.objects.bulk_create(new, batch_size=2000)
    if new:
        audit.record(
            "create",
            actor=actor,
            object_type="regions.region",
            object_repr=f"村级区划 {len(new)} 个（{source}）"[:200],
            after={"created": len(new)},
        )
    return len(new)
