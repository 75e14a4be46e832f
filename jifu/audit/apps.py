from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Append-only, hash-chained audit log written by every service function."""

    name = "jifu.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self):
        from . import menu  # noqa: F401 - registers the audit log menu item
