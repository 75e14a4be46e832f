from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import FindingStatus


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("处理"),
        choices=[
            (FindingStatus.CHECKING, _("开始核查")),
            (FindingStatus.CONFIRMED, _("确认属实（冻结相关补贴）")),
            (FindingStatus.DISMISSED, _("排除（说明理由）")),
        ],
    )
    reason = forms.CharField(
        label=_("核查结论"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
