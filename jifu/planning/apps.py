from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Targets, phases, annual plans, progress dashboards, supervision, annual reports."""

    name = "jifu.planning"
    label = "planning"
    verbose_name = "目标计划与督导"

    def ready(self):
        from jifu.core.importing import AFTER_IMPORT

        from . import menu, roles  # noqa: F401 - permissions, menu
        from .tasks import rebuild_after_import

        AFTER_IMPORT.append(rebuild_after_import)
