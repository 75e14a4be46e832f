import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jifu.core.tables import BaseTable

from .models import AuditEvent


class AuditEventTable(BaseTable):
    seq = tables.Column(verbose_name=_("序号"))

    class Meta(BaseTable.Meta):
        model = AuditEvent
        fields = (
            "seq",
            "timestamp",
            "actor_username",
            "action",
            "object_type",
            "object_repr",
            "region_code",
            "client_ip",
            "message",
        )
        empty_text = _("没有审计事件")
