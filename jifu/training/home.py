"""The work list of training on each role's home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.home import register

from .choices import ClassStatus, EnrolmentStatus
from .models import Enrolment, TrainingClass


@register(5)
def training_cards(user):
    if not user.has_perm("training.view_trainingclass"):
        return []
    classes = TrainingClass.objects.restrict(user)
    url = reverse("training:class_list")
    cards = []
    if user.has_perm("training.review_trainingclass"):
        cards.append(
            {
                "label": _("待审核培训班"),
                "value": classes.filter(status=ClassStatus.DECLARED).count(),
                "url": f"{url}?status=declared",
            }
        )
    cards.append(
        {
            "label": _("在训培训班"),
            "value": classes.filter(status=ClassStatus.RUNNING).count(),
            "url": f"{url}?status=running",
        }
    )
    if user.has_perm("training.run_trainingclass"):
        cards.append(
            {
                "label": _("待考核培训班"),
                "value": classes.filter(status=ClassStatus.COMPLETED).count(),
                "url": f"{url}?status=completed",
            }
        )
    if user.has_perm("training.confirm_enrolment"):
        cards.append(
            {
                "label": _("待确认的网上报名"),
                "value": Enrolment.objects.restrict(user)
                .filter(status=EnrolmentStatus.APPLIED)
                .count(),
                "url": reverse("training:enrolment_list") + "?status=applied",
            }
        )
    return cards
