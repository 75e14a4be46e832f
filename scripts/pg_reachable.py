"""Exit 0 when the PostgreSQL server in the URL (argv[1]) answers, else 1."""

import sys

import psycopg

url = sys.argv[1]
try:
    # Connect to the maintenance database: the test database need not exist yet.
    info = psycopg.conninfo.conninfo_to_dict(url.split("?")[0])
    info["dbname"] = "postgres"
    with psycopg.connect(**info, connect_timeout=3):
        pass
except Exception as exc:  # any failure means "not reachable" to the Makefile
    print(f"PostgreSQL: {exc}", file=sys.stderr)
    sys.exit(1)
