"""REST framework settings classes: pagination and the role permission.

Kept apart from ``api.py`` because DRF imports these while its own views module
is still loading; this module must import nothing but DRF's permissions and
pagination.
"""

from rest_framework import permissions
from rest_framework.pagination import PageNumberPagination

ACTION_FOR_METHOD = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


class Pagination(PageNumberPagination):
    """``{"count", "next", "previous", "results"}`` with ``?page=`` and ``?page_size=``."""

    page_size_query_param = "page_size"
    max_page_size = 1000


class RolePermission(permissions.BasePermission):
    """Authenticated, and the role grants the action on the viewset's model.

    Whether the object is in scope is decided by the restricted queryset, so an
    object outside it answers 404, never 403.
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return True
        meta = queryset.model._meta
        action = ACTION_FOR_METHOD.get(request.method, "change")
        # A POST that only reads (a search with a body) declares itself read-only.
        if getattr(view, "action", None) in getattr(view, "read_only_actions", ()):
            action = "view"
        return user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")
