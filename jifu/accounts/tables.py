import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import User


class UserTable(BaseTable):
    username = tables.Column(verbose_name=_("账号"), linkify=True)
    region = tables.Column(verbose_name=_("所属区划"), linkify=True)

    class Meta(BaseTable.Meta):
        model = User
        fields = (
            "username",
            "full_name",
            "role",
            "region",
            "org_credit_code",
            "is_active",
            "last_login",
        )
        empty_text = _("没有符合条件的用户")
