"""The work list of subsidies on each role's home page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jifu.core.home import register

from .choices import ClaimStatus, ComplaintStatus
from .models import Complaint, SubsidyClaim


@register(12)
def subsidy_cards(user):
    if not user.has_perm("subsidies.view_subsidyclaim"):
        return []
    claims = SubsidyClaim.objects.restrict(user)
    url = reverse("subsidies:claim_list")
    cards = []
    if user.has_perm("subsidies.review_subsidyclaim"):
        cards.append(
            {
                "label": _("待初审补贴申领"),
                "value": claims.filter(status=ClaimStatus.SUBMITTED).count(),
                "url": f"{url}?status=submitted",
            }
        )
        cards.append(
            {
                "label": _("待处理公示举报"),
                "value": Complaint.objects.restrict(user)
                .filter(status=ComplaintStatus.OPEN)
                .count(),
                "url": reverse("subsidies:complaint_list") + "?status=open",
            }
        )
    if user.has_perm("subsidies.verify_subsidyclaim"):
        cards.append(
            {
                "label": _("公示期满待复核"),
                "value": claims.filter(
                    status=ClaimStatus.PUBLICISING, publicity_until__lt=timezone.localdate()
                ).count(),
                "url": f"{url}?status=publicising",
            }
        )
        cards.append(
            {
                "label": _("待拨付"),
                "value": claims.filter(status=ClaimStatus.VERIFIED).count(),
                "url": f"{url}?status=verified",
            }
        )
    if user.has_perm("subsidies.add_subsidyclaim") and user.role in ("institution", "employer"):
        cards.append(
            {
                "label": _("退回修改的申领"),
                "value": claims.filter(status=ClaimStatus.RETURNED).count(),
                "url": f"{url}?status=returned",
            }
        )
    return cards
