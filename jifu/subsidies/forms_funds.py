"""Forms of the fund, standard and eligibility-rule pages; the services check the rest."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from jifu.core.widgets import DateInput
from jifu.training.choices import SkillLevel, TrainingType
from jifu.training.models import Occupation

from .choices import FundSource, SubsidyItem

# Which standard fields mean something for which item: ``rules.standard_for`` is
# asked about the occupation and level of training and appraisal only, about the
# training type of training only, and ``amount_for`` adds the key-industry uplift
# to those items alone. A field set elsewhere would make a standard never apply.
OCCUPATION_ITEMS = {SubsidyItem.TRAINING, SubsidyItem.STARTUP_TRAINING, SubsidyItem.APPRAISAL}
TRAINING_TYPE_ITEMS = {SubsidyItem.TRAINING, SubsidyItem.STARTUP_TRAINING}
UPLIFT_ITEMS = OCCUPATION_ITEMS
# Allocations and standards belong to a province, prefecture or county: claims are
# charged and computed by county, so a township's would never be used.
ALLOWED_LEVELS = ("province", "prefecture", "county")


class AllocationForm(forms.Form):
    source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100)
    region = forms.CharField(
        label=_("区划代码"), max_length=12, help_text=_("接收资金的省、市州或县的区划代码")
    )
    # No min_value: the service's own message ("下达金额须大于零") is the one shown.
    amount = forms.DecimalField(label=_("下达金额(元)"), max_digits=14, decimal_places=2)
    document = forms.CharField(label=_("资金文号"), max_length=100, required=False)
    allocated_on = forms.DateField(label=_("下达日期"), widget=DateInput)

    def clean(self):
        data = super().clean()
        year, on = data.get("year"), data.get("allocated_on")
        if on and on > date.today():
            self.add_error("allocated_on", _("下达日期不能晚于今天"))
        elif year and on and on.year not in (year - 1, year):
            # Funds for a year are often issued in advance, late in the year before (提前下达).
            self.add_error("allocated_on", _("下达日期应在资金年度内或上一年度（提前下达）"))
        return data


class StandardForm(forms.Form):
    item = forms.ChoiceField(label=_("补贴项目"), choices=SubsidyItem.choices)
    region = forms.CharField(
        label=_("适用区划代码"),
        max_length=12,
        help_text=_("全省填 620000000000；市州或县的标准优先于全省标准"),
    )
    occupation = forms.ModelChoiceField(
        label=_("职业(工种)"),
        queryset=Occupation.objects.filter(active=True),
        required=False,
        empty_label=_("所有职业"),
    )
    level = forms.TypedChoiceField(
        label=_("等级"),
        choices=[("", _("不限等级")), *SkillLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    training_type = forms.ChoiceField(
        label=_("培训类型"),
        choices=[("", _("不限培训类型")), *TrainingType.choices],
        required=False,
    )
    amount = forms.DecimalField(
        label=_("标准(元)"),
        max_digits=14,
        decimal_places=2,
        help_text=_("培训、创业培训、鉴定按元/人，生活费按元/人·天，以工代训按元/人·月"),
    )
    key_industry_pct = forms.DecimalField(
        label=_("重点产业上浮比例(%)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        required=False,
    )
    key_industry_amount = forms.DecimalField(
        label=_("重点产业上浮金额(元)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    max_months = forms.IntegerField(
        label=_("最长补贴月数"), min_value=1, max_value=60, required=False, help_text=_("以工代训")
    )
    effective_from = forms.DateField(label=_("生效日期"), widget=DateInput)
    effective_to = forms.DateField(
        label=_("失效日期"), widget=DateInput, required=False, help_text=_("不填则长期有效")
    )
    document = forms.CharField(label=_("政策文号"), max_length=100, required=False)

    def clean(self):
        data = super().clean()
        item = data.get("item")
        if not item:
            return data
        if item not in OCCUPATION_ITEMS:
            for name in ("occupation", "level"):
                if data.get(name) is not None:
                    self.add_error(name, _("职业(工种)和等级仅适用于培训、创业培训和鉴定补贴"))
        if item not in TRAINING_TYPE_ITEMS and data.get("training_type"):
            self.add_error("training_type", _("培训类型仅适用于职业培训和创业培训补贴"))
        if item != SubsidyItem.WORK_BASED and data.get("max_months"):
            self.add_error("max_months", _("最长补贴月数仅适用于以工代训补贴"))
        pct, extra = data.get("key_industry_pct"), data.get("key_industry_amount")
        if (pct or extra) and item not in UPLIFT_ITEMS:
            self.add_error("key_industry_pct", _("重点产业上浮仅适用于培训、创业培训和鉴定补贴"))
        elif pct and extra:
            self.add_error("key_industry_amount", _("上浮比例和上浮金额只能填写一项"))
        return data


class EndStandardForm(forms.Form):
    effective_to = forms.DateField(
        label=_("失效日期"),
        widget=DateInput,
        help_text=_("该日期当天仍按本标准计算，次日起不再适用"),
    )


class RuleForm(forms.Form):
    enabled = forms.BooleanField(label=_("启用"), required=False)
    limit = forms.IntegerField(label=_("限值"), min_value=1, max_value=999)
    message = forms.CharField(
        label=_("不符合时的提示"),
        max_length=200,
        help_text=_("“{limit}”会替换为限值；提示前自动加上人员姓名，后面附上具体情况"),
    )

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        if rule.limit is None:
            # The rule's logic takes no number (on/off only): a limit would change nothing.
            del self.fields["limit"]
