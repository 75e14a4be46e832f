"""Forms of the target and annual-plan pages; their data goes to ``services_plans``."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jifu.training.choices import TrainingType

from .choices import TARGET_KINDS
from .services_plans import ACTION_YEARS

WHOLE_ACTION = "whole"


def year_choices():
    return [(WHOLE_ACTION, _("2018—2020年（行动期）")), *[(str(y), f"{y}") for y in ACTION_YEARS]]


def year_from_choice(value: str) -> int | None:
    return None if value in ("", WHOLE_ACTION, None) else int(value)


class TargetForm(forms.Form):
    """The province sets one of its own targets (it splits them on the split page)."""

    year = forms.ChoiceField(label=_("年度"), choices=year_choices)
    kind = forms.ChoiceField(label=_("指标"), choices=[(k.value, k.label) for k in TARGET_KINDS])
    training_type = forms.ChoiceField(
        label=_("培训类型"),
        required=False,
        choices=[("", _("全部类型")), *TrainingType.choices],
        help_text=_("仅培训人数可按培训类型设定"),
    )
    value = forms.DecimalField(
        label=_("目标值"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        help_text=_("人数；应培尽培率填百分比（0—100）"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class SplitForm(forms.Form):
    """One number per direct child region: the children's values of one target."""

    def __init__(self, *args, children=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        self.children = list(children)
        for child in self.children:
            self.fields[self.field_name(child)] = forms.DecimalField(
                label=child.name,
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=current.get(child.pk),
            )

    @staticmethod
    def field_name(region) -> str:
        return f"c_{region.code}"

    def rows(self):
        """(region, bound field) for the template's table."""
        return [(child, self[self.field_name(child)]) for child in self.children]

    def values(self) -> dict:
        return {child: self.cleaned_data.get(self.field_name(child)) for child in self.children}


class PlanDraftForm(forms.Form):
    year = forms.IntegerField(
        label=_("计划年度"),
        min_value=2018,
        max_value=2100,
        help_text=_("按实名库中有培训意愿的劳动力起草；已有草稿将被重新起草"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
