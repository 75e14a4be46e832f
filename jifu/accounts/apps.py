from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, their one role and one scope (a region or an organisation)."""

    name = "jifu.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from . import home, menu, signals  # noqa: F401 - login auditing, menu, home cards
