"""The training section of the household file: every member's trainings and certificates."""

from .models import Certificate, Enrolment


def training_tab(household, user) -> dict:
    return {
        "enrolments": Enrolment.objects.restrict(user)
        .filter(person__household=household)
        .select_related("person", "training_class", "training_class__occupation", "assessment")
        .order_by("training_class__start_date"),
        "certificates": Certificate.objects.restrict(user)
        .filter(person__household=household)
        .select_related("person", "occupation"),
    }
