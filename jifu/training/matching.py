"""Matching labourers and classes: who in the registry a class should reach, and
which open classes suit a person. Plain read-only functions over querysets.

A class reaches its county (the first six digits of its place's code): people
travel to a class in their own county, rarely further.
"""

from datetime import date

from django.db.models import Exists, OuterRef
from django.utils import timezone

from jifu.registry.models import Person

from .choices import ClassStatus, EnrolmentStatus
from .models import Certificate, Enrolment, TrainingClass

OPEN_STATUSES = (ClassStatus.APPROVED, ClassStatus.RUNNING)
# Enrolments that count as "already trained (or being trained) in this occupation".
TRAINED_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


def county_prefix(code: str) -> str:
    return code[:6]


def open_classes(on: date | None = None):
    """Classes one may still join: approved or running, not yet ended."""
    on = on or timezone.localdate()
    return TrainingClass.objects.filter(status__in=OPEN_STATUSES, end_date__gte=on)


def labourers_for_class(training_class: TrainingClass, user=None, *, on: date | None = None):
    """Registry labourers of the class's county who want training in its
    occupation and have not had it yet.

    Excluded: anyone enrolled in or having completed a class of the same
    occupation, anyone holding a certificate of it, and anyone who already
    applied to this very class (they are in its list of applications).
    With ``user``, only persons in that user's scope (``restrict``).
    """
    occupation = training_class.occupation
    persons = Person.objects.restrict(user) if user is not None else Person.objects.all()
    trained = Enrolment.objects.filter(
        training_class__occupation=occupation, status__in=TRAINED_STATUSES
    ).values("person_id")
    certified = Certificate.objects.filter(occupation=occupation).values("person_id")
    in_this_class = Enrolment.objects.active().filter(training_class=training_class)
    return (
        persons.labour_force(on)
        .filter(
            village_code__startswith=county_prefix(training_class.place_code),
            wants_training=True,
            # "|a|b|": the delimiters make this an exact match on one name.
            wanted_occupations__contains=f"|{occupation.name}|",
        )
        .exclude(pk__in=trained)
        .exclude(pk__in=certified)
        .exclude(pk__in=in_this_class.values("person_id"))
    )


def classes_for_person(person: Person, *, on: date | None = None):
    """Open classes in the person's county in an occupation the person wants,
    without those whose dates overlap a class the person is in (the same rule
    as ``rules.overlap_problem``, so every class offered can be joined)."""
    wanted = person.wanted_occupation_list
    if not wanted:
        return TrainingClass.objects.none()
    clash = Enrolment.objects.active().filter(
        person=person,
        training_class__start_date__lte=OuterRef("end_date"),
        training_class__end_date__gte=OuterRef("start_date"),
    )
    return (
        open_classes(on)
        .filter(
            place_code__startswith=county_prefix(person.village_code),
            occupation__name__in=wanted,
        )
        .exclude(Exists(clash))
        .select_related("occupation", "institution")
        .order_by("start_date", "code")
    )
