from django.apps import AppConfig


class RegistryConfig(AppConfig):
    """一库五名单: the real-name registry of poor households and labourers."""

    name = "jifu.registry"
    label = "registry"
    verbose_name = "实名库"

    def ready(self):
        from jifu.core.crypto import register_encrypted

        from . import home, menu, roles  # noqa: F401 - permissions, menu, home cards
        from .services import SENSITIVE

        for field, (context, _mask) in SENSITIVE.items():
            register_encrypted("registry.Person", f"{field}_enc", context)
