from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import PovertyCategory


class PovertyCategoryForm(forms.Form):
    poverty_category = forms.ChoiceField(
        label=_("贫困县类别"), choices=PovertyCategory.choices, required=False
    )
    note = forms.CharField(
        label=_("修正依据"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("请注明文件名称、文号或核实情况"),
    )


class VillageImportForm(forms.Form):
    file = forms.FileField(
        label=_("村级区划 CSV 文件"), help_text=_("表头 code,name；UTF-8 或 GBK 编码")
    )
