"""Dashboard benchmark: the province's and a county's dashboard read from the progress
summaries, beside the same figures by a hand-written GROUP BY over the raw tables.

``make bench-dashboard`` (or ``python -m bench.dashboard``) checks the disk, drops
and re-creates the PostgreSQL database ``jifu_bench_dashboard``, migrates it,
loads the regions and fills it with ``bench.dashboard_data`` (the integrity
benchmark's COPY generator plus payments) in a subprocess; ``VACUUM ANALYZE``;
then, in a fresh subprocess:

1. ``summaries.rebuild()`` — the background cost — with every query it sends
   timed, then ``ANALYZE planning_progressfact``;
2. for each case (the province and the county with the most trainees, over the
   whole action as of 2020-12-31 and over 2019 as of 2019-06-30): one warm-up,
   then ``progress.dashboard(region, as_of=…, year=…)`` 50 times (median, p95);
   one warm-up, then the raw GROUP BY 3 times (median); the dashboard's
   figures, its children's trainees and its monthly trend compared with the
   raw ones, number by number;
3. ``EXPLAIN (ANALYZE, BUFFERS)`` of the province dashboard's slowest query
   and of the slowest raw query.

The database is dropped at the end unless ``--keep``. The numbers go to
``var/bench/dashboard-{scale}-{seed}.json``, the plans beside them. Exits
non-zero when a dashboard's numbers differ from the raw ones.

``--demo`` instead measures ``summaries.rebuild()`` (and the dashboards) on
``make demo``'s data: ``loader.build(persons=10000)`` into a fresh SQLite file
under ``var/bench/``, as ``make demo`` would make it.

Scales (``--scale`` or ``SCALE``): ``small`` 20,000 persons / 8,000
enrolments, ``1m`` 1,000,000 / 400,000 (the default), ``5m`` 5,000,000 /
2,000,000 (refused when the disk has too little room).
"""

# The SQL is built from this module's own constant fragments only.
# ruff: noqa: S608

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "jifu_bench_dashboard"
MARK = "BENCH_RESULT "
BENCH_DATA_KEY = "1:YmVuY2gtZGFzaGJvYXJkLWtleS0wMDAwMDAwMDAwMDA="
REQUESTS = 50
RAW_RUNS = 3
# Disk the database needs, GiB per million persons (measured: 1.9 GiB at 1m, 9.5 GiB at 5m),
# with room to spare for VACUUM and the WAL.
GIB_PER_MILLION = 3.0
CASES = [
    # label, which region, as_of, year
    ("province, 2018–2020 as of 2020-12-31", "province", date(2020, 12, 31), None),
    ("county, 2018–2020 as of 2020-12-31", "county", date(2020, 12, 31), None),
    ("province, 2019 as of 2019-06-30", "province", date(2019, 6, 30), 2019),
    ("county, 2019 as of 2019-06-30", "county", date(2019, 6, 30), 2019),
]


def pg_url(admin_url: str, dbname: str) -> str:
    base, _, query = admin_url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + dbname + ("?" + query if query else "")


def child_env(args, database_url: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url or pg_url(args.pg_admin_url, PG_DB),
        JIFU_VAR_DIR=str(BENCH_DIR),
        JIFU_DATA_KEY=BENCH_DATA_KEY,
        DJANGO_SETTINGS_MODULE="jifu.settings",
        DEBUG="0",
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


def emit(result: dict) -> None:
    import resource

    result["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["load_1min"] = round(os.getloadavg()[0], 2)
    print(MARK + json.dumps(result, ensure_ascii=False, default=str), flush=True)


def django_setup() -> None:
    import django

    django.setup()


# --------------------------------------------------------------------------
# The raw GROUP BY: the dashboard's numbers straight from the raw tables
# --------------------------------------------------------------------------

TRAINED = "('enrolled', 'completed')"
HELD = "('approved', 'running', 'completed', 'assessed')"
ENDED = "('completed', 'assessed')"


def raw_queries(outcome_days: int) -> dict[str, str]:
    """metric → SQL with %(prefix)s, %(length)s, %(lo)s, %(hi)s: rows (child, 'YYYY-MM', value)
    for the days lo..hi (trained_persons: every first training, whatever its month)."""
    enrolment = "training_enrolment e JOIN training_trainingclass c ON c.id = e.training_class_id"
    return {
        "trainees": f"""
            SELECT substr(e.village_code, 1, %(length)s), to_char(c.start_date, 'YYYY-MM'), count(*)
            FROM {enrolment}
            WHERE e.status IN {TRAINED} AND c.status IN {HELD}
              AND e.village_code LIKE %(prefix)s AND c.start_date BETWEEN %(lo)s AND %(hi)s
            GROUP BY 1, 2""",
        "completions": f"""
            SELECT substr(e.village_code, 1, %(length)s), to_char(c.end_date, 'YYYY-MM'), count(*)
            FROM {enrolment}
            WHERE e.status = 'completed' AND c.status IN {ENDED}
              AND e.village_code LIKE %(prefix)s AND c.end_date BETWEEN %(lo)s AND %(hi)s
            GROUP BY 1, 2""",
        "certificates": """
            SELECT substr(village_code, 1, %(length)s), to_char(issued_on, 'YYYY-MM'), count(*)
            FROM training_certificate
            WHERE village_code LIKE %(prefix)s AND issued_on BETWEEN %(lo)s AND %(hi)s
            GROUP BY 1, 2""",
        "employed_after_training": f"""
            SELECT substr(e.village_code, 1, %(length)s), to_char(c.end_date, 'YYYY-MM'), count(*)
            FROM {enrolment}
            WHERE e.status = 'completed' AND c.status IN {ENDED}
              AND e.village_code LIKE %(prefix)s AND c.end_date BETWEEN %(lo)s AND %(hi)s
              AND EXISTS (SELECT 1 FROM employment_placement p
                          WHERE p.person_id = e.person_id AND p.start_date >= c.end_date
                            AND p.start_date <= c.end_date + {int(outcome_days)})
            GROUP BY 1, 2""",
        "transfer_employment": """
            SELECT substr(village_code, 1, %(length)s), to_char(start_date, 'YYYY-MM'), count(*)
            FROM employment_placement
            WHERE place IN ('in_province', 'out_of_province')
              AND village_code LIKE %(prefix)s AND start_date BETWEEN %(lo)s AND %(hi)s
            GROUP BY 1, 2""",
        "subsidies_paid": """
            SELECT substr(village_code, 1, %(length)s), to_char(paid_on, 'YYYY-MM'), sum(amount)
            FROM subsidies_payment
            WHERE status = 'paid' AND paid_on IS NOT NULL
              AND village_code LIKE %(prefix)s AND paid_on BETWEEN %(lo)s AND %(hi)s
            GROUP BY 1, 2""",
        # Every first training: the window's months, the cumulative count up to hi, and
        # (coverage's denominator) everyone trained at any time.
        "trained_persons": f"""
            SELECT substr(f.village_code, 1, %(length)s), to_char(f.first_day, 'YYYY-MM'), count(*)
            FROM (
                SELECT p.id, p.village_code, min(c.start_date) AS first_day
                FROM registry_person p
                JOIN training_enrolment e ON e.person_id = p.id
                JOIN training_trainingclass c ON c.id = e.training_class_id
                WHERE p.village_code LIKE %(prefix)s
                  AND e.status IN {TRAINED} AND c.status IN {HELD}
                GROUP BY p.id, p.village_code
            ) f
            GROUP BY 1, 2""",
        "wanting_untrained": f"""
            SELECT substr(p.village_code, 1, %(length)s), '', count(*)
            FROM registry_person p
            WHERE p.status = 'active' AND p.labour_ability IN ('ordinary', 'skilled', 'weak')
              AND p.birth_date <= %(youngest)s AND p.birth_date > %(oldest)s
              AND p.wants_training AND p.village_code LIKE %(prefix)s
              AND NOT EXISTS (SELECT 1 FROM {enrolment}
                              WHERE e.person_id = p.id AND e.status IN {TRAINED}
                                AND c.status IN {HELD})
            GROUP BY 1""",
    }


def _years_back(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def raw_dashboard(cursor, queries, prefix: str, length: int, start: date, end: date, timer=None):
    """The dashboard's numbers from the raw tables: (figures, trainees by child, trend)."""
    import calendar

    lo = start.replace(day=1)
    hi = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    today = date.today()
    params = {
        "prefix": prefix + "%",
        "length": length,
        "lo": lo,
        "hi": hi,
        "youngest": _years_back(today, 16),
        "oldest": _years_back(today, 61),
    }
    rows = {}
    for metric, sql in queries.items():
        t0 = time.perf_counter()
        cursor.execute(sql, params)
        rows[metric] = cursor.fetchall()
        if timer is not None:
            timer.setdefault(metric, []).append(time.perf_counter() - t0)
    low, high = f"{lo:%Y-%m}", f"{hi:%Y-%m}"
    figures = {}
    for metric, found in rows.items():
        if metric == "wanting_untrained":
            continue
        figures[metric] = sum(
            (Decimal(v) for _c, month, v in found if low <= month <= high), Decimal("0")
        )
    trained_ever = sum(
        (Decimal(v) for _c, month, v in rows["trained_persons"] if month <= high), Decimal("0")
    )
    trained_any = sum((Decimal(v) for _c, _m, v in rows["trained_persons"]), Decimal("0"))
    wanting = sum((Decimal(v) for _c, _m, v in rows["wanting_untrained"]), Decimal("0"))
    figures["wanting_untrained"] = wanting
    figures["trained_persons_cumulative"] = trained_ever
    # Everyone who wanted training: trained by the end, trained since, or still waiting.
    total = trained_any + wanting
    figures["coverage"] = trained_ever / total if total else None
    children: dict[str, Decimal] = {}
    months: dict[str, Decimal] = {}
    for child, month, v in rows["trainees"]:
        children[child] = children.get(child, Decimal("0")) + Decimal(v)
        months[month] = months.get(month, Decimal("0")) + Decimal(v)
    trend, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        key = f"{y}-{m:02d}"
        trend.append((key, months.get(key, Decimal("0"))))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return figures, children, trend


def compare(board, raw, length: int) -> list[str]:
    """Every number the dashboard shows against the raw one; the differences."""
    figures, children, trend = raw
    problems = []
    for key, want in figures.items():
        got = board.figures.get(key)
        same = (got is None and want is None) or (
            got is not None and want is not None and Decimal(got) == Decimal(want)
        )
        if not same:
            problems.append(f"figure {key}: dashboard {got} ≠ raw {want}")
    shown = {c.region.code[:length]: c.achieved for c in board.children}
    for child in sorted(set(shown) | set(children)):
        got, want = shown.get(child), children.get(child, Decimal("0"))
        if got is None or Decimal(got) != want:
            problems.append(f"child {child}: dashboard {got} ≠ raw {want}")
    if [(k, Decimal(v)) for k, v in board.trend] != trend:
        problems.append(f"trend: dashboard {board.trend} ≠ raw {trend}")
    return problems


# --------------------------------------------------------------------------
# Children
# --------------------------------------------------------------------------


def child_setup(args) -> None:
    django_setup()
    from django.core.management import call_command
    from django.db import transaction

    from jifu.demo import generator
    from jifu.regions import services as region_services

    from .dashboard_data import SCALES

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
    from .dashboard_data import SCALES, build

    persons, enrolments = SCALES[args.scale]
    t0 = time.perf_counter()
    built = build(persons, enrolments, args.seed, log=lambda m: print(m, flush=True))
    emit(
        {
            "seconds": round(time.perf_counter() - t0, 1),
            "persons": built.persons,
            "households": built.households,
            "rows": built.rows,
            "steps": built.seconds,
        }
    )


class _Recorder:
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


def _pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of the values."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q * len(ordered) + 0.5)))
    return ordered[rank - 1]


def measure(out: dict, *, requests: int, raw_runs: int, explain: bool) -> None:
    """Rebuild, then time the cases; fills ``out``. Works on any database (raw: PostgreSQL)."""
    from django.conf import settings
    from django.db import connection

    from jifu.planning import progress, summaries
    from jifu.planning.models import ProgressFact
    from jifu.regions.models import Region

    recorder = _Recorder()
    t0 = time.perf_counter()
    with connection.execute_wrapper(recorder):
        state = summaries.rebuild()
    out["rebuild_s"] = round(time.perf_counter() - t0, 3)
    out["rebuild_queries"] = sorted(
        ({"sql": q["sql"][:160], "s": round(q["s"], 3)} for q in recorder.queries if q["s"] > 0.01),
        key=lambda q: -q["s"],
    )[:12]
    slowest_rebuild = max(recorder.queries, key=lambda q: q["s"])
    out["facts"] = ProgressFact.objects.count()
    out["state"] = {"rebuilt_at": state.rebuilt_at, "seconds": state.seconds, "rows": state.rows}
    print(f"    summaries.rebuild(): {out['rebuild_s']:.1f} s, {out['facts']:,} facts", flush=True)
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            t0 = time.perf_counter()
            cursor.execute("ANALYZE planning_progressfact")
            out["analyze_s"] = round(time.perf_counter() - t0, 3)
            cursor.execute("SELECT pg_total_relation_size('planning_progressfact')")
            out["facts_mib"] = round(cursor.fetchone()[0] / 2**20, 1)
            cursor.execute(
                "SELECT substr(village_code, 1, 6), count(*) FROM training_enrolment "
                "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
            )
            county6 = cursor.fetchone()[0]
        else:
            county6 = (
                ProgressFact.objects.filter(metric="trainees")
                .order_by("-value")
                .values_list("township_code", flat=True)
                .first()
                or "622926"
            )[:6]
    regions = {
        "province": Region.objects.get(code="620000000000"),
        "county": Region.objects.get(code=county6.ljust(12, "0")),
    }
    out["county"] = f"{regions['county'].code} {regions['county'].name}"
    queries = raw_queries(settings.JIFU_OUTCOME_DAYS)
    out["cases"] = []
    slowest_dashboard = None
    for label, which, as_of, year in CASES:
        region = regions[which]
        length = progress.CHILD_LEVEL[region.level][1]
        start, end = progress.window(as_of, year)
        progress.dashboard(region, as_of=as_of, year=year)  # warm-up
        times, board = [], None
        for i in range(requests):
            rec = _Recorder() if i == 0 else None
            t0 = time.perf_counter()
            if rec is not None:
                with connection.execute_wrapper(rec):
                    board = progress.dashboard(region, as_of=as_of, year=year)
            else:
                board = progress.dashboard(region, as_of=as_of, year=year)
            times.append(time.perf_counter() - t0)
            if rec is not None:
                n_queries = len(rec.queries)
                top = max(rec.queries, key=lambda q: q["s"])
                if slowest_dashboard is None or top["s"] > slowest_dashboard["s"]:
                    slowest_dashboard = dict(top, case=label)
        case = {
            "case": label,
            "region": f"{region.code} {region.name}",
            "window": [start, end],
            "requests": requests,
            "queries_per_request": n_queries,
            "median_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(_pct(times, 0.95) * 1000, 2),
            "max_ms": round(max(times) * 1000, 2),
        }
        if postgres:
            per_metric: dict[str, list[float]] = {}
            with connection.cursor() as cursor:
                raw = raw_dashboard(cursor, queries, region.prefix, length, start, end)  # warm-up
                raw_times = []
                for _ in range(raw_runs):
                    t0 = time.perf_counter()
                    raw = raw_dashboard(
                        cursor, queries, region.prefix, length, start, end, timer=per_metric
                    )
                    raw_times.append(time.perf_counter() - t0)
            problems = compare(board, raw, length)
            case.update(
                raw_runs=raw_runs,
                raw_ms=round(statistics.median(raw_times) * 1000, 1),
                raw_all_ms=[round(t * 1000, 1) for t in raw_times],
                raw_metric_ms={
                    k: round(statistics.median(v) * 1000, 1) for k, v in per_metric.items()
                },
                identical=not problems,
                problems=problems[:20],
                figures={k: str(v) for k, v in board.figures.items()},
            )
            case["ratio"] = round(case["median_ms"] / case["raw_ms"], 4)
        out["cases"].append(case)
        print(
            f"    {label}: median {case['median_ms']:.1f} ms, p95 {case['p95_ms']:.1f} ms"
            + (f"; raw {case['raw_ms']:.0f} ms; identical {case['identical']}" if postgres else ""),
            flush=True,
        )
    out["explain"] = []
    if explain and postgres and slowest_dashboard is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + slowest_dashboard["sql"],
                slowest_dashboard["params"],
            )
            out["explain"].append(
                {
                    "what": f"slowest dashboard query ({slowest_dashboard['case']})",
                    "sql": slowest_dashboard["sql"],
                    "params": slowest_dashboard["params"],
                    "seconds": round(slowest_dashboard["s"], 4),
                    "plan": "\n".join(r[0] for r in cursor.fetchall()),
                }
            )
            case = out["cases"][0]
            metric = max(case["raw_metric_ms"], key=case["raw_metric_ms"].get)
            region = regions["province"]
            start, end = case["window"]
            import calendar

            params = {
                "prefix": region.prefix + "%",
                "length": 4,
                "lo": start.replace(day=1),
                "hi": end.replace(day=calendar.monthrange(end.year, end.month)[1]),
                "youngest": _years_back(date.today(), 16),
                "oldest": _years_back(date.today(), 61),
            }
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[metric], params)
            out["explain"].append(
                {
                    "what": f"slowest raw query ({metric}, {case['case']})",
                    "sql": queries[metric],
                    "params": {k: str(v) for k, v in params.items()},
                    "seconds": case["raw_metric_ms"][metric] / 1000,
                    "plan": "\n".join(r[0] for r in cursor.fetchall()),
                }
            )
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS) " + slowest_rebuild["sql"], slowest_rebuild["params"]
            )
            out["explain"].append(
                {
                    "what": "slowest query of summaries.rebuild()",
                    "sql": slowest_rebuild["sql"],
                    "params": slowest_rebuild["params"],
                    "seconds": round(slowest_rebuild["s"], 3),
                    "plan": "\n".join(r[0] for r in cursor.fetchall()),
                }
            )


def child_measure(args) -> None:
    django_setup()
    from django.db import connection

    out: dict = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        out["server"] = cursor.fetchone()[0]
        out["settings"] = {}
        for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"):
            cursor.execute(f"SHOW {name}")
            out["settings"][name] = cursor.fetchone()[0]
        out["counts"] = {}
        for table in (
            "registry_person",
            "training_trainingclass",
            "training_enrolment",
            "training_certificate",
            "employment_placement",
            "subsidies_payment",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            out["counts"][table] = cursor.fetchone()[0]
    measure(out, requests=args.requests, raw_runs=args.raw_runs, explain=True)
    emit(out)


def child_demo(args) -> None:
    """make demo's data (10,000 persons, as the demo tests load it), then rebuild and dashboards."""
    django_setup()
    from django.core.management import call_command

    from jifu.demo import loader

    call_command("migrate", interactive=False, verbosity=0)
    t0 = time.perf_counter()
    result = loader.build(persons=args.demo_persons, counties=None, seed=2018)
    out = {
        "persons": result.persons,
        "enrolments": result.training.enrolments if result.training else None,
        "demo_data_s": round(time.perf_counter() - t0, 1),
    }
    print(f"    demo data: {result.persons:,} persons in {out['demo_data_s']:.0f} s", flush=True)
    measure(out, requests=args.requests, raw_runs=args.raw_runs, explain=False)
    from jifu.planning import summaries

    again = []
    for _ in range(3):
        t0 = time.perf_counter()
        summaries.rebuild()
        again.append(time.perf_counter() - t0)
    out["rebuild_again_s"] = [round(t, 3) for t in again]
    emit(out)


# --------------------------------------------------------------------------
# The orchestrator
# --------------------------------------------------------------------------


def run_child(kind: str, args, env=None) -> dict:
    cmd = [sys.executable, "-m", "bench.dashboard", "_child", kind]
    cmd += ["--scale", args.scale, "--seed", str(args.seed), "--requests", str(args.requests)]
    cmd += ["--raw-runs", str(args.raw_runs), "--demo-persons", str(args.demo_persons)]
    proc = subprocess.Popen(  # noqa: S603 - our own module, fixed arguments
        cmd, cwd=ROOT, env=env or child_env(args), stdout=subprocess.PIPE, text=True
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


def disk_free_gib(path: str | None) -> float:
    return round(shutil.disk_usage(path or "/").free / 2**30, 1)


def _ratio(r: float) -> str:
    return f"{r:.3f} (1/{1 / r:.0f})" if r < 1 else f"{r:.2f} (×{r:.1f})"


def table(report: dict) -> str:
    m = report["measure"]
    lines = [
        f"Dashboards — scale {report['scale']}: {m['counts']['registry_person']:,} persons, "
        f"{m['counts']['training_enrolment']:,} enrolments, "
        f"{m['counts']['training_certificate']:,} certificates, "
        f"{m['counts']['employment_placement']:,} placements, "
        f"{m['counts']['subsidies_payment']:,} payments (seed {report['seed']}); "
        f"county: {m['county']}",
        "",
        "| case | median ms | p95 ms | raw GROUP BY ms | ratio | identical |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for c in m["cases"]:
        lines.append(
            f"| {c['case']} | {c['median_ms']:.1f} | {c['p95_ms']:.1f} | {c['raw_ms']:.0f} | "
            f"{_ratio(c['ratio'])} | {'yes' if c['identical'] else 'NO'} |"
        )
    lines += [
        "",
        f"Requests: {report['requests']} per case after one warm-up "
        f"({m['cases'][0]['queries_per_request']} queries each); raw: median of "
        f"{report['raw_runs']} runs after one warm-up. Ratio: dashboard median ÷ raw median "
        "(target ≤ 1/10).",
        f"summaries.rebuild(): {m['rebuild_s']:.1f} s (then ANALYZE {m.get('analyze_s', 0):.1f} s); "
        f"ProgressFact rows: {m['facts']:,} ({m.get('facts_mib', 0):,.1f} MiB with indexes).",
        "Slowest rebuild queries (s): "
        + "; ".join(f"{q['s']:.1f} {q['sql'][:70]}…" for q in m["rebuild_queries"][:4]),
        "Raw GROUP BY per metric, province 2018–2020 (ms): "
        + ", ".join(f"{k} {v:.0f}" for k, v in m["cases"][0]["raw_metric_ms"].items()),
        f"Data: generated in {report['generate']['seconds']:.0f} s "
        f"({', '.join(f'{k} {v:.0f}' for k, v in report['generate']['steps'].items())}), "
        f"VACUUM ANALYZE {report['vacuum_s']:.0f} s; database {report['db_mib']:,.0f} MiB; "
        f"disk free {report['free_before_gib']} → {report['free_after_load_gib']} GiB.",
        f"Server: {m['server'].split(' on ')[0]}, "
        + ", ".join(f"{k}={v}" for k, v in m["settings"].items())
        + f". 1-minute load at the end: {m['load_1min']:.1f}.",
        f"Wall time of the whole run: {report['wall_s']:.0f} s.",
    ]
    return "\n".join(lines)


def orchestrate(args) -> None:
    from .dashboard_data import SCALES

    persons, enrolments = SCALES[args.scale]
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    t_start = time.perf_counter()
    try:
        datadir = admin(args, "SHOW data_directory")[0][0][0]
    except Exception:  # noqa: BLE001 - not readable by this user: check the root file system
        datadir = None
    free = disk_free_gib(datadir if datadir and os.path.exists(datadir) else "/")
    need = max(1.0, persons / 1e6 * GIB_PER_MILLION)
    print(f"== dashboard benchmark, scale {args.scale}: {persons:,} persons, "
          f"{enrolments:,} enrolments; disk free {free} GiB, needs about {need:.0f} ==",
          flush=True)  # fmt: skip
    if free < need * 1.5:
        raise SystemExit(
            f"not enough disk for scale {args.scale}: {free} GiB free, about {need:.0f} GiB "
            "needed (and half as much again to spare); try SCALE=1m or SCALE=small"
        )
    report = {
        "scale": args.scale,
        "seed": args.seed,
        "requests": args.requests,
        "raw_runs": args.raw_runs,
        "free_before_gib": free,
    }
    admin(args, f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)", f"CREATE DATABASE {PG_DB}")
    try:
        setup = run_child("setup", args)
        print(f"  fresh database {PG_DB}, {setup['villages_created']} villages", flush=True)
        report["generate"] = run_child("generate", args)
        print(f"  generated in {report['generate']['seconds']:.0f} s", flush=True)
        t0 = time.perf_counter()
        admin(args, "VACUUM ANALYZE", "CHECKPOINT", db=PG_DB)
        report["vacuum_s"] = round(time.perf_counter() - t0, 1)
        sizes = admin(args, f"SELECT pg_database_size('{PG_DB}')", db=PG_DB)
        report["db_mib"] = round(sizes[0][0][0] / 2**20, 1)
        report["free_after_load_gib"] = disk_free_gib(
            datadir if datadir and os.path.exists(datadir) else "/"
        )
        os.sync()
        report["measure"] = run_child("measure", args)
    finally:
        if not args.keep:
            admin(args, f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            print(f"  dropped {PG_DB}", flush=True)
    report["wall_s"] = round(time.perf_counter() - t_start, 1)
    stem = f"{args.scale}-{args.seed}"
    (BENCH_DIR / f"dashboard-{stem}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    plans = [
        f"-- {e['what']}: {e['seconds']} s\n{e['sql']}\n-- params: {e['params']}\n\n{e['plan']}\n"
        for e in report["measure"]["explain"]
    ]
    explain_path = BENCH_DIR / f"dashboard-explain-{stem}.txt"
    explain_path.write_text("\n\n".join(plans), encoding="utf-8")
    print()
    print(table(report))
    for e in report["measure"]["explain"][:1]:
        print(f"\n{e['what']}, {e['seconds'] * 1000:.1f} ms, EXPLAIN (ANALYZE, BUFFERS):\n")
        print(e["sql"])
        print(e["plan"])
    print(f"\nAll plans: {explain_path.relative_to(ROOT)}")
    bad = [c for c in report["measure"]["cases"] if not c["identical"]]
    for c in bad:
        print(f"\nNOT IDENTICAL — {c['case']}:\n  " + "\n  ".join(c["problems"]))
    if bad:
        raise SystemExit(1)


def demo(args) -> None:
    """rebuild() on make demo's data, in a fresh SQLite file (what make demo uses)."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path = BENCH_DIR / "demo-asof.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    print(f"== summaries.rebuild() on make demo's data ({args.demo_persons:,} persons), "
          f"SQLite {path.relative_to(ROOT)} ==", flush=True)  # fmt: skip
    t0 = time.perf_counter()
    result = run_child("demo", args, env=child_env(args, f"sqlite:///{path}"))
    result["wall_s"] = round(time.perf_counter() - t0, 1)
    (BENCH_DIR / f"dashboard-demo-{args.demo_persons}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    print()
    print(
        f"demo data: {result['persons']:,} persons, {result['enrolments']:,} enrolments "
        f"({result['demo_data_s']:.0f} s to load)"
    )
    print(
        f"summaries.rebuild(): {result['rebuild_s']:.2f} s first, then "
        + ", ".join(f"{t:.2f}" for t in result["rebuild_again_s"])
        + f" s; {result['facts']:,} facts"
    )
    for c in result["cases"]:
        print(f"  {c['case']}: median {c['median_ms']:.1f} ms, p95 {c['p95_ms']:.1f} ms")
    for path_ in (path, Path(str(path) + "-wal"), Path(str(path) + "-shm")):
        path_.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    from .dashboard_data import SCALES

    argv = sys.argv[1:] if argv is None else argv
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--requests", type=int, default=REQUESTS)
    common.add_argument("--raw-runs", type=int, default=RAW_RUNS)
    common.add_argument("--demo-persons", type=int, default=10_000)
    common.add_argument("--seed", type=int, default=0)
    if argv and argv[0] == "_child":
        parser = argparse.ArgumentParser(prog="dashboard _child", parents=[common])
        parser.add_argument("kind", choices=["setup", "generate", "measure", "demo"])
        parser.add_argument("--scale", required=True, choices=list(SCALES))
        args = parser.parse_args(argv[1:])
        {
            "setup": child_setup,
            "generate": child_generate,
            "measure": child_measure,
            "demo": child_demo,
        }[args.kind](args)
        return
    parser = argparse.ArgumentParser(
        prog="python -m bench.dashboard",
        description="time the dashboards against a raw GROUP BY on a big synthetic database",
        parents=[common],
    )
    parser.add_argument(
        "--scale",
        choices=list(SCALES),
        default=os.environ.get("SCALE") or "1m",
        help="small (20k persons), 1m (default) or 5m; also the SCALE environment variable",
    )
    parser.add_argument("--keep", action="store_true", help=f"keep {PG_DB} afterwards")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="instead: summaries.rebuild() on make demo's data (SQLite, --demo-persons)",
    )
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("BENCH_PG_URL", PG_ADMIN_URL),
        help=f"PostgreSQL server; the {PG_DB} database is dropped and re-created",
    )
    args = parser.parse_args(argv)
    if args.demo:
        demo(args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
