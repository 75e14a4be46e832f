"""Forms of the supervision, commendation, highlight and annual-summary pages.

Regions are entered as division codes and checked against the user's scope by
the views (``region_in_scope``) and again by the services.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from jifu.core.widgets import DateInput

from .choices import ActionKind

YES_NO = [("yes", _("同意销号")), ("no", _("退回整改"))]
TEXTAREA = {"rows": 3}


class VisitForm(forms.Form):
    region = forms.CharField(
        label=_("被督导区划代码"), max_length=12, help_text=_("县（市、区）或市州的区划代码")
    )
    visited_on = forms.DateField(label=_("督导日期"), widget=DateInput)
    team = forms.CharField(label=_("督导组"), max_length=200)
    issues = forms.CharField(label=_("发现问题"), widget=forms.Textarea(attrs=TEXTAREA))
    rectification = forms.CharField(
        label=_("整改要求"), widget=forms.Textarea(attrs=TEXTAREA), required=False
    )
    due = forms.DateField(label=_("整改期限"), widget=DateInput, required=False)


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=_("整改完成日期"), widget=DateInput)
    result = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs=TEXTAREA))


class CloseVisitForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=YES_NO)
    note = forms.CharField(
        label=_("说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("退回整改时必填"),
    )
    due = forms.DateField(
        label=_("新的整改期限"),
        widget=DateInput,
        required=False,
        help_text=_("退回整改时可重新规定期限"),
    )


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ActionKind.choices)
    region = forms.CharField(label=_("区划代码"), max_length=12)
    decided_on = forms.DateField(label=_("日期"), widget=DateInput)
    subject = forms.CharField(
        label=_("对象"), max_length=200, help_text=_("受表扬或被问责的单位、个人")
    )
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs=TEXTAREA))
    document = forms.CharField(label=_("文号"), max_length=100, required=False)
    visit = forms.ModelChoiceField(
        label=_("关联督导"), queryset=None, required=False, empty_label=_("（无）")
    )

    def __init__(self, *args, visits=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import SupervisionVisit

        self.fields["visit"].queryset = (
            visits if visits is not None else SupervisionVisit.objects.none()
        )


class HighlightForm(forms.Form):
    region = forms.CharField(
        label=_("区划代码"), max_length=12, help_text=_("亮点经验所在的区划，默认本级")
    )
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 10}))


class ReportGenerateForm(forms.Form):
    region = forms.CharField(label=_("区划代码"), max_length=12)
    year = forms.IntegerField(label=_("年度"), min_value=2018, max_value=2100)


class ReportUploadForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2018, max_value=2100)
    file = forms.FileField(
        label=_("签发版文件"),
        help_text=_("盖章签发后的年度工作总结，.docx 或 .pdf，不超过 20 MB；上传即为报送"),
    )
