"""The admin's login form shares the lock-out of the API and the dashboard."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD
from accounts.tests.test_auth_api import assert_error, login

ADMIN_LOGIN = "/admin/login/"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("_guard_settings"),
]


@pytest.fixture
def _guard_settings(settings):
    settings.CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY = 3
    settings.CHATSPHERE_LOGIN_MAX_DELAY_SECONDS = 900
    settings.CHATSPHERE_RATE_LIMITS = {"auth_ip": "1000/min", "auth_email": "1000/min"}


def admin_login(client: Client, email: str, password: str, **extra):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password, "next": "/admin/"}, **extra)


def signed_in_to_admin(client: Client) -> bool:
    return client.get(reverse("admin:index")).status_code == HTTPStatus.OK


class TestAdminLoginGuard:
    def test_wrong_admin_passwords_lock_the_account_everywhere(self, tenant_a, settings):
        settings.CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY = 1
        email = tenant_a.owner.email
        client = Client()
        # Each wrong guess after a wait doubles it: 1 s, 2 s, then 4 s, long enough for the checks
        # below even on a loaded machine.
        for wait in (1, 2, 0):
            assert admin_login(client, email, "wrong guess").status_code == HTTPStatus.OK
            time.sleep(wait + 0.05)

        # the right password is refused at the admin while the account waits ...
        response = admin_login(client, email, PASSWORD)
        assert response.status_code == HTTPStatus.OK
        assert "Too many failed logins" in response.content.decode()
        assert not signed_in_to_admin(client)
        # ... and the API and the dashboard say the same
        assert_error(login(APIClient(), email), HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")
        page = Client().post(reverse("dashboard:login"), {"username": email, "password": PASSWORD})
        assert "Too many failed logins" in page.content.decode()

    def test_wrong_api_passwords_lock_the_admin(self, tenant_a):
        email = tenant_a.owner.email
        for _ in range(4):
            login(APIClient(), email, "wrong guess")
        client = Client()
        response = admin_login(client, email, PASSWORD)
        assert "Too many failed logins" in response.content.decode()
        assert not signed_in_to_admin(client)

    def test_right_password_logs_in_and_clears_failures(self, tenant_a):
        email = tenant_a.owner.email
        client = Client()
        admin_login(client, email, "wrong guess")
        admin_login(client, email, "wrong guess")
        response = admin_login(client, email, PASSWORD)
        assert response.status_code == HTTPStatus.FOUND
        assert signed_in_to_admin(client)
        # the count started over: two more failures do not lock the account
        admin_login(Client(), email, "wrong guess")
        admin_login(Client(), email, "wrong guess")
        assert login(APIClient(), email).status_code == HTTPStatus.OK


class TestLoginFormsPerIP:
    def test_admin_and_dashboard_logins_share_the_api_limit_per_ip(self, tenant_a, settings):
        settings.CHATSPHERE_RATE_LIMITS = {"auth_ip": "3/min", "auth_email": "1000/min"}
        owner, member = tenant_a.owner.email, tenant_a.member.email
        assert login(APIClient(), member).status_code == HTTPStatus.OK
        admin_login(Client(), member, "wrong guess")
        Client().post(reverse("dashboard:login"), {"username": member, "password": "wrong guess"})

        client = Client()
        response = admin_login(client, owner, PASSWORD)
        assert "Too many attempts" in response.content.decode()
        assert not signed_in_to_admin(client)
        assert_error(login(APIClient(), owner), HTTPStatus.TOO_MANY_REQUESTS)
        # another client IP is not held back
        assert admin_login(client, owner, PASSWORD, REMOTE_ADDR="10.4.4.4").status_code == HTTPStatus.FOUND
