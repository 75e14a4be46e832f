from django import forms
from django.utils.translation import gettext_lazy as _

from jifu.core.widgets import DateInput
from jifu.training.models import Occupation

from .choices import (
    Channel,
    CommitmentKind,
    EmployerKind,
    EmploymentPlace,
    LeaveReason,
    StartupKind,
)

PLACES = [c for c in EmploymentPlace.choices if c[0]]
REASONS = [c for c in LeaveReason.choices if c[0]]
YES_NO = [("yes", _("是")), ("no", _("否"))]


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m")


class MonthField(forms.DateField):
    """A month entered as YYYY-MM (the browser's month picker) → its first day."""

    widget = MonthInput
    input_formats = ["%Y-%m", "%Y-%m-%d"]


class EmployerForm(forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18)
    name = forms.CharField(label=_("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("单位类型"), choices=EmployerKind.choices)
    industry = forms.CharField(label=_("所属行业"), max_length=60, required=False)
    region = forms.CharField(
        label=_("管理区划代码"), max_length=12, help_text=_("登记并联系该单位的县、乡镇或村")
    )
    province = forms.CharField(label=_("所在省份"), max_length=20, initial="甘肃省")
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("联系人"), max_length=40, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    bank_name = forms.CharField(label=_("开户银行"), max_length=60, required=False)
    bank_account = forms.CharField(
        label=_("收款账号"), max_length=40, required=False, help_text=_("补贴拨付到此账户")
    )


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("承诺类型"), choices=CommitmentKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2014, max_value=2100)
    places = forms.IntegerField(label=_("名额/岗位数"), min_value=0, initial=0)
    amount = forms.DecimalField(label=_("金额(元)"), min_value=0, required=False)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class JobForm(forms.Form):
    employer = forms.CharField(label=_("用人单位统一社会信用代码"), max_length=18, required=False)
    title = forms.CharField(label=_("岗位名称"), max_length=60)
    occupation = forms.ModelChoiceField(
        label=_("职业(工种)"), queryset=Occupation.objects.filter(active=True), required=False
    )
    wage_min = forms.DecimalField(label=_("月工资下限(元)"), min_value=0, required=False)
    wage_max = forms.DecimalField(label=_("月工资上限(元)"), min_value=0, required=False)
    place = forms.ChoiceField(label=_("工作地点"), choices=PLACES)
    location = forms.CharField(label=_("详细地点"), max_length=100, required=False)
    headcount = forms.IntegerField(label=_("招聘人数"), min_value=1)
    posted_on = forms.DateField(label=_("发布日期"), widget=DateInput)
    closes_on = forms.DateField(label=_("截止日期"), widget=DateInput, required=False)
    requirements = forms.CharField(
        label=_("岗位要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, employer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employer is not None:
            del self.fields["employer"]  # an employer posts for itself


class FindPersonForm(forms.Form):
    id_number = forms.CharField(label=_("身份证号码"), max_length=18)
    name = forms.CharField(label=_("姓名"), max_length=60)


class PlacementForm(forms.Form):
    employer_credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("已登记的用人单位填写信用代码即可关联"),
    )
    employer_name = forms.CharField(label=_("用人单位名称"), max_length=100, required=False)
    start_date = forms.DateField(label=_("入职日期"), widget=DateInput)
    place = forms.ChoiceField(label=_("就业地点"), choices=PLACES)
    province = forms.CharField(label=_("就业省份"), max_length=20, initial="甘肃省")
    location = forms.CharField(label=_("详细地点"), max_length=100, required=False)
    monthly_wage = forms.DecimalField(label=_("月工资(元)"), min_value=0, required=False)
    has_contract = forms.ChoiceField(label=_("签订劳动合同"), choices=YES_NO, initial="yes")
    channel = forms.ChoiceField(label=_("就业渠道"), choices=Channel.choices)
    training_class = forms.ModelChoiceField(
        label=_("关联培训班"), queryset=None, required=False, empty_label=_("无")
    )
    export_program = forms.ModelChoiceField(
        label=_("劳务输转项目"), queryset=None, required=False, empty_label=_("无")
    )

    def __init__(self, *args, classes, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_class"].queryset = classes
        self.fields["export_program"].queryset = programs


class EndPlacementForm(forms.Form):
    end_date = forms.DateField(label=_("离岗日期"), widget=DateInput)
    leave_reason = forms.ChoiceField(label=_("离岗原因"), choices=REASONS)


class FollowUpForm(forms.Form):
    done_on = forms.DateField(label=_("回访日期"), widget=DateInput)
    still_employed = forms.ChoiceField(label=_("仍在岗"), choices=YES_NO, initial="yes")
    monthly_wage = forms.DecimalField(label=_("月工资(元)"), min_value=0, required=False)
    leave_reason = forms.ChoiceField(
        label=_("离岗原因"), choices=[("", "—"), *REASONS], required=False
    )
    left_on = forms.DateField(
        label=_("离岗日期"), widget=DateInput, required=False, help_text=_("不填则按回访日期")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ProgramForm(forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=100)
    brand = forms.ModelChoiceField(
        label=_("劳务品牌"), queryset=None, required=False, empty_label=_("无")
    )
    region = forms.CharField(label=_("组织区划代码"), max_length=12)
    destination_province = forms.CharField(label=_("输入省份"), max_length=20)
    destination_city = forms.CharField(label=_("输入城市"), max_length=40, required=False)
    employer = forms.CharField(label=_("用人单位统一社会信用代码"), max_length=18, required=False)
    start_date = forms.DateField(label=_("输转日期"), widget=DateInput)
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput, required=False)
    planned_count = forms.IntegerField(label=_("计划输转人数"), min_value=0, initial=0)
    note = forms.CharField(
        label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, brands, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brand"].queryset = brands


class BrandForm(forms.Form):
    name = forms.CharField(label=_("品牌名称"), max_length=60)
    region = forms.CharField(label=_("所属区划代码"), max_length=12)
    occupation = forms.ModelChoiceField(
        label=_("职业(工种)"), queryset=Occupation.objects.filter(active=True), required=False
    )
    description = forms.CharField(
        label=_("简介"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class WorkTrainingForm(forms.Form):
    placement = forms.ModelChoiceField(label=_("在岗人员"), queryset=None)
    month = MonthField(label=_("月份"))
    occupation = forms.ModelChoiceField(
        label=_("培训工种"), queryset=Occupation.objects.filter(active=True), required=False
    )
    training_hours = forms.IntegerField(label=_("培训课时"), min_value=0, initial=0)
    mentor = forms.CharField(label=_("带教师傅"), max_length=40, required=False)
    wage = forms.DecimalField(label=_("当月工资(元)"), min_value=0)

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements
        self.fields["placement"].label_from_instance = lambda p: (
            f"{p.person.name} {p.person.id_number_masked}（{p.start_date} 入职）"
        )


class StartupForm(forms.Form):
    name = forms.CharField(label=_("经营实体名称"), max_length=100)
    kind = forms.ChoiceField(label=_("经营实体类型"), choices=StartupKind.choices)
    industry = forms.CharField(label=_("经营行业"), max_length=60, required=False)
    registration_no = forms.CharField(label=_("登记注册号"), max_length=30, required=False)
    started_on = forms.DateField(label=_("创业日期"), widget=DateInput)
    place = forms.CharField(label=_("经营地点区划代码"), max_length=12)
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False)
    training_class = forms.ModelChoiceField(
        label=_("创业培训班"), queryset=None, required=False, empty_label=_("无")
    )
    incubated = forms.BooleanField(label=_("入驻创业孵化基地"), required=False)
    loan_amount = forms.DecimalField(label=_("创业担保贷款(元)"), min_value=0, required=False)
    subsidy_amount = forms.DecimalField(label=_("创业补贴(元)"), min_value=0, required=False)
    other_support = forms.CharField(label=_("其他扶持"), max_length=200, required=False)
    jobs_created = forms.IntegerField(label=_("带动就业人数"), min_value=0, initial=0)
    poor_jobs_created = forms.IntegerField(
        label=_("带动贫困劳动力就业人数"), min_value=0, initial=0
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_class"].queryset = classes


class StartupFollowUpForm(forms.Form):
    visited_on = forms.DateField(label=_("回访日期"), widget=DateInput)
    operating = forms.ChoiceField(label=_("正常经营"), choices=YES_NO, initial="yes")
    jobs = forms.IntegerField(label=_("带动就业人数"), min_value=0)
    poor_jobs = forms.IntegerField(label=_("带动贫困劳动力就业人数"), min_value=0)
    monthly_revenue = forms.DecimalField(label=_("月营业额(元)"), min_value=0, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
