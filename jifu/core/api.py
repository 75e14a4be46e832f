"""Base viewsets: every read goes through ``restrict(user)``."""

from rest_framework import viewsets

from .drf import ACTION_FOR_METHOD, Pagination, RolePermission  # noqa: F401 - re-exported


class ScopedViewSetMixin:
    """Every read goes through ``restrict(user)``."""

    def get_queryset(self):
        action = ACTION_FOR_METHOD.get(self.request.method, "view")
        if action == "add":
            action = "view"
        return self.queryset.restrict(self.request.user, action)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass
