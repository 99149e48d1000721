"""Passwords are stored with Argon2. The suite runs on a fast hasher (`chatsphere.settings_test`);
these tests put production's hashers back and check the real thing, through the API too."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from chatsphere import settings as production_settings

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS


def test_production_settings_hash_with_argon2():
    assert production_settings.PASSWORD_HASHERS[0] == ARGON2


@pytest.mark.django_db
def test_a_password_is_stored_as_an_argon2id_hash_and_verified(production_hashers):
    user = UserFactory()
    stored = User.objects.get(id=user.id).password
    assert stored.startswith("argon2$argon2id$")
    assert PASSWORD not in stored
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


@pytest.mark.django_db
def test_sign_up_stores_argon2_and_the_password_logs_in(production_hashers):
    client = APIClient()
    body = {"email": "ada@example.com", "password": "tall green ladder 42", "organization_name": "Ada's"}
    assert client.post("/api/v1/auth/register/", body, format="json").status_code == HTTPStatus.ACCEPTED
    assert User.objects.get(email="ada@example.com").password.startswith("argon2$argon2id$")

    response = client.post(
        "/api/v1/auth/token/", {"email": "ada@example.com", "password": "tall green ladder 42"}, format="json"
    )
    assert response.status_code == HTTPStatus.OK, response.content
    assert response.json()["access"]
