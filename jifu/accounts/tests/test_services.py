"""Creating users: a role's scope must fit it, and every change is audited."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from jifu.accounts import services
from jifu.accounts.models import User
from jifu.audit.models import AuditEvent
from jifu.core.testing import PASSWORD, ensure_regions


@pytest.fixture
def regions(db, fast_passwords):
    ensure_regions()


def test_role_must_match_region_level(regions):
    with pytest.raises(ValidationError) as exc:
        services.create_user(
            actor=None, username="x", role="county_hrss", region="6229", password=PASSWORD
        )
    assert "县级" in str(exc.value)
    user = services.create_user(
        actor=None, username="x", role="county_hrss", region="622926", password=PASSWORD
    )
    assert user.region.code == "622926000000"
    assert AuditEvent.objects.filter(action="create", object_id=str(user.pk)).exists()


def test_org_roles_need_an_organisation(regions):
    with pytest.raises(ValidationError):
        services.create_user(
            actor=None, username="i", role="institution", region="622926", password=PASSWORD
        )
    user = services.create_user(
        actor=None,
        username="i",
        role="institution",
        region="622926",
        password=PASSWORD,
        org_credit_code="91622926MA71234567",
    )
    assert user.is_org_user


def test_superseded_code_is_accepted(regions):
    user = services.create_user(
        actor=None, username="h", role="county_hrss", region="620824", password=PASSWORD
    )
    assert user.region.name == "华亭市"


def test_weak_password_and_duplicate_username(regions):
    with pytest.raises(ValidationError):
        services.create_user(actor=None, username="w", role="province", region="62", password="123")
    services.create_user(actor=None, username="d", role="province", region="62", password=PASSWORD)
    with pytest.raises(ValidationError):
        services.create_user(
            actor=None, username="d", role="province", region="62", password=PASSWORD
        )


def test_users_create_command(regions, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command(
        "users",
        "create",
        "cli_user",
        "--role",
        "township",
        "--region",
        "622926100",
        "--password-stdin",
    )
    user = User.objects.get(username="cli_user")
    assert user.check_password(PASSWORD) and user.region.level == "township"
    assert "cli_user" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="create", object_id=str(user.pk))
    assert event.channel == "cli"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="cannot create"):
        call_command(
            "users",
            "create",
            "cli_user2",
            "--role",
            "township",
            "--region",
            "622926",
            "--password-stdin",
        )


def test_lockout_after_repeated_failures(regions, client):
    services.create_user(actor=None, username="l", role="province", region="62", password=PASSWORD)
    for _ in range(5):
        client.post("/login/", {"username": "l", "password": "wrong"})
    user = User.objects.get(username="l")
    assert user.locked_until is not None
    # Even the right password is refused while locked.
    response = client.post("/login/", {"username": "l", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="login_failed", actor_username="l").count() == 6
