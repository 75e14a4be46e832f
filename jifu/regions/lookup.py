"""Finding a region from a code in any of its accepted forms."""

from . import codes
from .models import Region, RegionAlias


def canonical_code(raw) -> str:
    """12-digit current code for ``raw``: superseded codes are rewritten by prefix."""
    code = codes.clean_code(raw)
    for alias in RegionAlias.objects.select_related("region"):
        old_prefix = codes.prefix_of(alias.old_code)
        if code.startswith(old_prefix):
            return (alias.region.prefix + code[len(old_prefix) :]).ljust(12, "0")[:12]
    return code


def resolve(raw, queryset=None) -> Region:
    """The region for a code (6/9/12 digits or a superseded code).

    Raises ``codes.RegionCodeError`` for a malformed code and
    ``Region.DoesNotExist`` for an unknown one (or one outside ``queryset``).
    """
    queryset = Region.objects.all() if queryset is None else queryset
    return queryset.get(code=canonical_code(raw))


def region_in_scope(user, raw, field: str = "region") -> Region:
    """The region a form names, if the user may work in it; else a form error on ``field``."""
    from django.core.exceptions import ValidationError

    try:
        return Region.objects.restrict(user).get(code=canonical_code(raw))
    except (codes.RegionCodeError, Region.DoesNotExist):
        raise ValidationError({field: "区划不存在或不在您的管辖范围内"}) from None
