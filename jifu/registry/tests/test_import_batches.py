"""An import is atomic per batch: a crash leaves no half-applied batch, and a rerun completes it."""

import os
import signal
import subprocess
import sys
import time

import pytest

from jifu.demo import generator, loader
from jifu.regions import services as region_services
from jifu.registry import importers
from jifu.registry.models import Household, Person


@pytest.fixture
def demo_ledger(db):
    region_services.load_reference()
    data = generator.generate(persons=300, counties=["622926"], seed=7)
    region_services.ensure_villages(data.villages)
    return loader.ledger_bytes(data), data


def test_crash_in_a_batch_leaves_it_unapplied(demo_ledger, monkeypatch):
    content, data = demo_ledger
    monkeypatch.setattr(importers, "BATCH_SIZE", 100)
    calls = {"n": 0}
    real_apply = importers.PersonImport._apply

    def crashing_apply(self, parsed, report):
        calls["n"] += 1
        real_apply(self, parsed, report)
        if calls["n"] == 2:
            raise RuntimeError("power cut")  # after the writes, before the batch commits

    monkeypatch.setattr(importers.PersonImport, "_apply", crashing_apply)
    with pytest.raises(RuntimeError):
        importers.import_persons(content, filename="demo.csv")
    # Batch 1 committed whole; batch 2 rolled back whole.
    assert Person.objects.count() == 100
    monkeypatch.setattr(importers.PersonImport, "_apply", real_apply)
    report = importers.import_persons(content, filename="demo.csv")
    assert (report.created, report.unchanged, report.rejected) == (200, 100, 0)
    assert Person.objects.count() == 300
    assert Household.objects.count() == len(data.households)


@pytest.mark.skipif(sys.platform != "linux", reason="uses POSIX signals")
def test_kill_minus_nine_then_rerun(tmp_path):
    """A real `kill -9` of `jifu import persons` in the middle of a file."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'kill.sqlite3'}", JIFU_VAR_DIR=str(tmp_path))
    jifu = [sys.executable, "-m", "jifu.cli"]

    def run(*args, **kwargs):
        return subprocess.run(
            [*jifu, *args], env=env, capture_output=True, text=True, timeout=300, **kwargs
        )

    assert run("migrate", "-v0").returncode == 0
    ledger = tmp_path / "ledger.csv"
    made = run(
        "demo-data",
        "--persons",
        "8000",
        "--counties",
        "622926",
        "--seed",
        "3",
        "--no-users",
        "--enrolments",
        "0",
        "--out",
        str(ledger),
    )
    assert made.returncode == 0, made.stderr
    # demo-data imported them already: start from an empty registry with the villages in place.
    import sqlite3

    with sqlite3.connect(tmp_path / "kill.sqlite3") as db:
        db.execute("DELETE FROM registry_householdstatusperiod")
        db.execute("UPDATE registry_household SET head_id = NULL")
        db.execute("DELETE FROM registry_person")
        db.execute("DELETE FROM registry_household")
    proc = subprocess.Popen(
        [*jifu, "import", "-v", "2", "persons", str(ledger)],
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    # Wait until at least one batch has committed, then kill without warning.
    deadline = time.time() + 240
    while time.time() < deadline:
        line = proc.stderr.readline()
        if line.startswith("…") or not line:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(tmp_path / "kill.sqlite3") as db:
        persons = db.execute("SELECT COUNT(*) FROM registry_person").fetchone()[0]
        orphans = db.execute(
            "SELECT COUNT(*) FROM registry_household h WHERE NOT EXISTS "
            "(SELECT 1 FROM registry_person p WHERE p.household_id = h.id)"
        ).fetchone()[0]
    assert 0 < persons < 8000
    assert persons % importers.BATCH_SIZE == 0  # whole batches only
    assert orphans == 0  # no household without the members its batch brought
    rerun = run("import", "persons", str(ledger))
    assert rerun.returncode == 0, rerun.stderr
    assert f"新增 {8000 - persons}" in rerun.stdout
    with sqlite3.connect(tmp_path / "kill.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM registry_person").fetchone()[0] == 8000
