"""Import benchmark: jifu's ledger import against the floor and against pandas.

``make bench-import`` (or ``python -m bench.import_bench``) generates a
ledger xlsx with the demo-data generator, cached as
``var/bench/ledger-{rows}-{seed}.xlsx``, and imports it into PostgreSQL and
SQLite with four contestants, each in a fresh subprocess:

* jifu — ``jifu.registry.importers.import_persons`` (calamine engine),
  validating, encrypting and upserting households and persons;
* the floor — python-calamine ``to_python()`` of the sheet, then one
  PostgreSQL ``COPY`` of all 25 columns as text into a plain table (SQLite:
  ``executemany`` INSERT in one transaction): no checks, no encryption;
* pandas — ``pd.read_excel(path, dtype=str)`` then ``DataFrame.to_sql``, once
  with pandas' default engine (openpyxl) and once with ``engine="calamine"``.

Wall time runs inside each subprocess from just before the file is opened to
the final commit (interpreter start, imports and ``django.setup()`` are
outside it; opening the database connection is inside). Peak memory is the
subprocess's high-water resident set (``VmHWM``), interpreter and imports
included. See bench/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "bench.sqlite3"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "jifu_bench"
FLOOR_TABLE = "bench_floor"
PANDAS_TABLE = "pandas_ledger"
PANDAS_CHUNKSIZE = 10_000
MARK = "BENCH_RESULT "

CONTESTANTS = ("jifu", "floor", "pandas-openpyxl", "pandas-calamine")
LABELS = {
    "jifu": "jifu import_persons (calamine)",
    ("floor", "postgres"): "floor: calamine + COPY",
    ("floor", "sqlite"): "floor: calamine + executemany",
    "pandas-openpyxl": "pandas read_excel (openpyxl) + to_sql",
    "pandas-calamine": "pandas read_excel (calamine) + to_sql",
}


# --------------------------------------------------------------------------
# Where things are
# --------------------------------------------------------------------------


def ledger_path(rows: int, seed: int) -> Path:
    return BENCH_DIR / f"ledger-{rows}-{seed}.xlsx"


def pg_url(admin_url: str, dbname: str) -> str:
    base, _, query = admin_url.partition("?")
    base = base.rsplit("/", 1)[0] + "/" + dbname
    return base + ("?" + query if query else "")


def django_url(db: str, admin_url: str) -> str:
    if db == "postgres":
        return pg_url(admin_url, PG_DB)
    return f"sqlite:///{SQLITE_PATH}"


def child_env(db: str, admin_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=django_url(db, admin_url),
        JIFU_VAR_DIR=str(BENCH_DIR),
        DJANGO_SETTINGS_MODULE="jifu.settings",
        DEBUG="0",  # as deployed: no query log
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


# --------------------------------------------------------------------------
# Measuring inside a subprocess
# --------------------------------------------------------------------------


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def peak_mib() -> float:
    """High-water RSS of this process (VmHWM; ru_maxrss where /proc is missing)."""
    try:
        kib = _status_kib("VmHWM")
    except OSError:
        kib = 0
    return (kib or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


def rss_mib() -> float:
    try:
        return _status_kib("VmRSS") / 1024
    except OSError:
        return 0.0


def emit(result: dict) -> None:
    result["peak_mib"] = round(peak_mib(), 1)
    # Other work on the machine skews the times: the 1-minute load at the end shows it
    # (this process and the database server alone make about 1-1.5).
    result["load_1min"] = round(os.getloadavg()[0], 2)
    print(MARK + json.dumps(result, ensure_ascii=False), flush=True)


def django_setup() -> None:
    import django

    django.setup()


# --------------------------------------------------------------------------
# Children: setup, data file, contestants
# --------------------------------------------------------------------------


def child_setup(args) -> None:
    """Migrate, load the reference regions and create the generator's villages."""
    django_setup()
    from django.core.management import call_command
    from django.db import transaction

    from jifu.demo import generator
    from jifu.regions import services as region_services

    call_command("migrate", interactive=False, verbosity=0)
    region_services.load_reference()
    with transaction.atomic():
        created = region_services.ensure_villages(
            generator.plan_villages(args.rows, None, args.seed), source="bench"
        )
    emit({"villages_created": created})


def child_generate(args) -> None:
    """Write the ledger xlsx for (rows, seed) with openpyxl's write-only mode."""
    django_setup()
    import openpyxl

    from jifu.demo import generator
    from jifu.demo.loader import LEDGER_HEADERS, ledger_rows

    target = Path(args.file)
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    # Households stream from the generator; only the villages are planned up front.
    data = generator.DemoData(
        villages=generator.plan_villages(args.rows, None, args.seed),
        households=generator.iter_households(args.rows, None, args.seed),
    )
    t0 = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("人员台账")
    ws.append(LEDGER_HEADERS)
    n = 0
    for row in ledger_rows(data):
        ws.append([None if v == "" else v for v in row])  # blank cells, as Excel leaves them
        n += 1
        if n % 100_000 == 0:
            print(f"  … {n:,} rows written ({time.perf_counter() - t0:.0f} s)", flush=True)
    wb.save(tmp)
    os.replace(tmp, target)
    emit({"rows": n, "seconds": round(time.perf_counter() - t0, 1)})


def child_jifu(args) -> None:
    django_setup()
    from jifu.registry.importers import import_persons
    from jifu.registry.models import Household, Person

    path = Path(args.file)
    baseline = rss_mib()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    t0 = time.perf_counter()
    report = import_persons(str(path), filename=path.name)
    wall = time.perf_counter() - t0
    if profiler is not None:
        profiler.stop()
        Path(args.profile).write_text(
            profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
        )
        # The whole session too: `pyinstrument --load FILE --show-all` for every frame.
        profiler.last_session.save(str(Path(args.profile).with_suffix(".pyisession")))
    emit(
        {
            "wall": wall,
            "rows": report.rows,
            "stored": Person.objects.count(),
            "households": Household.objects.count(),
            "created": report.created,
            "rejected": report.rejected,
            "duplicates": report.duplicates,
            "first_errors": [(e.row, e.column, e.message) for e in report.errors[:3]],
            "baseline_mib": round(baseline, 1),
        }
    )


def child_floor(args) -> None:
    from python_calamine import load_workbook

    baseline = rss_mib()
    t0 = time.perf_counter()
    rows = load_workbook(args.file).get_sheet_by_index(0).to_python()
    header, data = rows[0], rows[1:]
    t_read = time.perf_counter() - t0
    ncol = len(header)
    columns = ", ".join(f"c{i + 1} text" for i in range(ncol))
    if args.db == "postgres":
        import psycopg

        with psycopg.connect(args.pg_url) as conn:
            with conn.cursor() as cur:
                cur.execute(f"CREATE TABLE {FLOOR_TABLE} ({columns})")
                with cur.copy(f"COPY {FLOOR_TABLE} FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
            conn.commit()
        wall = time.perf_counter() - t0
        with psycopg.connect(args.pg_url) as conn:
            stored = conn.execute(f"SELECT count(*) FROM {FLOOR_TABLE}").fetchone()[0]  # noqa: S608
    else:
        conn = sqlite3.connect(SQLITE_PATH, isolation_level=None)
        conn.execute(f"CREATE TABLE {FLOOR_TABLE} ({columns})")
        conn.execute("BEGIN")
        marks = ", ".join("?" * ncol)
        conn.executemany(f"INSERT INTO {FLOOR_TABLE} VALUES ({marks})", data)  # noqa: S608
        conn.execute("COMMIT")
        wall = time.perf_counter() - t0
        stored = conn.execute(f"SELECT count(*) FROM {FLOOR_TABLE}").fetchone()[0]  # noqa: S608
        conn.close()
    emit(
        {
            "wall": wall,
            "read": t_read,
            "rows": len(data),
            "stored": stored,
            "baseline_mib": round(baseline, 1),
        }
    )


def child_pandas(args) -> None:
    import pandas as pd
    import sqlalchemy

    if args.db == "postgres":
        url = args.pg_url.replace("postgres://", "postgresql+psycopg://", 1)
    else:
        url = f"sqlite:///{SQLITE_PATH}"
    kwargs = {} if args.engine == "default" else {"engine": args.engine}
    baseline = rss_mib()
    t0 = time.perf_counter()
    df = pd.read_excel(args.file, dtype=str, **kwargs)
    t_read = time.perf_counter() - t0
    engine = sqlalchemy.create_engine(url)
    df.to_sql(PANDAS_TABLE, engine, if_exists="replace", index=False, chunksize=PANDAS_CHUNKSIZE)
    wall = time.perf_counter() - t0
    with engine.connect() as conn:
        stored = conn.execute(sqlalchemy.text(f"SELECT count(*) FROM {PANDAS_TABLE}")).scalar()  # noqa: S608
    engine.dispose()
    emit(
        {
            "wall": wall,
            "read": t_read,
            "rows": len(df),
            "stored": stored,
            "baseline_mib": round(baseline, 1),
            "pandas": pd.__version__,
        }
    )


# --------------------------------------------------------------------------
# The orchestrator: fresh databases, resets, subprocesses, the table
# --------------------------------------------------------------------------


def run_child(kind: str, db: str, args, **extra) -> dict:
    cmd = [sys.executable, "-m", "bench.import_bench", "_child", kind, "--db", db]
    cmd += ["--rows", str(extra.pop("rows", args.rows)), "--seed", str(args.seed)]
    cmd += ["--pg-url", pg_url(args.pg_admin_url, PG_DB)]
    for key, value in extra.items():
        if value is not None and value is not False:
            cmd += [f"--{key.replace('_', '-')}", str(value)]
    proc = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        cmd, cwd=ROOT, env=child_env(db, args.pg_admin_url), stdout=subprocess.PIPE, text=True
    )
    result = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(MARK):
            result = json.loads(line[len(MARK) :])
        else:
            print("    " + line.rstrip(), flush=True)
    if proc.wait() != 0 or result is None:
        raise SystemExit(f"bench child {kind} ({db}) failed with exit code {proc.returncode}")
    return result


def fresh_database(db: str, args) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if db == "postgres":
        import psycopg

        with psycopg.connect(args.pg_admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    result = run_child("setup", db, args)
    print(f"  {db}: fresh database, {result['villages_created']} villages", flush=True)


def reset(db: str, args) -> None:
    """Empty the registry, drop the other contestants' tables, flush to disk."""
    if db == "postgres":
        import psycopg

        with psycopg.connect(pg_url(args.pg_admin_url, PG_DB), autocommit=True) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    " AND tablename LIKE 'registry\\_%'"
                )
            ]
            if tables:
                conn.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
            conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}, {PANDAS_TABLE}")
            conn.execute("VACUUM ANALYZE")
            conn.execute("CHECKPOINT")
    else:
        conn = sqlite3.connect(SQLITE_PATH, isolation_level=None)
        # Django's SQLite backend provides REGEXP; VACUUM re-checks the schema that uses it.
        conn.create_function(
            "REGEXP", 2, lambda p, s: s is not None and re.search(p, str(s)) is not None
        )
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'registry\\_%'"
                " ESCAPE '\\'"
            )
        ]
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("BEGIN")
        for table in tables:
            conn.execute(f'DELETE FROM "{table}"')  # noqa: S608
        if tables:
            marks = ", ".join("?" * len(tables))
            conn.execute(f"DELETE FROM sqlite_sequence WHERE name IN ({marks})", tables)  # noqa: S608
        conn.execute("COMMIT")
        conn.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        conn.execute(f"DROP TABLE IF EXISTS {PANDAS_TABLE}")
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    os.sync()


def ensure_ledger(rows: int, db: str, args) -> Path:
    path = ledger_path(rows, args.seed)
    if path.exists():
        print(f"  ledger: {path.relative_to(ROOT)} (cached)", flush=True)
        return path
    print(f"  ledger: writing {path.relative_to(ROOT)} — {rows:,} rows, takes a while", flush=True)
    result = run_child("generate", db, args, rows=rows, file=path)
    size = path.stat().st_size / 1024 / 1024
    print(f"  ledger: {result['rows']:,} rows, {size:.1f} MiB in {result['seconds']} s", flush=True)
    return path


def measure(name: str, db: str, path: Path, args) -> dict:
    reset(db, args)
    print(f"  {db}: {LABELS.get(name) or LABELS[(name, db)]} …", flush=True)
    if name == "jifu":
        profile = None
        if args.profile:
            profile = BENCH_DIR / f"profile-jifu-{db}-{args.rows}-{args.seed}.txt"
        r = run_child("jifu", db, args, file=path, profile=profile)
        if r["rejected"] or r["stored"] != r["rows"]:
            raise SystemExit(f"jifu stored {r['stored']} of {r['rows']} rows: {r['first_errors']}")
        if profile:
            print(f"    profile written to {profile.relative_to(ROOT)}")
    elif name == "floor":
        r = run_child("floor", db, args, file=path)
    else:
        r = run_child("pandas", db, args, file=path, engine=name.split("-", 1)[1])
    if r["stored"] != r["rows"]:
        raise SystemExit(f"{name} stored {r['stored']} of {r['rows']} rows")
    r["name"] = name
    r["label"] = LABELS.get(name) or LABELS[(name, db)]
    r["rate"] = r["rows"] / r["wall"]
    print(
        f"    {r['rows']:,} rows in {r['wall']:.1f} s, peak {r['peak_mib']:.0f} MiB",
        flush=True,
    )
    return r


def table(db: str, results: list[dict], args) -> str:
    floor = next((r for r in results if r["name"] == "floor"), None)
    lines = [
        f"{'PostgreSQL' if db == 'postgres' else 'SQLite'} — ledger-{args.rows}-{args.seed}.xlsx",
        "",
        "| contestant | rows | wall s | rows/s | peak MiB | vs floor (time ×) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes = []
    for r in results:
        label = r["label"]
        if floor is None:
            ratio = "—"
        elif r["rows"] == floor["rows"]:
            ratio = f"{r['wall'] / floor['wall']:.2f}"
        else:
            ratio = f"{floor['rate'] / r['rate']:.2f}*"
        if r["rows"] != args.rows:
            label += f" (measured on {r['rows']:,} rows)*"
            notes.append(
                "* measured on a smaller file; “vs floor” compares rows/s, and its peak "
                "memory is not comparable with the others"
            )
        lines.append(
            f"| {label} | {r['rows']:,} | {r['wall']:.1f} | {r['rate']:,.0f} | "
            f"{r['peak_mib']:,.0f} | {ratio} |"
        )
    lines += ["", *dict.fromkeys(notes)]
    if all("load_1min" in r for r in results):
        loads = ", ".join(f"{r['name']} {r['load_1min']:.1f}" for r in results)
        lines.append(f"1-minute load average at the end of each run (about 1–1.5 is ours): {loads}")
    jifu = next((r for r in results if r["name"] == "jifu"), None)
    if jifu is None:
        return "\n".join(lines)

    def verdict(ok: bool) -> str:
        return "MET" if ok else "MISSED"

    if floor is not None:
        ratio = jifu["wall"] / floor["wall"] if jifu["rows"] == floor["rows"] else None
        if ratio is None:
            ratio = floor["rate"] / jifu["rate"]
        lines.append(f"target jifu ≤ 2× floor time: {verdict(ratio <= 2)} ({ratio:.2f}×)")
    for name in ("pandas-openpyxl", "pandas-calamine"):
        other = next((r for r in results if r["name"] == name), None)
        what = LABELS[name].split(" + ")[0]
        if other is None:
            lines.append(f"target jifu faster than {what}: not measured")
            continue
        speedup = jifu["rate"] / other["rate"]
        lines.append(
            f"target jifu faster than {what}: {verdict(speedup > 1)} "
            f"({jifu['rate']:,.0f} vs {other['rate']:,.0f} rows/s, {speedup:.2f}×)"
        )
    if floor is not None:
        lines.append(
            f"target jifu peak ≤ floor peak: {verdict(jifu['peak_mib'] <= floor['peak_mib'])} "
            f"({jifu['peak_mib']:,.0f} vs {floor['peak_mib']:,.0f} MiB)"
        )
    return "\n".join(lines)


def orchestrate(args) -> None:
    dbs = ["postgres", "sqlite"] if args.db == "both" else [args.db]
    only = set(args.only or ["jifu", "floor", "pandas"])
    names = [
        n
        for n in CONTESTANTS
        if n.split("-")[0] in only and not (n == "pandas-openpyxl" and args.skip_pandas_default)
    ]
    pandas_default_rows = args.pandas_default_rows or args.rows
    tables = []
    for db in dbs:
        print(f"== {db} ==", flush=True)
        fresh_database(db, args)
        path = ensure_ledger(args.rows, db, args)
        results = []
        for name in names:
            file = path
            if name == "pandas-openpyxl" and pandas_default_rows != args.rows:
                file = ensure_ledger(pandas_default_rows, db, args)
            results.append(measure(name, db, file, args))
        reset(db, args)
        out = BENCH_DIR / f"results-{db}-{args.rows}-{args.seed}.json"
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        tables.append(table(db, results, args))
    print()
    print("\n\n".join(tables))


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        parser = argparse.ArgumentParser(prog="import_bench _child")
        parser.add_argument("kind", choices=["setup", "generate", "jifu", "floor", "pandas"])
        parser.add_argument("--db", required=True)
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--pg-url", required=True)
        parser.add_argument("--file")
        parser.add_argument("--engine", default="default")
        parser.add_argument("--profile")
        args = parser.parse_args(argv[1:])
        {
            "setup": child_setup,
            "generate": child_generate,
            "jifu": child_jifu,
            "floor": child_floor,
            "pandas": child_pandas,
        }[args.kind](args)
        return

    parser = argparse.ArgumentParser(
        prog="python -m bench.import_bench",
        description="jifu's ledger import against the calamine+COPY floor and pandas",
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="ledger rows (1,000,000)")
    parser.add_argument("--seed", type=int, default=0, help="demo generator seed (0)")
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument(
        "--only",
        action="append",
        choices=["jifu", "floor", "pandas"],
        help="run only this contestant (repeatable)",
    )
    parser.add_argument(
        "--skip-pandas-default",
        action="store_true",
        help="skip pandas with its default engine (openpyxl: slow on big files)",
    )
    parser.add_argument(
        "--pandas-default-rows",
        type=int,
        help="measure pandas' default engine on a ledger of this many rows instead",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile the jifu import with pyinstrument (var/bench/profile-*.txt)",
    )
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("BENCH_PG_URL", PG_ADMIN_URL),
        help=f"PostgreSQL server to use; the {PG_DB} database is dropped and re-created",
    )
    args = parser.parse_args(argv)
    orchestrate(args)


if __name__ == "__main__":
    main()
