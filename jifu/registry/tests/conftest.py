"""Registry test fixtures."""

from datetime import date

import pytest

from jifu.registry.importers import import_persons

from .factories import ledger, standard_rows


@pytest.fixture
def people(world):
    report = import_persons(ledger(standard_rows()), filename="t.csv", today=date(2019, 6, 30))
    assert report.rejected == 0, report.errors
    return world
