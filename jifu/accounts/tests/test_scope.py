"""Users through the permission matrix: offices see the users of their own area."""

from jifu.accounts.models import User
from jifu.accounts.roles import Role
from jifu.core.testing import ApiScopeMatrix, ScopeMatrix


class TestUserScope(ScopeMatrix, ApiScopeMatrix):
    viewer_role = Role.COUNTY_HRSS
    outsider_role = Role.TOWNSHIP
    list_url = "/accounts/users/"
    api_list_url = "/api/users/"

    def own_object(self, world):
        return world.user(Role.VILLAGE, "a")

    def other_object(self, world):
        return world.user(Role.VILLAGE, "b")

    def api_detail_url(self, obj):
        return f"/api/users/{obj.pk}/"

    def label(self, obj):
        return obj.username


def test_sysadmin_sees_all_users_but_no_programme_data(world):
    admin = world.user(Role.SYSADMIN)
    assert User.objects.restrict(admin).count() == User.objects.count()
    assert admin.has_perm("accounts.add_user")
    assert not admin.has_perm("audit.view_auditevent")


def test_three_administrators_are_separated(world):
    sysadmin, secadmin, auditadmin = (
        world.user(r) for r in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN)
    )
    assert not secadmin.has_perm("accounts.add_user")
    assert not auditadmin.has_perm("accounts.view_user")
    assert not auditadmin.has_perm("regions.view_region")
    assert auditadmin.has_perm("audit.view_auditevent")
    assert not sysadmin.has_perm("audit.view_auditevent")
