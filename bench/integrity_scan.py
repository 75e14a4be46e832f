"""Integrity-scan benchmark: every rule of ``jifu.integrity`` over a big synthetic
deployment on PostgreSQL, beside a baseline measured in the same run.

``make bench-integrity`` (or ``python -m bench.integrity_scan``) drops and
re-creates the database ``jifu_bench_integrity``, migrates it, loads the
regions, and fills it with ``bench.integrity_data`` (COPY, known planted cases)
in a subprocess; then ``VACUUM ANALYZE``; then, in a fresh subprocess:

1. the baseline — ``SELECT count(*)`` of persons and of enrolments, and
   ``SELECT village_code, count(*) FROM registry_person GROUP BY 1`` (a full
   scan and aggregate of the biggest table): what this machine and server take
   for plain work on the same data;
2. each rule of ``rules.RULES`` alone, then ``weak_perfect_attendance`` over
   the classes they flagged, with every query they send timed;
3. ``services.scan(prefix="")`` end to end (rules + storing the findings),
   then once more (the nightly rescan: findings found again are updated);
4. ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest queries.

Scales (``--scale`` or ``SCALE``): ``small`` 20,000 persons / 8,000 enrolments,
``1m`` 1,000,000 / 400,000 (the default), ``5m`` 5,000,000 / 2,000,000.
The table goes to stdout, the numbers to ``var/bench/integrity-{scale}-{seed}.json``
and the plans to ``var/bench/integrity-explain-{scale}-{seed}.txt``. The
database is dropped at the end unless ``--keep``. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "jifu_bench_integrity"
MARK = "BENCH_RESULT "
# A fixed data key: the benchmark's ciphertexts need never be read back.
BENCH_DATA_KEY = "1:YmVuY2gtaW50ZWdyaXR5LWtleS0wMDAwMDAwMDAwMDA="

# What each rule reads most of: (label, SQL counting it).
SCANNED = {
    "overlapping_enrolment": ("enrolments", "SELECT count(*) FROM training_enrolment"),
    "trainee_ineligible": ("enrolments", "SELECT count(*) FROM training_enrolment"),
    "shared_account": ("persons", "SELECT count(*) FROM registry_person"),
    "shared_phone": ("persons", "SELECT count(*) FROM registry_person"),
    "certificate_anomaly": ("certificates", "SELECT count(*) FROM training_certificate"),
    "subsidy_rule_breach": ("claim lines", "SELECT count(*) FROM subsidies_claimline"),
    "impossible_attendance": ("attendance records", "SELECT count(*) FROM training_attendance"),
    "institution_out_of_scope": ("classes", "SELECT count(*) FROM training_trainingclass"),
    "placement_before_training_end": ("placements", "SELECT count(*) FROM employment_placement"),
    "out_of_area_trainees": ("enrolments", "SELECT count(*) FROM training_enrolment"),
}
BASELINE = [
    ("count(*) persons", "SELECT count(*) FROM registry_person"),
    ("count(*) enrolments", "SELECT count(*) FROM training_enrolment"),
    (
        "persons GROUP BY village_code",
        "SELECT village_code, count(*) FROM registry_person GROUP BY village_code",
    ),
    ("persons sum(length(name)): every heap page", "SELECT sum(length(name)) FROM registry_person"),
]


def pg_url(admin_url: str, dbname: str) -> str:
    base, _, query = admin_url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + dbname + ("?" + query if query else "")


def child_env(args) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=pg_url(args.pg_admin_url, PG_DB),
        JIFU_VAR_DIR=str(BENCH_DIR),
        JIFU_DATA_KEY=BENCH_DATA_KEY,
        DJANGO_SETTINGS_MODULE="jifu.settings",
        DEBUG="0",  # as deployed: no query log
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def emit(result: dict) -> None:
    result["peak_mib"] = round(peak_mib(), 1)
    result["load_1min"] = round(os.getloadavg()[0], 2)
    print(MARK + json.dumps(result, ensure_ascii=False, default=str), flush=True)


def django_setup() -> None:
    import django

    django.setup()


# --------------------------------------------------------------------------
# Children
# --------------------------------------------------------------------------


def child_setup(args) -> None:
    django_setup()
    from django.core.management import call_command
    from django.db import transaction

    from jifu.demo import generator
    from jifu.regions import services as region_services

    from .integrity_data import SCALES

    persons, _ = SCALES[args.scale]
    call_command("migrate", interactive=False, verbosity=0)
    region_services.load_reference()
    with transaction.atomic():
        created = region_services.ensure_villages(
            generator.plan_villages(persons, None, args.seed), source="bench"
        )
    emit({"villages_created": created})


def child_generate(args) -> None:
    django_setup()
    from .integrity_data import SCALES, Builder

    persons, enrolments = SCALES[args.scale]
    t0 = time.perf_counter()
    built = Builder(persons, enrolments, args.seed, log=lambda m: print(m, flush=True)).build()
    emit(
        {
            "seconds": round(time.perf_counter() - t0, 1),
            "persons": built.persons,
            "households": built.households,
            "planted": built.planted,
            "rows": built.rows,
            "steps": built.seconds,
        }
    )


class _Recorder:
    """Times every query sent through Django's connection (execute_wrapper)."""

    def __init__(self):
        self.queries: list[dict] = []

    def __call__(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(
                {"sql": sql, "params": params, "many": many, "s": time.perf_counter() - t0}
            )


def _timed(cursor, sql: str) -> float:
    t0 = time.perf_counter()
    cursor.execute(sql)
    cursor.fetchall()
    return time.perf_counter() - t0


def child_scan(args) -> None:
    django_setup()
    from django.db import connection

    from jifu.integrity import rules, services

    out: dict = {"rules": [], "explain": []}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        out["server"] = cursor.fetchone()[0]
        out["settings"] = {}
        for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"):
            cursor.execute(f"SHOW {name}")
            out["settings"][name] = cursor.fetchone()[0]
        counts = {}
        for label, sql in SCANNED.values():
            if label not in counts:
                cursor.execute(sql)
                counts[label] = cursor.fetchone()[0]
        out["counts"] = counts
        # The baseline, before the rules (and again after them, to see drift).
        out["baseline"] = {label: round(_timed(cursor, sql), 3) for label, sql in BASELINE}

    def run(name, fn):
        recorder = _Recorder()
        t0 = time.perf_counter()
        with connection.execute_wrapper(recorder):
            found = fn()
        seconds = time.perf_counter() - t0
        slowest = max(recorder.queries, key=lambda q: q["s"], default=None)
        label, _sql = SCANNED.get(name, ("enrolments of flagged classes", None))
        row = {
            "rule": name,
            "scanned": label,
            "rows": counts.get(label),
            "findings": len(found),
            "queries": len(recorder.queries),
            "seconds": round(seconds, 3),
            "slowest_query_s": round(slowest["s"], 3) if slowest else 0,
        }
        print(
            f"    {name}: {row['findings']} findings, {row['queries']} queries, {seconds:.2f} s",
            flush=True,
        )
        return row, found, recorder.queries

    all_found, all_queries = [], []
    for fn in rules.RULES:
        row, found, queries = run(fn.__name__, lambda fn=fn: fn(""))
        out["rules"].append(row)
        all_found += found
        all_queries += [dict(q, rule=fn.__name__) for q in queries]
    flagged = {c for f in all_found for c in f.classes}
    row, found, queries = run(
        "weak_perfect_attendance", lambda: rules.weak_perfect_attendance("", flagged)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM training_enrolment WHERE training_class_id = ANY(%s)",
            [list(flagged)],
        )
        row["rows"] = cursor.fetchone()[0]
    out["rules"].append(row)
    all_queries += [dict(q, rule="weak_perfect_attendance") for q in queries]
    out["rules_seconds"] = round(sum(r["seconds"] for r in out["rules"]), 3)

    for key, trigger in (("scan", "bench"), ("rescan", "bench-again")):
        t0 = time.perf_counter()
        result = services.scan(prefix="", trigger=trigger)
        out[key] = {
            "seconds": round(time.perf_counter() - t0, 3),
            "found": result.run.found,
            "new": result.run.new,
        }
        print(f"    services.scan ({key}): {result.run.found} findings, "
              f"{out[key]['seconds']:.1f} s", flush=True)  # fmt: skip

    with connection.cursor() as cursor:
        out["baseline_after"] = {label: round(_timed(cursor, sql), 3) for label, sql in BASELINE}
    # EXPLAIN ANALYZE the slowest queries (each runs once more).
    slowest = sorted((q for q in all_queries if not q["many"]), key=lambda q: q["s"], reverse=True)[
        : args.explain
    ]
    with connection.cursor() as cursor:
        for q in slowest:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"], q["params"])
            plan = "\n".join(r[0] for r in cursor.fetchall())
            out["explain"].append(
                {"rule": q["rule"], "seconds": round(q["s"], 3), "sql": q["sql"],
                 "params": q["params"], "plan": plan}
            )  # fmt: skip
    emit(out)


# --------------------------------------------------------------------------
# The orchestrator
# --------------------------------------------------------------------------


def run_child(kind: str, args) -> dict:
    cmd = [sys.executable, "-m", "bench.integrity_scan", "_child", kind]
    cmd += ["--scale", args.scale, "--seed", str(args.seed), "--explain", str(args.explain)]
    proc = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        cmd, cwd=ROOT, env=child_env(args), stdout=subprocess.PIPE, text=True
    )
    result = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(MARK):
            result = json.loads(line[len(MARK) :])
        else:
            print("  " + line.rstrip(), flush=True)
    if proc.wait() != 0 or result is None:
        raise SystemExit(f"bench child {kind} failed with exit code {proc.returncode}")
    return result


def admin(args, *statements: str, db: str | None = None) -> list:
    import psycopg

    url = pg_url(args.pg_admin_url, db) if db else args.pg_admin_url
    out = []
    with psycopg.connect(url, autocommit=True) as conn:
        for sql in statements:
            cur = conn.execute(sql)
            out.append(cur.fetchall() if cur.description else None)
    return out


def data_directory(args) -> str | None:
    try:
        return admin(args, "SHOW data_directory")[0][0][0]
    except Exception:  # noqa: BLE001 - only for the disk report
        return None


def disk_free_gib(path: str | None) -> float | None:
    try:
        return round(shutil.disk_usage(path or "/").free / 2**30, 1)
    except OSError:
        return None


def fmt_s(x: float) -> str:
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def table(report: dict) -> str:
    gen, scan = report["generate"], report["scan"]
    planted = gen["planted"]
    base = scan["baseline"]["persons GROUP BY village_code"]
    lines = [
        f"Integrity scan — scale {report['scale']} ({gen['persons']:,} persons, "
        f"{scan['counts']['enrolments']:,} enrolments), seed {report['seed']}",
        "",
        "| rule | rows scanned | planted | findings | queries | s | × baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in scan["rules"]:
        rows = f"{r['rows']:,} {r['scanned']}" if r["rows"] is not None else r["scanned"]
        mark = "" if planted.get(r["rule"]) == r["findings"] else " ≠"
        lines.append(
            f"| {r['rule']} | {rows} | {planted.get(r['rule'], '—')} | {r['findings']}{mark} | "
            f"{r['queries']} | {fmt_s(r['seconds'])} | {r['seconds'] / base:.1f} |"
        )
    total_planted = sum(planted.values())
    total_found = sum(r["findings"] for r in scan["rules"])
    lines.append(
        f"| **all rules, one by one** | | {total_planted} | {total_found} | "
        f"{sum(r['queries'] for r in scan['rules'])} | {fmt_s(scan['rules_seconds'])} | "
        f"{scan['rules_seconds'] / base:.1f} |"
    )
    for key, label in (("scan", "services.scan end to end"), ("rescan", "services.scan again")):
        s = scan[key]
        lines.append(
            f"| **{label}** | | | {s['found']} ({s['new']} new) | | {fmt_s(s['seconds'])} | "
            f"{s['seconds'] / base:.1f} |"
        )
    lines += ["", "| baseline | s (before rules) | s (after scan) |", "| --- | ---: | ---: |"]
    for label in scan["baseline"]:
        lines.append(
            f"| {label} | {scan['baseline'][label]:.3f} | {scan['baseline_after'][label]:.3f} |"
        )
    lines += [
        "",
        f"× baseline: seconds ÷ the GROUP BY baseline ({base:.3f} s). "
        "≠ marks a rule whose findings differ from the cases planted.",
        f"Peak memory (ru_maxrss): scan {scan['peak_mib']:,.0f} MiB, "
        f"data generation {gen['peak_mib']:,.0f} MiB. 1-minute load at the end: "
        f"{scan['load_1min']:.1f}.",
        f"Data: generated in {gen['seconds']:.0f} s "
        f"({', '.join(f'{k} {v:.0f}' for k, v in gen['steps'].items())}), "
        f"VACUUM ANALYZE {report['vacuum_s']:.0f} s; database {report['db_mib']:,.0f} MiB; "
        f"disk free {report['free_before_gib']} → {report['free_after_load_gib']} GiB.",
        f"Server: {scan['server'].split(' on ')[0]}, "
        + ", ".join(f"{k}={v}" for k, v in scan["settings"].items()),
        f"Wall time of the whole run: {report['wall_s']:.0f} s.",
    ]
    return "\n".join(lines)


def orchestrate(args) -> None:
    from .integrity_data import SCALES

    persons, enrolments = SCALES[args.scale]
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    datadir = data_directory(args)
    report = {"scale": args.scale, "seed": args.seed, "persons": persons, "enrolments": enrolments}
    report["free_before_gib"] = disk_free_gib(datadir)
    print(f"== integrity scan benchmark, scale {args.scale}: {persons:,} persons, "
          f"{enrolments:,} enrolments ==", flush=True)  # fmt: skip
    admin(args, f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}")
    try:
        setup = run_child("setup", args)
        print(f"  fresh database {PG_DB}, {setup['villages_created']} villages", flush=True)
        report["generate"] = run_child("generate", args)
        print(f"  generated in {report['generate']['seconds']:.0f} s", flush=True)
        t0 = time.perf_counter()
        admin(args, "VACUUM ANALYZE", "CHECKPOINT", db=PG_DB)
        report["vacuum_s"] = round(time.perf_counter() - t0, 1)
        sizes = admin(
            args,
            f"SELECT pg_database_size('{PG_DB}')",
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "ORDER BY 2 DESC LIMIT 10",
            db=PG_DB,
        )
        report["db_mib"] = round(sizes[0][0][0] / 2**20, 1)
        report["tables_mib"] = {name: round(size / 2**20, 1) for name, size in sizes[1]}
        report["free_after_load_gib"] = disk_free_gib(datadir)
        os.sync()
        report["scan"] = run_child("scan", args)
    finally:
        if not args.keep:
            admin(args, f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            print(f"  dropped {PG_DB}", flush=True)
    report["wall_s"] = round(time.perf_counter() - t_start, 1)
    stem = f"{args.scale}-{args.seed}"
    (BENCH_DIR / f"integrity-{stem}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    plans = [
        f"-- {e['rule']}: {e['seconds']} s\n{e['sql']}\n-- params: {e['params']}\n\n{e['plan']}\n"
        for e in report["scan"]["explain"]
    ]
    explain_path = BENCH_DIR / f"integrity-explain-{stem}.txt"
    explain_path.write_text("\n\n".join(plans), encoding="utf-8")
    print()
    print(table(report))
    print()
    print(
        "Largest tables (MiB): "
        + ", ".join(f"{k} {v:,.0f}" for k, v in report["tables_mib"].items())
    )
    if report["scan"]["explain"]:
        e = report["scan"]["explain"][0]
        print(f"\nThe slowest query ({e['rule']}, {e['seconds']} s), EXPLAIN (ANALYZE, BUFFERS):\n")
        print(e["plan"])
        print(f"\nAll plans: {explain_path.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> None:
    from .integrity_data import SCALES

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_child":
        parser = argparse.ArgumentParser(prog="integrity_scan _child")
        parser.add_argument("kind", choices=["setup", "generate", "scan"])
        parser.add_argument("--scale", required=True, choices=list(SCALES))
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument("--explain", type=int, default=3)
        args = parser.parse_args(argv[1:])
        {"setup": child_setup, "generate": child_generate, "scan": child_scan}[args.kind](args)
        return
    parser = argparse.ArgumentParser(
        prog="python -m bench.integrity_scan",
        description="time every integrity rule and services.scan on a big synthetic database",
    )
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default=os.environ.get("SCALE") or "1m",
        help="small (20k persons), 1m (default) or 5m; also the SCALE environment variable",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--explain", type=int, default=3, help="EXPLAIN ANALYZE this many slowest queries"
    )
    parser.add_argument("--keep", action="store_true", help=f"keep {PG_DB} afterwards")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("BENCH_PG_URL", PG_ADMIN_URL),
        help=f"PostgreSQL server; the {PG_DB} database is dropped and re-created",
    )
    orchestrate(parser.parse_args(argv))


if __name__ == "__main__":
    main()
