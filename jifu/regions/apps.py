from django.apps import AppConfig


class RegionsConfig(AppConfig):
    """Administrative divisions of Gansu and the poverty categories of counties."""

    name = "jifu.regions"
    label = "regions"
    verbose_name = "行政区划"

    def ready(self):
        from . import home, menu  # noqa: F401 - registers menu items and home cards
