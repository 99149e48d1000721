"""Unknown API routes and oversized bodies answer the API's JSON error shape, never HTML."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conftest import jwt_client

METHODS = ["get", "post", "put", "patch", "delete"]
UNKNOWN_PATHS = ["/api/v1/no-such-thing/", "/api/v1/no-such-thing", "/api/v1/bots", "/api/v1/me"]


def _assert_not_found(response) -> None:
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_unknown_api_route_answers_json_404_to_anyone(tenant_a, method, path):
    anonymous = Client(enforce_csrf_checks=True)
    session = Client(enforce_csrf_checks=True)
    session.force_login(tenant_a.owner)
    for client in (anonymous, session, jwt_client(tenant_a.owner)):
        response = client.generic(method.upper(), path, data=json.dumps({"name": "x"}), content_type="application/json")
        _assert_not_found(response)
