"""Logins, failed logins and logouts are audit events."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import services


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    services.record_login(user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    services.record_failed_login(str(credentials.get("username", ""))[:150])


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        services.record_logout(user)
