"""Filters shared by every app's filterset."""

import django_filters
from django.utils.translation import gettext_lazy as _


class RegionPrefixFilter(django_filters.CharFilter):
    """Rows under a region given by code (6, 9 or 12 digits, or a superseded code).

    The region tree beside every list sets this filter. An unknown or
    malformed code matches nothing rather than everything.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("区划"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        from jifu.regions import codes
        from jifu.regions.lookup import canonical_code

        try:
            code = canonical_code(value)
        except codes.RegionCodeError:
            return qs.none()
        return qs.filter(**{f"{self.field_name}__startswith": codes.prefix_of(code)})


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice reads 全部 (all) rather than "Unknown"."""

    def __init__(self, *args, **kwargs):
        from django import forms

        kwargs.setdefault(
            "widget",
            forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]),
        )
        super().__init__(*args, **kwargs)


def style_form(form):
    """Give a form's widgets the Bootstrap classes the templates expect."""
    from django import forms

    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.Select, forms.SelectMultiple, forms.NullBooleanSelect)):
            css = "form-select form-select-sm"
        elif isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        else:
            css = "form-control form-control-sm"
        widget.attrs.setdefault("class", css)
    return form


class BaseFilterSet(django_filters.FilterSet):
    """Every app's filtersets derive from this, so list pages look alike."""

    @property
    def form(self):
        if not hasattr(self, "_form"):
            self._form = style_form(super().form)
        return self._form
