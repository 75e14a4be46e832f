"""The shipped reference data loads Gansu exactly, and reloading changes nothing."""

import pytest

from jifu.audit.models import AuditEvent
from jifu.regions import codes, services
from jifu.regions.lookup import canonical_code, resolve
from jifu.regions.models import Region


@pytest.fixture
def loaded(db):
    return services.load_reference()


def test_counts_are_exact(loaded):
    counts = {
        level: Region.objects.filter(level=level).count()
        for level in ("province", "prefecture", "county", "township")
    }
    assert counts == {"province": 1, "prefecture": 14, "county": 88, "township": 1432}


def test_reload_is_idempotent(loaded):
    again = services.load_reference()
    assert again["created"] == 0 and again["updated"] == 0
    assert Region.objects.count() == 1 + 14 + 88 + 1432


def test_deep_poverty_counties_are_35(loaded):
    deep = Region.objects.deep_poverty()
    assert deep.count() == 35
    assert deep.filter(poverty_category="liangzhou_yixian").count() == 17
    assert Region.objects.get(code="620623000000").poverty_category == "liangzhou_yixian"  # 天祝


def test_every_township_hangs_under_its_county(loaded):
    for township in Region.objects.filter(level="township").select_related("parent"):
        assert township.parent.level == "county"
        assert township.code.startswith(township.parent.prefix)


def test_scope_prefix_is_cut_by_level_not_by_zeros(loaded):
    township = Region.objects.get(code="620121100000")
    assert township.prefix == "620121100"  # ends in zero and must keep it
    assert Region.objects.get(code="620121000000").prefix == "620121"
    assert Region.objects.get(code="620100000000").prefix == "6201"


def test_code_forms_and_aliases(loaded):
    assert codes.clean_code("620121") == "620121000000"
    assert codes.clean_code("６２０１２１１００") == "620121100000"
    assert codes.level_of("620121100201") == "village"
    assert resolve("620824").code == "620881000000"  # 华亭县 → 华亭市
    assert canonical_code("620824100") == "620881100000"
    with pytest.raises(codes.RegionCodeError):
        codes.clean_code("62012")
    with pytest.raises(codes.RegionCodeError):
        codes.clean_code("62O121")


def test_manual_category_survives_reload(loaded):
    county = Region.objects.get(code="620422000000")  # 会宁县, unconfirmed
    services.set_poverty_category(county, "contiguous", actor=None, note="核实")
    services.load_reference()
    county.refresh_from_db()
    assert county.poverty_category == "contiguous" and county.category_source == "manual"
    assert AuditEvent.objects.filter(action="update", object_id=str(county.pk)).exists()
