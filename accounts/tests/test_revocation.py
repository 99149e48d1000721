"""Password changes and "log out everywhere" end every session and token of the account."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.test_auth_api import ME, REFRESH, TOKEN, assert_error, bearer

LOGOUT_ALL = "/api/v1/auth/logout-all/"
NEW_PASSWORD = "fresh river stone 7"


def token_pair(email: str, password: str = PASSWORD) -> dict:
    response = APIClient().post(TOKEN, {"email": email, "password": password}, format="json")
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()


def dashboard_session(email: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("dashboard:login"), {"username": email, "password": password})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("dashboard:bot-list")).status_code == HTTPStatus.OK
    return client


def assert_signed_out(pair: dict, session: Client) -> None:
    assert_error(bearer(pair["access"]).get(ME), HTTPStatus.UNAUTHORIZED)
    assert_error(APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json"), HTTPStatus.UNAUTHORIZED)
    response = session.get(reverse("dashboard:bot-list"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("dashboard:login"))


@pytest.mark.django_db
class TestPasswordChangeRevokes:
    def test_dashboard_password_reset_ends_tokens_and_sessions(self, tenant_a):
        email = tenant_a.owner.email
        pair, session = token_pair(email), dashboard_session(email)
        # A refresh before the change still hands out working tokens of the old password.
        rotated = APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json").json()

        Client().post(reverse("dashboard:password_reset"), {"email": email})
        link = re.search(r"http://\S+/app/password-reset/\S+/", mail.outbox[0].body).group(0)
        client = Client()
        form_url = client.get(link, follow=True).redirect_chain[-1][0]
        done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
        assert done.status_code == HTTPStatus.FOUND

        assert_signed_out(pair | {"refresh": rotated["refresh"]}, session)
        assert_error(bearer(rotated["access"]).get(ME), HTTPStatus.UNAUTHORIZED)
        fresh = token_pair(email, NEW_PASSWORD)
        assert bearer(fresh["access"]).get(ME).status_code == HTTPStatus.OK

    def test_admin_password_change_form_ends_tokens_and_sessions(self, tenant_a):
        victim = tenant_a.member
        pair, session = token_pair(victim.email), dashboard_session(victim.email)
        superuser = UserFactory(is_staff=True, is_superuser=True)
        admin = Client()
        admin.force_login(superuser)
        url = reverse("admin:auth_user_password_change", args=[victim.pk])
        response = admin.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
        assert response.status_code == HTTPStatus.FOUND, response.content
        victim.refresh_from_db()
        assert victim.check_password(NEW_PASSWORD)

        assert_signed_out(pair, session)
        # The superuser who changed it stays signed in.
        assert admin.get(reverse("admin:index")).status_code == HTTPStatus.OK

    def test_set_password_ends_refresh_tokens_of_that_user_only(self, tenant_a):
        pair, other = token_pair(tenant_a.owner.email), token_pair(tenant_a.member.email)
        tenant_a.owner.set_password(NEW_PASSWORD)
        tenant_a.owner.save()
        assert_error(APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json"), HTTPStatus.UNAUTHORIZED)
        assert APIClient().post(REFRESH, {"refresh": other["refresh"]}, format="json").status_code == HTTPStatus.OK
        assert bearer(other["access"]).get(ME).status_code == HTTPStatus.OK


@pytest.mark.django_db
class TestLogoutEverywhere:
    def test_api_logout_all_ends_every_token_and_session(self, tenant_a):
        email = tenant_a.owner.email
        first, second, session = token_pair(email), token_pair(email), dashboard_session(email)
        other_user = token_pair(tenant_a.member.email)

        response = bearer(first["access"]).post(LOGOUT_ALL)
        assert response.status_code == HTTPStatus.NO_CONTENT, response.content

        assert_signed_out(first, session)
        assert_error(bearer(second["access"]).get(ME), HTTPStatus.UNAUTHORIZED)
        assert_error(APIClient().post(REFRESH, {"refresh": second["refresh"]}, format="json"), HTTPStatus.UNAUTHORIZED)
        assert bearer(other_user["access"]).get(ME).status_code == HTTPStatus.OK
        # Logging in again works, with the same password.
        assert bearer(token_pair(email)["access"]).get(ME).status_code == HTTPStatus.OK
        assert dashboard_session(email)

    def test_api_logout_all_needs_a_person(self, tenant_a):
        assert_error(APIClient().post(LOGOUT_ALL), HTTPStatus.UNAUTHORIZED)

    def test_dashboard_button_ends_every_token_and_session(self, tenant_a):
        email = tenant_a.owner.email
        pair, other_browser, browser = token_pair(email), dashboard_session(email), dashboard_session(email)
        page = browser.get(reverse("dashboard:bot-list")).content.decode()
        assert reverse("dashboard:logout-everywhere") in page

        response = browser.post(reverse("dashboard:logout-everywhere"), follow=True)
        assert response.status_code == HTTPStatus.OK
        assert "logged out on every device" in response.content.decode()

        assert_signed_out(pair, other_browser)
        assert browser.get(reverse("dashboard:bot-list")).status_code == HTTPStatus.FOUND
        assert bearer(token_pair(email)["access"]).get(ME).status_code == HTTPStatus.OK
