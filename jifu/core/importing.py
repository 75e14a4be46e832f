"""The import contract every jifu importer follows.

A report counts each non-blank data row exactly once under created, updated,
unchanged, rejected or duplicates; names every rejected row with its
spreadsheet row (or CSV line) number, the column as it stands in the file and
a Chinese message; exits 0 when the file was processed and 2 when it is
unusable as a whole, in which case nothing is written.
"""

import json
from dataclasses import asdict, dataclass, field

EXIT_PROCESSED = 0
EXIT_UNUSABLE = 2

# Functions called after an import wrote something: f(noun=..., region_code=...).
# The integrity app queues a scan of the imported region here.
AFTER_IMPORT: list = []


def after_import(noun: str, region_code: str = "") -> None:
    for hook in AFTER_IMPORT:
        hook(noun=noun, region_code=region_code)


class UnusableFile(Exception):
    """The file as a whole cannot be imported; nothing was written."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class RowWarning:
    row: int
    message: str


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)

    def reject(self, row: int, column: str, message: str) -> None:
        self.rejected += 1
        self.errors.append(RowError(row, column, message))

    def as_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2)

    def check_totals(self) -> None:
        """Every data row is counted once; a mismatch is a bug, never a silent loss."""
        counted = self.created + self.updated + self.unchanged + self.rejected + self.duplicates
        if counted != self.rows:
            raise AssertionError(f"import counted {counted} of {self.rows} rows")
