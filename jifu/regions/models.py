"""Administrative regions: province → prefecture → county → township → village."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jifu.core.scoping import RestrictedQuerySet, scope_prefix

from . import codes
from .choices import (
    DEEP_POVERTY_CATEGORIES,
    CategorySource,
    PovertyCategory,
    RegionKind,
    RegionLevel,
)


class RegionQuerySet(RestrictedQuerySet):
    def under(self, code12: str, level: str | None = None):
        """Rows under (and including) a region, by prefix."""
        return self.filter(code__startswith=codes.prefix_of(code12, level))

    def deep_poverty(self):
        return self.filter(poverty_category__in=DEEP_POVERTY_CATEGORIES)


class Region(models.Model):
    """One administrative division, identified by its 12-digit statistical code."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices, db_index=True)
    kind = models.CharField(_("类型"), max_length=32, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    poverty_category = models.CharField(
        _("贫困县类别"), max_length=16, choices=PovertyCategory.choices, blank=True, default=""
    )
    category_source = models.CharField(
        _("类别来源"), max_length=16, choices=CategorySource.choices, blank=True, default=""
    )

    objects = RegionQuerySet.as_manager()

    scope_region_field = "code"

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:region_detail", args=[self.code])

    @property
    def prefix(self) -> str:
        return scope_prefix(self.code, self.level)

    @property
    def short_code(self) -> str:
        return codes.short_code(self.code)

    @property
    def is_deep_poverty(self) -> bool:
        return self.poverty_category in DEEP_POVERTY_CATEGORIES

    def ancestors(self) -> list["Region"]:
        """Province first, this region's parent last (one query)."""
        codes_above = []
        code = codes.parent_code_of(self.code)
        while code:
            codes_above.append(code)
            code = codes.parent_code_of(code)
        found = {r.code: r for r in Region.objects.filter(code__in=codes_above)}
        return [found[c] for c in reversed(codes_above) if c in found]

    def full_name(self) -> str:
        return "".join(r.name for r in self.ancestors()[1:]) + self.name


class RegionAlias(models.Model):
    """A superseded code still accepted on input (华亭县 620824 → 华亭市 620881)."""

    old_code = models.CharField(_("原区划代码"), max_length=12, unique=True)
    old_name = models.CharField(_("原名称"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("现区划"), on_delete=models.CASCADE, related_name="aliases"
    )
    changed_on = models.DateField(_("变更日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("区划代码别名")
        verbose_name_plural = _("区划代码别名")

    def __str__(self):
        return f"{self.old_name}({self.old_code[:6]}) → {self.region}"
