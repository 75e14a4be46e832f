"""Summaries rebuilt in the background: after every import, nightly, or on request."""

from django_tasks import task


@task()
def rebuild_task():
    from .summaries import rebuild

    state = rebuild()
    return {"rows": state.rows, "seconds": state.seconds}


def rebuild_after_import(*, noun: str, region_code: str = "") -> None:
    rebuild_task.enqueue()
