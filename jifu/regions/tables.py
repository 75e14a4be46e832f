import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import Region


class RegionTable(BaseTable):
    code = tables.Column(verbose_name=_("区划代码"), linkify=True)
    name = tables.Column(verbose_name=_("名称"), linkify=True)
    parent = tables.Column(verbose_name=_("上级区划"), orderable=False)

    class Meta(BaseTable.Meta):
        model = Region
        fields = ("code", "name", "level", "kind", "parent", "poverty_category", "category_source")
        empty_text = _("没有符合条件的区划")
