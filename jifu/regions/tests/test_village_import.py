"""`jifu regions import`: bad lines are reported with their numbers, good ones load."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jifu.core.importing import UnusableFile
from jifu.regions import services
from jifu.regions.models import Region

GOOD_AND_BAD = (
    "code,name\n"
    "622926100201,甲村\n"  # 2 ok
    "622926100202,乙村\n"  # 3 ok
    "62292610020X,丙村\n"  # 4 malformed
    "622926999201,丁村\n"  # 5 township does not exist
    "622926100,戊村\n"  # 6 not a village code
    "\n"  # 7 blank: not a row
    "622926100203,\n"  # 8 no name
    "622926100202,乙村新名\n"  # 9 duplicate of line 3: the later wins
    "６２２９２６１００２０４,全角村\n"  # 10 full-width digits are fine
)


@pytest.fixture
def regions(db):
    services.load_reference()


def test_report_names_every_bad_line(regions):
    report = services.import_villages(GOOD_AND_BAD.encode("utf-8"))
    assert (report.rows, report.created, report.rejected, report.duplicates) == (8, 3, 4, 1)
    assert sorted(e.row for e in report.errors) == [4, 5, 6, 8]
    assert {e.column for e in report.errors} == {"code", "name"}
    assert [w.row for w in report.warnings] == [3]
    assert Region.objects.get(code="622926100202").name == "乙村新名"
    assert Region.objects.get(code="622926100204").parent.code == "622926100000"
    assert not Region.objects.filter(code__in=["622926999201", "622926100203"]).exists()


def test_second_import_changes_nothing(regions):
    services.import_villages(GOOD_AND_BAD.encode("utf-8"))
    again = services.import_villages(GOOD_AND_BAD.encode("utf-8"))
    assert again.created == 0 and again.updated == 0 and again.unchanged == 3


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_encodings(regions, encoding):
    report = services.import_villages("code,name\n622926100201,锁南村\n".encode(encoding))
    assert report.created == 1
    assert Region.objects.get(code="622926100201").name == "锁南村"


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x01\x02binary", "名称,地址\n1,2\n".encode(), b"PK\x03\x04\x00\x00zip"],
)
def test_unusable_files_write_nothing(regions, data):
    before = Region.objects.count()
    with pytest.raises(UnusableFile):
        services.import_villages(data)
    assert Region.objects.count() == before


def test_command_exit_codes_and_report(regions, tmp_path, capsys):
    good = tmp_path / "villages.csv"
    good.write_bytes(GOOD_AND_BAD.encode("utf-8-sig"))
    report_path = tmp_path / "report.json"
    call_command("regions", "import", str(good), "--report", str(report_path))
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["rows"] == 8 and report["rejected"] == 4
    assert {"row": 5, "column": "code", "message": report["errors"][1]["message"]} in report[
        "errors"
    ]
    err = capsys.readouterr().err
    assert "line 4" in err and "第 4 行" in err

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x00")
    with pytest.raises(CommandError) as exc:
        call_command("regions", "import", str(bad))
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("regions", "import", str(tmp_path / "missing.csv"))
    assert exc.value.returncode == 2
