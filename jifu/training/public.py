"""Public pages, no login (政务公开): open classes, online application, certificate lookup.

Nothing here shows personal data. The application answers the same whether or
not the person is in the registry, and the ID number typed in is never echoed:
not in a URL (forms are POSTed), not in the page after submit, not in a log
(``sensitive_post_parameters`` keeps it out of error reports). Both forms are
rate-limited per client address, so the registry and the certificate numbers
cannot be scanned.
"""

import re
import unicodedata

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from jifu.core import idnumber
from jifu.core.filters import style_form
from jifu.regions.models import Region

from . import services
from .choices import EnrolmentStatus
from .matching import open_classes
from .models import Certificate, Occupation, TrainingClass

PAGE_SIZE = 20
RATE_WINDOW = 3600  # seconds


def apply_limit() -> int:
    return int(getattr(settings, "JIFU_PUBLIC_APPLY_PER_HOUR", 10))


def lookup_limit() -> int:
    return int(getattr(settings, "JIFU_CERTIFICATE_LOOKUPS_PER_HOUR", 30))


def client_ip(request) -> str:
    # The same address the audit log records (audit.middleware); a proxy in
    # front must pass the real one as REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or "unknown"


def over_limit(request, bucket: str, limit: int) -> bool:
    """Count one attempt for this client; True once it exceeds ``limit`` an hour."""
    key = f"jifu:public:{bucket}:{client_ip(request)}"
    cache.add(key, 0, timeout=RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW)
        count = 1
    return count > limit


def mask_name(name: str) -> str:
    """马文 → 马*; the holder recognises the name, a stranger learns little."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def _county_code(place_code: str) -> str:
    return place_code[:6] + "000000"


def place_labels(classes) -> dict[str, str]:
    """place_code → "东乡族自治县 锁南镇 测试一村" for the given classes, in one query."""
    wanted = set()
    for c in classes:
        wanted |= {_county_code(c.place_code), c.place_code[:9] + "000", c.place_code}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    labels = {}
    for c in classes:
        parts = [_county_code(c.place_code), c.place_code[:9] + "000", c.place_code]
        seen = []
        for code in parts:
            if code in names and names[code] not in seen:
                seen.append(names[code])
        labels[c.place_code] = " ".join(seen)
    return labels


def public_classes():
    """Open classes with the numbers the public may see (places taken, not who)."""
    return (
        open_classes()
        .select_related("institution", "occupation")
        .annotate(taken=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
        .order_by("start_date", "code")
    )


def _decorate(classes):
    labels = place_labels(classes)
    for c in classes:
        c.place_label = labels.get(c.place_code, "")
        c.places_left = max(c.capacity - c.taken, 0)
    return classes


# --- open classes -------------------------------------------------------------------


class ClassFilterForm(forms.Form):
    county = forms.ChoiceField(label=gettext_lazy("县区"), required=False)
    occupation = forms.ChoiceField(label=gettext_lazy("职业(工种)"), required=False)

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        # Only counties and occupations that have an open class: no empty results.
        counties = (
            classes.annotate(county=Substr("place_code", 1, 6))
            .values("county")
            .order_by()  # Meta.ordering would otherwise join the DISTINCT
            .distinct()
        )
        county_codes = {_county_code(row["county"]) for row in counties}
        self.fields["county"].choices = [("", _("全部"))] + [
            (r.code[:6], r.name) for r in Region.objects.filter(code__in=county_codes)
        ]
        occupations = Occupation.objects.filter(pk__in=classes.values("occupation_id"))
        self.fields["occupation"].choices = [("", _("全部"))] + [
            (o.code, o.name) for o in occupations.order_by("name")
        ]
        style_form(self)


class OpenClassListView(View):
    template_name = "training/public_class_list.html"

    def get(self, request):
        classes = public_classes()
        form = ClassFilterForm(request.GET or None, classes=open_classes())
        if form.is_bound:
            form.is_valid()  # an unknown value only drops that filter
            data = form.cleaned_data
            if data.get("county"):
                classes = classes.filter(place_code__startswith=data["county"])
            if data.get("occupation"):
                classes = classes.filter(occupation__code=data["occupation"])
        page = Paginator(classes, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = _decorate(list(page.object_list))
        return render(
            request,
            self.template_name,
            {"title": _("培训班开班信息公开"), "form": form, "page": page, "public_nav": "classes"},
        )


# --- application --------------------------------------------------------------------


class NoEchoTextInput(forms.TextInput):
    """A text box that never renders its submitted value back into the page."""

    def format_value(self, value):
        return None


# Messages of these error codes quote digits of the number itself; answer generically.
_QUOTING_CODES = {"birth_date", "region"}
PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


class ApplicationForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("姓名"), max_length=60)
    id_number = forms.CharField(
        label=gettext_lazy("身份证号码"),
        max_length=40,
        widget=NoEchoTextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("联系电话"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_name(self):
        return unicodedata.normalize("NFKC", self.cleaned_data["name"]).strip()

    def clean_id_number(self):
        try:
            return idnumber.normalize(self.cleaned_data["id_number"])
        except idnumber.IdNumberError as exc:
            message = (
                _("身份证号码不正确，请核对后重新填写")
                if exc.code in _QUOTING_CODES
                else exc.message_zh
            )
            raise forms.ValidationError(message, code=exc.code) from None

    def clean_phone(self):
        text = re.sub(r"\s", "", unicodedata.normalize("NFKC", self.cleaned_data["phone"]))
        if not PHONE.match(text):
            raise forms.ValidationError(_("请填写 11 位手机号码或带区号的固定电话"))
        return text


@method_decorator(sensitive_post_parameters("name", "id_number", "phone"), name="dispatch")
class ApplyView(View):
    template_name = "training/public_apply.html"
    received = gettext_lazy("已收到报名，待所在村或乡镇核实后通知您。")

    def get_class(self, pk):
        try:
            return _decorate([public_classes().get(pk=pk)])[0]
        except TrainingClass.DoesNotExist:
            raise Http404 from None

    def render_form(self, request, training_class, form, status=200, error=""):
        ctx = {
            "title": _("网上报名"),
            "training_class": training_class,
            "form": style_form(form),
            "error": error,
            "public_nav": "classes",
        }
        return render(request, self.template_name, ctx, status=status)

    def get(self, request, pk):
        return self.render_form(request, self.get_class(pk), ApplicationForm())

    def post(self, request, pk):
        training_class = self.get_class(pk)
        if over_limit(request, "apply", apply_limit()):
            error = _("报名提交过于频繁，请一小时后再试，或联系所在村委会/乡镇报名。")
            return self.render_form(request, training_class, ApplicationForm(), 429, error)
        form = ApplicationForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, training_class, form)
        services.apply_public(
            training_class,
            name=form.cleaned_data["name"],
            id_number=form.cleaned_data["id_number"],
            phone=form.cleaned_data["phone"],
        )
        # The same answer whether or not the person was found: nothing leaks.
        messages.success(request, self.received)
        return redirect("public:apply", pk=training_class.pk)


# --- certificate lookup ---------------------------------------------------------------


class CertificateLookupForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("证书编号"), max_length=40)

    def clean_number(self):
        text = unicodedata.normalize("NFKC", self.cleaned_data["number"])
        # Stored trimmed and upper-cased (services.issue_certificate).
        return "".join(text.split()).upper()


@method_decorator(sensitive_post_parameters("number"), name="dispatch")
class CertificateLookupView(View):
    """POST, so that certificate numbers do not end up in access logs."""

    template_name = "training/public_certificate.html"

    def render_page(self, request, form, status=200, **extra):
        ctx = {
            "title": _("证书查询"),
            "form": style_form(form),
            "public_nav": "certificates",
            **extra,
        }
        return render(request, self.template_name, ctx, status=status)

    def get(self, request):
        return self.render_page(request, CertificateLookupForm())

    def post(self, request):
        if over_limit(request, "certificate", lookup_limit()):
            error = _("查询过于频繁，请一小时后再试。")
            return self.render_page(request, CertificateLookupForm(), status=429, error=error)
        form = CertificateLookupForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form)
        certificate = (
            Certificate.objects.select_related("person", "occupation")
            .filter(number=form.cleaned_data["number"])
            .first()
        )
        if certificate is None:
            return self.render_page(request, form, not_found=True)
        result = {
            "number": certificate.number,
            "holder": mask_name(certificate.person.name),
            "occupation": certificate.occupation.name,
            "level": certificate.get_level_display() if certificate.level else "",
            "kind": certificate.get_kind_display(),
            "issued_on": certificate.issued_on,
            "issuer": certificate.issuer,
        }
        return self.render_page(request, form, result=result)
