from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Occupations, institutions, classes, enrolment, attendance, assessment, certificates."""

    name = "jifu.training"
    label = "training"
    verbose_name = "培训"

    def ready(self):
        from jifu.registry.views import HOUSEHOLD_TABS, PERSON_SECTIONS

        from . import home, menu, roles  # noqa: F401 - permissions, menu, home cards
        from .household import person_section, training_tab

        HOUSEHOLD_TABS.append(("training", _("培训"), "training/_household_tab.html", training_tab))
        PERSON_SECTIONS.append(("training/_person_section.html", person_section))

        from jifu.registry.services import RELOCATION_HOOKS

        from .services import move_with_household

        RELOCATION_HOOKS.append(move_with_household)

        from jifu.core.crypto import register_encrypted

        register_encrypted("training.Enrolment", "applicant_phone_enc", "enrolment.applicant_phone")
        register_encrypted("training.Institution", "bank_account_enc", "organisation.bank_account")
