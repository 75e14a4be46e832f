from django.apps import AppConfig


class IntegrityConfig(AppConfig):
    """Rules that find ghost trainees, double subsidies and shared accounts."""

    name = "jifu.integrity"
    label = "integrity"
    verbose_name = "疑点核查"

    def ready(self):
        from jifu.core.importing import AFTER_IMPORT
        from jifu.subsidies.services import PAYMENT_BLOCKERS

        from . import home, menu, roles  # noqa: F401 - permissions, menu, home cards
        from .services import blocked_lines
        from .tasks import scan_after_import

        PAYMENT_BLOCKERS.append(blocked_lines)
        AFTER_IMPORT.append(scan_after_import)
