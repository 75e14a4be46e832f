"""公示: claims under publicity, shown without login, with a complaint form per line.

Names and ID numbers are masked (马*, 6229**********0226); the complaint form is
POSTed, rate-limited per client address like the other public forms, and its
contact field is stored encrypted.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jifu.core.filters import style_form
from jifu.training.public import mask_name, over_limit

from . import services
from .choices import LIVE_LINE_STATUSES, ClaimStatus
from .forms import ComplaintForm
from .models import ClaimLine, SubsidyClaim

COMPLAINTS_PER_HOUR = 10


def _publicised():
    today = timezone.localdate()
    return SubsidyClaim.objects.filter(
        status=ClaimStatus.PUBLICISING, publicity_from__lte=today, publicity_until__gte=today
    )


class PublicityListView(View):
    def get(self, request):
        live = Q(lines__status__in=LIVE_LINE_STATUSES)
        claims = (
            _publicised()
            .select_related("region", "institution", "employer", "training_class")
            .annotate(n=Count("lines", filter=live), total=Sum("lines__amount", filter=live))
            .order_by("publicity_until", "number")
        )
        return render(
            request,
            "subsidies/public_publicity_list.html",
            {"title": _("补贴公示"), "claims": claims, "public_nav": "publicity"},
        )


class PublicityDetailView(View):
    def claim(self, number):
        claim = (
            _publicised()
            .select_related("region", "institution", "training_class")
            .filter(number=number)
            .first()
        )
        if claim is None:
            raise Http404
        return claim

    def render(self, request, claim, form):
        lines = (
            ClaimLine.objects.filter(claim=claim, status__in=LIVE_LINE_STATUSES)
            .select_related("person")
            .order_by("id")
        )
        rows = [
            {
                "pk": line.pk,
                "name": mask_name(line.person.name),
                "id_number": line.person.id_number_masked,
                "item": line.get_item_display(),
                "amount": line.amount,
            }
            for line in lines
        ]
        return render(
            request,
            "subsidies/public_publicity_detail.html",
            {
                "title": _("补贴公示") + " " + claim.number,
                "claim": claim,
                "rows": rows,
                "form": style_form(form),
                "public_nav": "publicity",
            },
        )

    def get(self, request, number):
        return self.render(request, self.claim(number), ComplaintForm())

    def post(self, request, number):
        claim = self.claim(number)
        form = ComplaintForm(request.POST)
        line = ClaimLine.objects.filter(
            claim=claim, pk=request.POST.get("line") or 0, status__in=LIVE_LINE_STATUSES
        ).first()
        if over_limit(request, "complaint", COMPLAINTS_PER_HOUR):
            form.add_error(None, _("提交过于频繁，请一小时后再试。"))
        elif line is None:
            form.add_error(None, _("请选择要举报的公示对象"))
        elif form.is_valid():
            try:
                services.file_complaint(
                    line, text=form.cleaned_data["text"], contact=form.cleaned_data["contact"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("举报已受理，县人社局将核实处理。"))
                return redirect(request.path)
        return self.render(request, claim, form)
