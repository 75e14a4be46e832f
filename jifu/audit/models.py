"""The audit log: who did what to which object, when, from where, before and after.

Rows are append-only. Each row carries the hash of the previous row and its own
hash over its content, so that an edited or deleted row breaks the chain and
``jifu audit verify`` reports it. ``AuditChainHead`` holds the last sequence
number and hash; locking it serialises writers and lets verify detect a deleted
last row.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet

from .choices import AuditAction


class AuditEventQuerySet(RestrictedQuerySet):
    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One audited action. Never updated or deleted by the application."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    timestamp = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region_code = models.CharField(_("所属区划"), max_length=12, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=16, blank=True)
    prev_hash = models.CharField(_("前一条哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    scope_region_field = "region_code"

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")

    def __str__(self):
        return f"#{self.seq} {self.get_action_display()} {self.object_repr}"


class AuditChainHead(models.Model):
    """Single row: the last sequence number and hash of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("审计链头")

    def __str__(self):
        return f"#{self.seq} {self.hash[:12]}"
