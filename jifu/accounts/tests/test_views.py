"""The system administrator creates users in the UI; mistakes are explained in Chinese."""

from jifu.accounts.models import User
from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core.testing import PASSWORD


def _form(**overrides):
    data = {
        "username": "new_cadre",
        "full_name": "马文",
        "role": "township",
        "region": "622926100",
        "org_credit_code": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def test_sysadmin_creates_a_user(client, world):
    admin = world.user(Role.SYSADMIN)
    client.force_login(admin)
    response = client.post("/accounts/users/add/", _form())
    user = User.objects.get(username="new_cadre")
    assert response.status_code == 302 and response["Location"] == f"/accounts/users/{user.pk}/"
    assert user.region.code == "622926100000" and user.role == "township"
    assert AuditEvent.objects.filter(action="create", object_id=str(user.pk), actor=admin).exists()


def test_wrong_level_is_explained(client, world):
    client.force_login(world.user(Role.SYSADMIN))
    response = client.post("/accounts/users/add/", _form(region="622926"))
    assert response.status_code == 200
    assert "乡镇级区划" in response.content.decode()
    assert not User.objects.filter(username="new_cadre").exists()


def test_passwords_must_match(client, world):
    client.force_login(world.user(Role.SYSADMIN))
    response = client.post("/accounts/users/add/", _form(password2="other#Pass2018"))
    assert "两次输入的密码不一致" in response.content.decode()


def test_only_sysadmin_may_add(client, world):
    client.force_login(world.user(Role.PROVINCE))
    assert client.get("/accounts/users/add/").status_code == 403
    assert client.post("/accounts/users/add/", _form()).status_code == 403
    assert not User.objects.filter(username="new_cadre").exists()
