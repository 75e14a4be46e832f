from django import forms
from django.utils.translation import gettext_lazy as _

from .roles import Role


class UserCreateForm(forms.Form):
    username = forms.RegexField(
        label=_("账号"),
        max_length=150,
        regex=r"^[A-Za-z0-9_.@+-]+$",
        error_messages={"invalid": _("账号只能包含字母、数字和 _ . @ + -")},
    )
    full_name = forms.CharField(label=_("姓名"), max_length=60, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.CharField(
        label=_("所属区划代码"), max_length=12, help_text=_("6、9 或 12 位区划代码")
    )
    org_credit_code = forms.CharField(
        label=_("所属单位统一社会信用代码"),
        max_length=18,
        required=False,
        help_text=_("培训机构、技工院校、用人单位的用户必填"),
    )
    password1 = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致"))
        return data
