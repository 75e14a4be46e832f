"""The audit chain: every edit or deletion of a row is found by verify."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from jifu.accounts.roles import Role
from jifu.audit import services
from jifu.audit.models import AuditEvent


@pytest.fixture
def events(db):
    with transaction.atomic():
        for i in range(5):
            services.record(
                "update", object_type="test.thing", object_id=str(i), after={"n": i, "名": "值"}
            )
    return list(AuditEvent.objects.order_by("seq"))


def test_intact_chain_verifies(events):
    result = services.verify()
    assert result.ok and result.checked == 5
    assert events[1].prev_hash == events[0].hash


def test_edit_in_sql_is_detected(events):
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET message = %s WHERE seq = %s", ["tampered", 3]
        )
    result = services.verify()
    assert not result.ok
    assert any("#3" in p for p in result.problems)


def test_deleted_row_is_detected(events):
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [2])
    assert not services.verify().ok


def test_deleted_last_row_is_detected(events):
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [5])
    assert not services.verify().ok


def test_json_edit_is_detected(events):
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET after = %s WHERE seq = %s", ['{"n": 99}', 4]
        )
    assert not services.verify().ok


def test_verify_command_fails_after_tampering(events, capsys):
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET actor_username = %s WHERE seq = %s",
            ["mallory", 1],
        )
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert exc.value.returncode == 1


def test_record_outside_a_transaction_is_refused(db):
    # pytest-django wraps the test in a transaction; leave it to check the guard.
    from unittest import mock

    with mock.patch.object(connection, "in_atomic_block", False), pytest.raises(RuntimeError):
        services.record("update", object_type="x")


def test_only_audit_administrator_reads_the_log(client, world):
    client.force_login(world.user(Role.COUNTY_HRSS))
    assert client.get("/audit/").status_code == 403
    client.force_login(world.user(Role.AUDITADMIN))
    response = client.get("/audit/")
    assert response.status_code == 200
    assert response.context["total"] == AuditEvent.objects.count() > 0
    verify = client.post("/audit/verify/")
    assert "审计链完整" in verify.content.decode()


def test_request_id_and_client_address_are_recorded(client, world):
    from jifu.core.testing import PASSWORD

    user = world.user(Role.PROVINCE)
    client.post(
        "/login/",
        {"username": user.username, "password": PASSWORD},
        HTTP_X_REQUEST_ID="req-12345678",
        REMOTE_ADDR="10.1.2.3",
    )
    event = AuditEvent.objects.filter(action="login", actor=user).latest("seq")
    assert event.request_id == "req-12345678"
    assert event.client_ip == "10.1.2.3"
