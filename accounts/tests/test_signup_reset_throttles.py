"""Sign-up and password reset are limited per client IP (and reset per target address)."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.tests.test_auth_api import assert_error, register

LIMITS = {
    "auth_ip": "1000/min",
    "auth_email": "1000/min",
    "signup_ip": "2/hour",
    "password_reset_ip": "3/hour",
    "password_reset_email": "2/hour",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.CHATSPHERE_RATE_LIMITS = LIMITS


def dashboard_signup(client: Client, email: str, **extra):
    body = {"email": email, "password": "tall green ladder 42", "organization_name": "Shop", "full_name": ""}
    return client.post(reverse("dashboard:signup"), body, **extra)


def reset(client: Client, email: str, **extra):
    return client.post(reverse("dashboard:password_reset"), {"email": email}, **extra)


class TestSignupThrottle:
    def test_api_sign_ups_per_ip_answer_429_with_retry_after(self):
        client = APIClient()
        assert register(client, "one@example.com").status_code == HTTPStatus.ACCEPTED
        assert register(client, "two@example.com").status_code == HTTPStatus.ACCEPTED
        refused = register(client, "three@example.com")
        assert_error(refused, HTTPStatus.TOO_MANY_REQUESTS)
        assert int(refused["Retry-After"]) > 60
        assert not User.objects.filter(email="three@example.com").exists()
        assert register(client, "three@example.com", REMOTE_ADDR="10.9.9.9").status_code == HTTPStatus.ACCEPTED

    def test_dashboard_and_api_share_the_per_ip_limit(self):
        assert register(APIClient(), "one@example.com").status_code == HTTPStatus.ACCEPTED
        assert dashboard_signup(Client(), "two@example.com").status_code == HTTPStatus.FOUND
        page = dashboard_signup(Client(), "three@example.com")
        assert page.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "Too many attempts" in page.content.decode()
        assert not User.objects.filter(email="three@example.com").exists()
        assert dashboard_signup(Client(), "three@example.com", REMOTE_ADDR="10.9.9.9").status_code == HTTPStatus.FOUND


class TestPasswordResetThrottle:
    def test_reset_e_mails_to_one_address_are_limited_across_ips(self, tenant_a):
        email = tenant_a.owner.email
        for ip in ("10.0.0.1", "10.0.0.2"):
            assert reset(Client(), email, REMOTE_ADDR=ip).status_code == HTTPStatus.FOUND
        page = reset(Client(), email.upper(), REMOTE_ADDR="10.0.0.3")
        assert page.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "Too many attempts" in page.content.decode()
        assert len(mail.outbox) == 2
        # another address is not held back
        assert reset(Client(), tenant_a.member.email, REMOTE_ADDR="10.0.0.3").status_code == HTTPStatus.FOUND
        assert len(mail.outbox) == 3

    def test_reset_requests_from_one_ip_are_limited_for_any_address(self, tenant_a):
        addresses = [tenant_a.owner.email, tenant_a.member.email, "nobody@example.com"]
        for email in addresses:
            assert reset(Client(), email).status_code == HTTPStatus.FOUND
        page = reset(Client(), tenant_a.admin.email)
        assert page.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert len(mail.outbox) == 2  # nothing is sent to an unknown address
        assert reset(Client(), tenant_a.admin.email, REMOTE_ADDR="10.7.7.7").status_code == HTTPStatus.FOUND
