"""Base table for every list: Bootstrap classes, and a label on each cell so
that rows can collapse into cards on a phone."""

import django_tables2 as tables


class BaseTable(tables.Table):
    class Meta:
        attrs = {
            "class": "table table-sm table-hover align-middle",
            "td": {"data-label": lambda column: column.header},
        }
