"""The subsidy section of the household file: every line for its members, paid or not."""

from .models import ClaimLine


def subsidy_tab(household, user) -> dict:
    return {
        "lines": ClaimLine.objects.restrict(user)
        .filter(person__household=household)
        .select_related("person", "claim")
        .order_by("person_id", "-year", "id"),
    }
