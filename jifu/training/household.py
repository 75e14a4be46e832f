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


def person_section(person, user) -> dict:
    """A person's trainings and the open classes that fit their wishes."""
    from .matching import classes_for_person

    return {
        "enrolments": Enrolment.objects.restrict(user)
        .filter(person=person)
        .select_related("training_class", "training_class__occupation", "assessment"),
        "open_classes": classes_for_person(person).select_related("occupation", "institution")[:20],
        "can_enrol": user.has_perm("training.add_enrolment"),
        "person": person,
    }
