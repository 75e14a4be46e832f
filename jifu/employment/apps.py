from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    """Employers, job posts, placements with follow-up, labour export, 以工代训, start-ups."""

    name = "jifu.employment"
    label = "employment"
    verbose_name = "就业创业"

    def ready(self):
        from jifu.registry.views import HOUSEHOLD_TABS, PERSON_SECTIONS

        from . import home, menu, roles  # noqa: F401 - permissions, menu, home cards
        from .household import employment_tab, person_section

        HOUSEHOLD_TABS.append(
            ("employment", _("就业创业"), "employment/_household_tab.html", employment_tab)
        )
        PERSON_SECTIONS.append(("employment/_person_section.html", person_section))

        from jifu.training.views import CLASS_SECTIONS, INSTITUTION_SECTIONS

        from .views import class_section, institution_section

        CLASS_SECTIONS.append(("employment/_class_section.html", class_section))
        INSTITUTION_SECTIONS.append(("employment/_institution_section.html", institution_section))

        from jifu.registry.services import RELOCATION_HOOKS

        from .services import move_with_household

        RELOCATION_HOOKS.append(move_with_household)

        from jifu.core.crypto import register_encrypted

        register_encrypted("employment.Employer", "bank_account_enc", "organisation.bank_account")
