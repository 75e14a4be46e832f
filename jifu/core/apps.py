from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery: scoping, generic views, API base classes, CLI helpers."""

    name = "jifu.core"
    label = "core"
    verbose_name = "核心"
