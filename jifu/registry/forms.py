from django import forms
from django.utils.translation import gettext_lazy as _

from jifu.core.widgets import DateInput

from .choices import OutreachKind


class PersonImportForm(forms.Form):
    file = forms.FileField(
        label=_("台账文件"), help_text=_("xlsx、xls 或 csv；可直接使用各地现有台账，表头顺序不限")
    )
    county = forms.CharField(
        label=_("县区划代码"), max_length=12, required=False, help_text=_("文件中没有县列时填写")
    )
    dry_run = forms.BooleanField(label=_("试导入（只检查，不写入）"), required=False)


class HouseholdPlanForm(forms.Form):
    measures = forms.CharField(label=_("帮扶措施"), widget=forms.Textarea(attrs={"rows": 4}))
    responsible_cadre = forms.CharField(label=_("帮扶责任人"), max_length=60)
    next_review = forms.DateField(label=_("下次回访日期"), required=False, widget=DateInput)


class GuidanceForm(forms.Form):
    date = forms.DateField(label=_("指导日期"), widget=DateInput)
    counsellor = forms.CharField(label=_("指导人员"), max_length=60)
    recommended_occupations = forms.CharField(
        label=_("推荐职业(工种)"), max_length=300, required=False
    )
    content = forms.CharField(
        label=_("指导内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class OutreachForm(forms.Form):
    region = forms.CharField(label=_("乡镇或村区划代码"), max_length=12)
    date = forms.DateField(label=_("日期"), widget=DateInput)
    kind = forms.ChoiceField(label=_("方式"), choices=OutreachKind.choices)
    title = forms.CharField(label=_("主题"), max_length=200)
    people_reached = forms.IntegerField(label=_("覆盖人数"), min_value=0)
    notes = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
