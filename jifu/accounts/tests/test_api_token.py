"""POST /api/auth/token/ with a JSON body returns a token the API accepts."""

from rest_framework.test import APIClient

from jifu.accounts.roles import Role
from jifu.audit.models import AuditEvent
from jifu.core.testing import PASSWORD


def test_token_round_trip(world):
    user = world.user(Role.COUNTY_HRSS)
    client = APIClient()
    response = client.post(
        "/api/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/regions/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=user).exists()


def test_bad_credentials(world):
    user = world.user(Role.COUNTY_HRSS)
    response = APIClient().post(
        "/api/auth/token/", {"username": user.username, "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()
    assert APIClient().post("/api/auth/token/", {}, format="json").status_code == 400


def test_schema_and_docs(world):
    client = APIClient()
    client.force_authenticate(world.user(Role.PROVINCE))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/regions/" in schema.json()["paths"]
    assert client.get("/api/docs/").status_code == 200
