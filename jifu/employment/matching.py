"""Recommending labourers for a job post: who in the registry it suits.

A post reaches the labourers of its county who are not employed and want a job
(有就业意愿 or 未就业), and ranks first those who hold a certificate in the post's
occupation, then those who want training in it — "from their wishes and
certificates", as the action puts it.
"""

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from jifu.registry.choices import EmploymentStatus
from jifu.registry.models import Person
from jifu.training.models import Certificate

from .models import JobPost, Recommendation


def candidates_for_job(job: JobPost, user=None):
    persons = Person.objects.restrict(user) if user is not None else Person.objects.all()
    already = Recommendation.objects.filter(job=job).values("person_id")
    candidates = (
        persons.labour_force()
        .filter(village_code__startswith=job.region_code[:6])
        .exclude(employment_status=EmploymentStatus.EMPLOYED)
        .filter(Q(wants_job=True) | Q(employment_status=EmploymentStatus.UNEMPLOYED))
        .exclude(pk__in=already)
    )
    if job.occupation_id is None:
        return candidates.annotate(fit=Value(0, output_field=IntegerField())).order_by(
            "village_code", "id"
        )
    certified = Certificate.objects.filter(person_id=OuterRef("pk"), occupation=job.occupation_id)
    return (
        candidates.annotate(
            certified=Exists(certified),
            fit=Case(
                When(certified=True, then=Value(2)),
                When(wanted_occupations__contains=f"|{job.occupation.name}|", then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .select_related("household__village")
        .order_by("-fit", "village_code", "id")
    )
