from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PayeeKind, SubsidyItem

PERSON_ITEMS = [
    (SubsidyItem.APPRAISAL, SubsidyItem.APPRAISAL.label),
    (SubsidyItem.LIVING, SubsidyItem.LIVING.label),
    (SubsidyItem.TRAINING, _("职业培训补贴（自主选择培训机构和项目）")),
    (SubsidyItem.STARTUP_TRAINING, SubsidyItem.STARTUP_TRAINING.label),
]
PERSON_PAYEES = [
    (PayeeKind.SOCIAL_SECURITY_CARD, PayeeKind.SOCIAL_SECURITY_CARD.label),
    (PayeeKind.PERSON_BANK, PayeeKind.PERSON_BANK.label),
]


class PersonClaimForm(forms.Form):
    item = forms.ChoiceField(label=_("补贴项目"), choices=PERSON_ITEMS)
    enrolment = forms.ModelChoiceField(
        label=_("培训"),
        queryset=None,
        required=False,
        empty_label=_("—"),
        help_text=_("生活费补贴和培训补贴填写"),
    )
    appraisal = forms.ModelChoiceField(
        label=_("职业技能鉴定"),
        queryset=None,
        required=False,
        empty_label=_("—"),
        help_text=_("鉴定补贴填写"),
    )
    payee_kind = forms.ChoiceField(label=_("收款账户类型"), choices=PERSON_PAYEES)
    note = forms.CharField(
        label=_("申领材料说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("已收取的身份证、证书、银行卡等材料"),
    )

    def __init__(self, *args, enrolments, appraisals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda e: (
            f"{e.training_class.code} {e.training_class.occupation.name} "
            f"{e.training_class.start_date}—{e.training_class.end_date}"
        )
        self.fields["appraisal"].queryset = appraisals
        self.fields["appraisal"].label_from_instance = lambda a: (
            f"{a.occupation.name} {a.get_level_display()} {a.appraised_on}"
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    upheld = forms.ChoiceField(
        label=_("核查结论"),
        choices=[("no", _("不属实，恢复该明细")), ("yes", _("属实，核减该明细"))],
    )
    answer = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}))


class ComplaintForm(forms.Form):
    text = forms.CharField(
        label=_("举报内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.CharField(
        label=_("联系方式（选填）"),
        max_length=40,
        required=False,
        help_text=_("仅用于核实情况，不会公开"),
    )
