"""Attach a request id and client address to everything a request audits."""

import re

from jifu.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else context.new_request_id()
        request.request_id = request_id
        token = context.set(
            context.RequestContext(
                request_id=request_id, client_ip=request.META.get("REMOTE_ADDR"), channel="web"
            )
        )
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
