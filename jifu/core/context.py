"""Per-request context (request id, client address, user) for audit events.

Set by the audit middleware for web requests and by the ``jifu`` command for
command-line runs, so that service functions need not pass it around.
"""

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_ip: str | None = None
    channel: str = "web"


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "jifu_request_context", default=None
)


def new_request_id() -> str:
    return uuid.uuid4().hex


def get() -> RequestContext:
    ctx = _current.get()
    return ctx or RequestContext(request_id=new_request_id(), channel="system")


def set(ctx: RequestContext):  # noqa: A001 - mirrors contextvars API
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)
