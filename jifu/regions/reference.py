"""Gansu reference data shipped with the package (copied from the project's data set)."""

import csv
from dataclasses import dataclass
from importlib import resources

from .choices import POVERTY_CATEGORY_BY_NAME, RegionKind

PROVINCE_CODE = "620000000000"
PROVINCE_NAME = "甘肃省"
# Prefectures named 州 are autonomous prefectures; the rest are prefecture-level cities.
AUTONOMOUS_PREFECTURES = {"622900", "623000"}
ALIASES = [
    # (old code, old name, new code, changed on, note)
    ("620824", "华亭县", "620881", "2018-07-13", "撤县设市"),
]


@dataclass(frozen=True)
class ReferenceRow:
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    poverty_category: str = ""
    category_source: str = ""


def _read(name: str):
    with resources.files("jifu.regions").joinpath("data", name).open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def rows() -> list[ReferenceRow]:
    """Province, prefectures, counties and townships in parent-first order."""
    out: list[ReferenceRow] = []
    for r in _read("gansu_regions.csv"):
        code6 = r["code"]
        code = code6.ljust(12, "0")
        parent = r["parent_code"].ljust(12, "0") if r["parent_code"] else None
        if r["level"] == "province":
            out.append(ReferenceRow(code, r["name"], "province", RegionKind.PROVINCE, None))
        elif r["level"] == "prefecture":
            kind = (
                RegionKind.AUTONOMOUS_PREFECTURE
                if code6 in AUTONOMOUS_PREFECTURES
                else RegionKind.PREFECTURE_CITY
            )
            out.append(ReferenceRow(code, r["name"], "prefecture", kind, parent))
        else:
            out.append(
                ReferenceRow(
                    code,
                    r["name"],
                    "county",
                    r["level"],
                    parent,
                    POVERTY_CATEGORY_BY_NAME[r["poverty_category"] or ""].value,
                    r["category_source"] or "",
                )
            )
    for r in _read("gansu_townships_2018.csv"):
        out.append(
            ReferenceRow(
                r["code"].ljust(12, "0"),
                r["name"],
                "township",
                r["kind"],
                r["county_code"].ljust(12, "0"),
            )
        )
    order = {"province": 0, "prefecture": 1, "county": 2, "township": 3}
    out.sort(key=lambda row: (order[row.level], row.code))
    return out
