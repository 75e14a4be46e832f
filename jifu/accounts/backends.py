"""Authentication with lock-out, and permissions granted by role."""

from datetime import timedelta

from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from .roles import ROLE_PERMISSIONS

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 30


class RoleBackend(ModelBackend):
    """Password login (refused while locked); ``has_perm`` from the user's role."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        return not (user.locked_until and user.locked_until > timezone.now())

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, ()))

    def get_user_permissions(self, user_obj, obj=None):
        return self.get_all_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)


def lock_deadline():
    return timezone.now() + timedelta(minutes=LOCK_MINUTES)
