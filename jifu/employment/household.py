"""The employment section of the household file and of the person page."""

from .models import Placement, Startup


def employment_tab(household, user) -> dict:
    return {
        "placements": Placement.objects.restrict(user)
        .filter(person__household=household)
        .select_related("person", "training_class")
        .order_by("person_id", "-start_date"),
        "startups": Startup.objects.restrict(user)
        .filter(founder__household=household)
        .select_related("founder", "place"),
    }


def person_section(person, user) -> dict:
    return {
        "placements": Placement.objects.restrict(user)
        .filter(person=person)
        .select_related("training_class")
        .order_by("-start_date"),
        "startups": Startup.objects.restrict(user).filter(founder=person),
        "can_place": user.has_perm("employment.add_placement"),
        "can_start": user.has_perm("employment.add_startup"),
        "person": person,
    }
