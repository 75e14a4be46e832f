"""Data for the dashboard benchmark (``bench/dashboard.py``).

The registry, classes, enrolments, certificates, placements and paid subsidy
claims come from the integrity benchmark's generator (``bench.integrity_data``:
PostgreSQL ``COPY`` with the primary keys assigned in Python, one
``random.Random(seed)``), used as it is. It writes no payments, so this adds
the bank's side with set-based SQL on the server (``INSERT … SELECT``, no row
goes through Python):

* a fund allocation per county and year (2018–2021) of the claims;
* a payment batch per paid claim, returned and reconciled;
* a payment instruction per paid claim line, paid 20–59 days after the claim
  was submitted; every 41st failed (account closed) and paid again by a
  second instruction 30 days later; every 97th still with the bank (pending,
  its line back to 已下达支付指令);
* allocations' paid and committed amounts set from their payments.

So every metric of ``jifu.planning.summaries`` has data: trainees and
completions (classes 2018-09 … 2020-12, statuses as of 2020-06-30),
certificates, placements after training (in the county, in the province, out of
it), payments (paid, failed, pending) and labourers who want training.
"""

from __future__ import annotations

import time

from django.db import connection, transaction

from .integrity_data import SCALES, Builder

__all__ = ["SCALES", "build"]

PAYMENTS_SQL = [
    (
        "fund allocations",
        """
        INSERT INTO subsidies_fundallocation
            (source, region_id, region_code, year, amount, committed, paid, document, allocated_on)
        SELECT 'central', c.region_id, c.region_code, y.year, 100000000, 0, 0,
               '甘财社〔' || y.year || '〕基准', make_date(y.year, 1, 15)
        FROM (SELECT DISTINCT region_id, region_code FROM subsidies_subsidyclaim) c
        CROSS JOIN generate_series(2018, 2021) AS y(year)
        """,
    ),
    (
        "payment batches",
        """
        INSERT INTO subsidies_paymentbatch
            (number, region_code, created_at, created_by_id, returned_at, reconciled)
        SELECT 'PB' || cl.id, cl.region_code, cl.submitted_at + interval '15 days', NULL,
               cl.submitted_at + interval '60 days', true
        FROM subsidies_subsidyclaim cl
        WHERE cl.status = 'paid'
        """,
    ),
    (
        "payments",
        """
        INSERT INTO subsidies_payment
            (line_id, batch_id, allocation_id, village_code, region_code, idempotency_key,
             amount, payee_name, payee_kind, account_enc, account_bidx, account_masked,
             status, bank_reference, paid_on, failure_reason, created_at)
        SELECT l.id, b.id, a.id, l.village_code, cl.region_code, 'PAY' || l.id,
               l.amount, '收款人', l.payee_kind, '', '', '',
               CASE WHEN l.id % 97 = 0 THEN 'pending'
                    WHEN l.id % 41 = 0 THEN 'failed' ELSE 'paid' END,
               CASE WHEN l.id % 97 = 0 OR l.id % 41 = 0 THEN '' ELSE 'BANK' || l.id END,
               CASE WHEN l.id % 97 = 0 OR l.id % 41 = 0 THEN NULL
                    ELSE cl.submitted_at::date + 20 + (l.id % 40)::int END,
               CASE WHEN l.id % 97 <> 0 AND l.id % 41 = 0 THEN '账户已销户' ELSE '' END,
               cl.submitted_at + interval '15 days'
        FROM subsidies_claimline l
        JOIN subsidies_subsidyclaim cl ON cl.id = l.claim_id
        JOIN subsidies_paymentbatch b ON b.number = 'PB' || cl.id
        JOIN subsidies_fundallocation a
          ON a.region_code = cl.region_code
         AND a.year = extract(year FROM cl.submitted_at)::int
        WHERE cl.status = 'paid' AND l.status = 'paid' AND l.amount > 0
        """,
    ),
    ("statistics", "ANALYZE subsidies_payment, subsidies_paymentbatch"),
    (
        "second instructions for the failed",
        """
        INSERT INTO subsidies_payment
            (line_id, batch_id, allocation_id, village_code, region_code, idempotency_key,
             amount, payee_name, payee_kind, account_enc, account_bidx, account_masked,
             status, bank_reference, paid_on, failure_reason, created_at)
        SELECT p.line_id, p.batch_id, p.allocation_id, p.village_code, p.region_code,
               p.idempotency_key || '-2', p.amount, p.payee_name, p.payee_kind, '', '', '',
               'paid', 'BANK' || p.line_id || '-2', p.created_at::date + 30, '',
               p.created_at + interval '25 days'
        FROM subsidies_payment p
        WHERE p.status = 'failed'
        """,
    ),
    (
        "lines still with the bank",
        """
        UPDATE subsidies_claimline l SET status = 'instructed'
        FROM subsidies_payment p
        WHERE p.line_id = l.id AND p.status = 'pending'
        """,
    ),
    (
        "allocation balances",
        """
        UPDATE subsidies_fundallocation a
        SET paid = s.paid, committed = s.pending
        FROM (
            SELECT allocation_id,
                   COALESCE(sum(amount) FILTER (WHERE status = 'paid'), 0) AS paid,
                   COALESCE(sum(amount) FILTER (WHERE status = 'pending'), 0) AS pending
            FROM subsidies_payment GROUP BY allocation_id
        ) s
        WHERE a.id = s.allocation_id
        """,
    ),
]


def add_payments(log=print) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        # The generator's tables were just COPYed: without statistics the planner takes the
        # claims for empty and joins the lines by a nested loop over a partial index.
        cursor.execute("ANALYZE subsidies_subsidyclaim, subsidies_claimline")
    with transaction.atomic(), connection.cursor() as cursor:
        for label, sql in PAYMENTS_SQL:
            t0 = time.perf_counter()
            cursor.execute(sql)
            counts[label] = max(cursor.rowcount, 0)
            log(f"    {label}: {counts[label]:,} rows, {time.perf_counter() - t0:.1f} s")
    return counts


def build(persons: int, enrolments: int, seed: int, log=print):
    """The integrity generator's data, then the payments. Returns its ``Built``."""
    built = Builder(persons, enrolments, seed, log=log).build()
    t0 = time.perf_counter()
    log("  payments …")
    built.rows["payments (INSERT … SELECT)"] = add_payments(log)
    built.seconds["payments"] = round(time.perf_counter() - t0, 1)
    return built
