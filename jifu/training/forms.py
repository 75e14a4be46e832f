from django import forms
from django.utils.translation import gettext_lazy as _

from jifu.core.widgets import DateInput

from .choices import (
    AssessmentResult,
    CertificateKind,
    DeliveryMode,
    InstitutionKind,
    SignInMethod,
    SkillLevel,
    TrainingType,
)
from .models import Occupation


class InstitutionForm(forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    name = forms.CharField(label=_("机构名称"), max_length=100)
    kind = forms.ChoiceField(label=_("机构类型"), choices=InstitutionKind.choices)
    licence_no = forms.CharField(label=_("办学许可证号"), max_length=50, required=False)
    licence_valid_until = forms.DateField(
        label=_("许可证有效期至"), required=False, widget=DateInput
    )
    occupations = forms.ModelMultipleChoiceField(
        label=_("核准职业"), queryset=Occupation.objects.filter(active=True)
    )
    region = forms.CharField(label=_("所在区划代码"), max_length=12)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=40, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=60, required=False)
    bank_account = forms.CharField(
        label=_("收款账号"), max_length=40, required=False, help_text=_("补贴拨付到此账户")
    )


class ClassForm(forms.Form):
    code = forms.CharField(label=_("班级编号"), max_length=40)
    occupation = forms.ModelChoiceField(label=_("职业(工种)"), queryset=Occupation.objects.none())
    level = forms.TypedChoiceField(
        label=_("等级"),
        choices=[("", "—"), *SkillLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    training_type = forms.ChoiceField(label=_("培训类型"), choices=TrainingType.choices)
    delivery_mode = forms.ChoiceField(label=_("培训方式"), choices=DeliveryMode.choices)
    place = forms.CharField(
        label=_("培训地点区划代码"), max_length=12, help_text=_("乡镇或村的区划代码")
    )
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    start_date = forms.DateField(label=_("开班日期"), widget=DateInput)
    end_date = forms.DateField(label=_("结业日期"), widget=DateInput)
    theory_hours = forms.IntegerField(label=_("理论课时"), min_value=0)
    practice_hours = forms.IntegerField(label=_("实操课时"), min_value=0)
    safety_hours = forms.IntegerField(label=_("安全课时"), min_value=0, initial=0)
    capacity = forms.IntegerField(label=_("计划人数"), min_value=1)
    teachers = forms.CharField(label=_("授课教师"), max_length=200, required=False)
    project = forms.CharField(label=_("关联劳务输转或产业项目"), max_length=200, required=False)

    def __init__(self, *args, institution=None, **kwargs):
        super().__init__(*args, **kwargs)
        # An institution declares only what it is approved to teach.
        self.fields["occupation"].queryset = (
            institution.occupations.all() if institution else Occupation.objects.none()
        )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class FindPersonForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=20)
    name = forms.CharField(label=_("姓名"), max_length=60)


class SessionForm(forms.Form):
    day = forms.DateField(label=_("日期"), widget=DateInput)
    seq = forms.IntegerField(label=_("节次"), min_value=1, initial=1)
    method = forms.ChoiceField(
        label=_("签到方式"), choices=[c for c in SignInMethod.choices if c[0] != "import"]
    )


class AssessmentForm(forms.Form):
    result = forms.ChoiceField(label=_("考核结果"), choices=AssessmentResult.choices)
    score = forms.DecimalField(label=_("考核成绩"), max_digits=5, decimal_places=1, required=False)
    assessor = forms.CharField(label=_("考核人"), max_length=60, required=False)
    on = forms.DateField(label=_("考核日期"), widget=DateInput)


class CertificateForm(forms.Form):
    kind = forms.ChoiceField(label=_("证书类型"), choices=CertificateKind.choices)
    number = forms.CharField(label=_("证书编号"), max_length=40)
    level = forms.TypedChoiceField(
        label=_("等级"),
        choices=[("", "—"), *SkillLevel.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    issuer = forms.CharField(label=_("发证机构"), max_length=100)
    issued_on = forms.DateField(label=_("发证日期"), widget=DateInput)


class AppraisalForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=20)
    name = forms.CharField(label=_("姓名"), max_length=60)
    occupation = forms.ModelChoiceField(
        label=_("职业(工种)"), queryset=Occupation.objects.filter(active=True)
    )
    level = forms.TypedChoiceField(label=_("等级"), choices=SkillLevel.choices, coerce=int)
    on = forms.DateField(label=_("鉴定日期"), widget=DateInput)
    passed = forms.BooleanField(label=_("鉴定通过"), required=False)
    organisation = forms.CharField(label=_("鉴定机构"), max_length=100)
