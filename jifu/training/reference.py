"""The starting occupation catalogue shipped with the package (administrators add more)."""

import csv
from importlib import resources

# Safety hours the catalogue requires of special operations unless set otherwise.
DEFAULT_SPECIAL_SAFETY_HOURS = 16


def occupation_rows() -> list[dict]:
    with (
        resources.files("jifu.training")
        .joinpath("data", "occupations.csv")
        .open(encoding="utf-8") as fh
    ):
        return [
            {
                "code": r["code"],
                "name": r["name"],
                "group": r["group"],
                "is_special_operation": r["special_operation"] == "Y",
                "min_safety_hours": DEFAULT_SPECIAL_SAFETY_HOURS
                if r["special_operation"] == "Y"
                else 0,
                "key_industry": r["key_industry"] == "Y",
                "code_confidence": r["code_confidence"],
            }
            for r in csv.DictReader(fh)
        ]
