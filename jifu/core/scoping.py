"""Region and organisation scoping: the one place that decides what a user may see.

Every model holding data that a user may or may not see declares how its rows
map to a scope, and its queryset inherits ``restrict(user, action)``:

* ``scope_region_field`` — a field (or lookup path) holding a 12-digit region
  code; the user's scope prefix (the code of the user's region cut to its level's
  length) is applied as ``startswith``.
* ``scope_org_field`` — a lookup path holding the organisation's credit code, for
  institution, school and employer users, who are scoped by organisation.
  A tuple of paths means the row belongs to each of those organisations.
* ``scope_widen_to`` — optional level ("county"): township and village users
  see such rows of their whole county (public business such as open classes).

A user without the permission for the action, or outside both scopes, gets an
empty queryset, so that views answer 404 for objects they may not see.
"""

from django.db import models

LEVEL_PREFIX_LENGTH = {"province": 2, "prefecture": 4, "county": 6, "township": 9, "village": 12}


def scope_prefix(code: str, level: str) -> str:
    """The prefix that selects everything under a region.

    It is the code cut to its level's length — never the code with trailing
    zeros stripped, since a township such as 620121100 itself ends in zero.
    """
    return code[: LEVEL_PREFIX_LENGTH[level]]


class RestrictedQuerySet(models.QuerySet):
    """QuerySet with ``restrict(user, action)``; see the module docstring."""

    def restrict(self, user, action: str = "view"):
        model = self.model
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        perm = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
        if not user.has_perm(perm):
            return self.none()
        return apply_scope(self, user)


def apply_scope(queryset, user):
    """Filter ``queryset`` to the user's scope (organisation or region)."""
    model = queryset.model
    if getattr(model, "scope_everyone", False):
        return queryset  # reference data (the occupation catalogue): the permission is enough
    org_field = getattr(model, "scope_org_field", None)
    region_field = getattr(model, "scope_region_field", None)
    # Organisation users see their own organisation's rows; reference data
    # without an organisation (regions) is scoped by their region instead.
    if user.is_org_user and org_field:
        if not user.org_credit_code:
            return queryset.none()
        # A row may belong to several organisations (a placement: its employer
        # and the institution whose class led to it); any one of them sees it.
        paths = (org_field,) if isinstance(org_field, str) else org_field
        match = models.Q()
        for path in paths:
            match |= models.Q(**{path: user.org_credit_code})
        return queryset.filter(match)
    if region_field is None:
        return queryset.none()
    prefix = user.scope_prefix
    if prefix is None:
        return queryset.none()
    if user.scope_is_whole_deployment:
        return queryset
    # Some rows are the business of the whole county (a class open to every
    # village in it): a model can widen a narrower user's prefix to that level.
    widen_to = getattr(model, "scope_widen_to", None)
    if widen_to:
        prefix = prefix[: LEVEL_PREFIX_LENGTH[widen_to]]
    return queryset.filter(**{f"{region_field}__startswith": prefix})
