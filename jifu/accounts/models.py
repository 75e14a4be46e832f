"""Users: one role and one scope each."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet

from .roles import ORG_ROLES, Role


class UserQuerySet(RestrictedQuerySet):
    pass


class JifuUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who works in jifu. Scope: ``region`` or, for org roles, ``org_credit_code``."""

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="users"
    )
    org_credit_code = models.CharField(_("所属单位信用代码"), max_length=18, blank=True, default="")
    failed_login_count = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    objects = JifuUserManager()

    scope_region_field = "region__code"

    class Meta:
        ordering = ["username"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("lock_user", _("锁定/解锁用户"))]

    def __str__(self):
        return f"{self.full_name or self.username}（{self.get_role_display()}）"

    def get_absolute_url(self):
        return reverse("accounts:user_detail", args=[self.pk])

    @property
    def is_org_user(self) -> bool:
        return self.role in ORG_ROLES

    @property
    def scope_prefix(self) -> str | None:
        return self.region.prefix if self.region_id else None

    @property
    def scope_is_whole_deployment(self) -> bool:
        # One deployment serves one province: a province-level scope is everything.
        return self.region_id is not None and self.region.level == "province"

    @property
    def audit_region_code(self) -> str:
        return self.region.code if self.region_id else ""
