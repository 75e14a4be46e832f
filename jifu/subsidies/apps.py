from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    """Standards, eligibility rules, funds, claims, publicity, payment and reconciliation."""

    name = "jifu.subsidies"
    label = "subsidies"
    verbose_name = "补贴资金"

    def ready(self):
        from jifu.core.crypto import register_encrypted
        from jifu.registry.views import HOUSEHOLD_TABS, PERSON_SECTIONS

        from . import home, menu, roles  # noqa: F401 - permissions, menu, home cards
        from .household import subsidy_tab

        HOUSEHOLD_TABS.append(
            ("subsidies", _("补贴"), "subsidies/_household_tab.html", subsidy_tab)
        )
        from .views import person_section

        PERSON_SECTIONS.append(("subsidies/_person_section.html", person_section))
        register_encrypted("subsidies.Payment", "account_enc", "payment.account")
        register_encrypted("subsidies.Complaint", "contact_enc", "complaint.contact")
