"""Scans in the background: after every import, and nightly (see docs/operations.md)."""

from django_tasks import task


@task()
def scan_task(prefix: str = "", trigger: str = "nightly"):
    from .services import scan

    result = scan(prefix=prefix, trigger=trigger)
    return {"found": result.run.found, "new": result.run.new}


def scan_after_import(*, noun: str, region_code: str = "") -> None:
    """Queue a scan of the imported region; the worker runs it."""
    scan_task.enqueue(prefix=region_code[:6] if region_code else "", trigger=f"import:{noun}")
