"""Sign-up, tokens, logout, the current user, and the brakes on password guessing, through the API."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, Role, User
from accounts.tests.factories import PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/token/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if code is not None:
        assert body["code"] == code
    return body


def login(client: APIClient, email: str, password: str = PASSWORD, **extra):
    return client.post(TOKEN, {"email": email, "password": password}, format="json", **extra)


def register(client: APIClient, email: str, password: str = "tall green ladder 42", **extra):
    body = {"email": email, "password": password, "organization_name": "Nina's Shop", "full_name": "Nina"}
    return client.post(REGISTER, body, format="json", **extra)


# --- sign-up ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestRegister:
    def test_register_creates_an_unverified_account_and_mails_a_verification_link(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = register(APIClient(), "Nina@Example.com")
        assert response.status_code == HTTPStatus.ACCEPTED, response.content
        assert response.json() == {
            "detail": "Check your e-mail: we sent a link to verify the address. "
            "Follow it to start using your account, then log in."
        }

        user = User.objects.get(email="nina@example.com")
        assert user.full_name == "Nina"
        assert user.email_verified_at is None
        # the organization waits for the verified address
        assert not Organization.objects.filter(name="Nina's Shop").exists()
        assert not Membership.objects.filter(user=user).exists()
        assert [m.to for m in mail.outbox] == [["nina@example.com"]]
        assert "/app/verify-email/?token=" in mail.outbox[0].body

    def test_an_address_with_an_account_gets_the_same_answer_and_a_notice_not_a_second_account(
        self, django_capture_on_commit_callbacks
    ):
        UserFactory(email="taken@example.com")
        fresh = register(APIClient(), "fresh@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            response = register(APIClient(), "TAKEN@example.com")
        assert response.status_code == fresh.status_code == HTTPStatus.ACCEPTED
        assert response.json() == fresh.json()
        assert User.objects.filter(email__iexact="taken@example.com").count() == 1
        assert not Organization.objects.filter(name="Nina's Shop").exists()
        [notice] = mail.outbox
        assert notice.to == ["taken@example.com"]
        assert "already has one" in notice.body
        assert "/app/password-reset/" in notice.body
        assert "verify-email" not in notice.body

    @pytest.mark.parametrize("password", ["12345678", "password", "short"])
    def test_weak_password_is_refused_naming_password(self, password):
        response = register(APIClient(), "weak@example.com", password=password)
        body = assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")
        assert "password" in body["errors"]
        assert body["errors"]["password"]
        assert not User.objects.filter(email="weak@example.com").exists()

    def test_password_like_the_email_is_refused(self):
        response = register(APIClient(), "greenladder@example.com", password="greenladder")
        body = assert_error(response, HTTPStatus.BAD_REQUEST)
        assert "password" in body["errors"]


# --- tokens -------------------------------------------------------------------------------


@pytest.mark.django_db
class TestTokens:
    def test_good_credentials_give_a_working_pair(self, tenant_a):
        response = login(APIClient(), tenant_a.member.email.upper())
        assert response.status_code == HTTPStatus.OK, response.content
        body = response.json()
        assert set(body) == {"access", "refresh"}
        me = bearer(body["access"]).get(ME)
        assert me.status_code == HTTPStatus.OK
        assert me.json()["user"]["id"] == str(tenant_a.member.id)

    @pytest.mark.parametrize("which", ["wrong-password", "unknown-email"])
    def test_bad_credentials_answer_401_json(self, tenant_a, which):
        email = tenant_a.member.email if which == "wrong-password" else "nobody@example.com"
        response = login(APIClient(), email, password="not the password at all")
        body = assert_error(response, HTTPStatus.UNAUTHORIZED, "invalid_credentials")
        assert "access" not in body and "refresh" not in body

    def test_inactive_user_cannot_log_in(self, tenant_a):
        User.objects.filter(id=tenant_a.member.id).update(is_active=False)
        assert_error(login(APIClient(), tenant_a.member.email), HTTPStatus.UNAUTHORIZED)

    def test_refresh_rotates_and_the_old_refresh_stops_working(self, tenant_a):
        pair = login(APIClient(), tenant_a.owner.email).json()
        client = APIClient()

        rotated = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
        assert rotated.status_code == HTTPStatus.OK, rotated.content
        new = rotated.json()
        assert new["access"] and new["refresh"]
        assert new["refresh"] != pair["refresh"]
        assert bearer(new["access"]).get(ME).status_code == HTTPStatus.OK

        reused = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
        assert_error(reused, HTTPStatus.UNAUTHORIZED)

        # the new refresh token still works
        again = client.post(REFRESH, {"refresh": new["refresh"]}, format="json")
        assert again.status_code == HTTPStatus.OK

    def test_an_access_token_is_not_a_refresh_token(self, tenant_a):
        pair = login(APIClient(), tenant_a.owner.email).json()
        response = APIClient().post(REFRESH, {"refresh": pair["access"]}, format="json")
        assert_error(response, HTTPStatus.UNAUTHORIZED)

    def test_logout_blacklists_the_refresh_token(self, tenant_a):
        pair = login(APIClient(), tenant_a.owner.email).json()
        client = APIClient()

        response = client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")
        assert response.status_code == HTTPStatus.NO_CONTENT

        after = client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
        assert_error(after, HTTPStatus.UNAUTHORIZED)

        # logging out twice with the same token is refused as invalid
        twice = client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")
        body = assert_error(twice, HTTPStatus.BAD_REQUEST)
        assert "refresh" in body["errors"]

    def test_me_without_credentials_is_401(self):
        assert_error(APIClient().get(ME), HTTPStatus.UNAUTHORIZED)

    def test_me_with_a_garbage_token_is_401(self):
        assert_error(bearer("not.a.token").get(ME), HTTPStatus.UNAUTHORIZED)


# --- the current user ---------------------------------------------------------------------


@pytest.mark.django_db
def test_me_lists_every_membership_with_its_role(tenant_a, tenant_b):
    user = tenant_a.admin
    MembershipFactory(user=user, organization=tenant_b.organization, role=Role.MEMBER)
    third = OrganizationFactory(name="Gamma")
    MembershipFactory(user=user, organization=third, role=Role.OWNER)

    pair = login(APIClient(), user.email).json()
    response = bearer(pair["access"]).get(ME)
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert body["user"] == {"id": str(user.id), "email": user.email, "full_name": user.full_name}
    roles = {m["organization"]["slug"]: m["role"] for m in body["memberships"]}
    assert roles == {
        tenant_a.organization.slug: "admin",
        tenant_b.organization.slug: "member",
        third.slug: "owner",
    }
    # nobody else's organizations leak in
    assert Organization.objects.count() == 3


# --- rate limits --------------------------------------------------------------------------


def assert_throttled(response) -> int:
    body = assert_error(response, HTTPStatus.TOO_MANY_REQUESTS)
    retry_after = response.headers.get("Retry-After")
    assert retry_after is not None and int(retry_after) >= 1
    assert body["detail"]
    return int(retry_after)


@pytest.mark.django_db
class TestRateLimits:
    @override_settings(CHATSPHERE_RATE_LIMITS={"auth_ip": "3/min", "auth_email": "100/min"})
    def test_token_per_ip(self, tenant_a):
        client = APIClient()
        users = [tenant_a.owner, tenant_a.admin, tenant_a.member]
        for user in users:
            assert login(client, user.email).status_code == HTTPStatus.OK
        assert_throttled(login(client, tenant_a.owner.email))
        # a different client address is not affected
        assert login(client, tenant_a.owner.email, REMOTE_ADDR="10.0.0.7").status_code == HTTPStatus.OK

    @override_settings(CHATSPHERE_RATE_LIMITS={"auth_ip": "100/min", "auth_email": "2/min"})
    def test_token_per_email_across_addresses(self, tenant_a):
        client = APIClient()
        email = tenant_a.owner.email
        assert login(client, email, REMOTE_ADDR="10.0.0.1").status_code == HTTPStatus.OK
        assert login(client, email.upper(), REMOTE_ADDR="10.0.0.2").status_code == HTTPStatus.OK
        # the same address, spelled differently and from a third IP, is still the same account
        assert_throttled(login(client, f"  {email.upper()} ", REMOTE_ADDR="10.0.0.3"))
        # other accounts are not affected
        assert login(client, tenant_a.member.email, REMOTE_ADDR="10.0.0.3").status_code == HTTPStatus.OK

    @override_settings(CHATSPHERE_RATE_LIMITS={"auth_ip": "2/min", "auth_email": "100/min"})
    def test_register_per_ip(self):
        client = APIClient()
        assert register(client, "one@example.com").status_code == HTTPStatus.ACCEPTED
        assert register(client, "two@example.com").status_code == HTTPStatus.ACCEPTED
        assert_throttled(register(client, "three@example.com"))
        assert not User.objects.filter(email="three@example.com").exists()
        assert register(client, "three@example.com", REMOTE_ADDR="10.9.9.9").status_code == HTTPStatus.ACCEPTED

    @override_settings(CHATSPHERE_RATE_LIMITS={"auth_ip": "100/min", "auth_email": "2/min"})
    def test_register_per_email_across_addresses(self):
        client = APIClient()
        assert register(client, "same@example.com", REMOTE_ADDR="10.0.0.1").status_code == HTTPStatus.ACCEPTED
        duplicate = register(client, "same@example.com", REMOTE_ADDR="10.0.0.2")
        assert duplicate.status_code == HTTPStatus.ACCEPTED
        assert_throttled(register(client, "Same@Example.com", REMOTE_ADDR="10.0.0.3"))
        assert register(client, "other@example.com", REMOTE_ADDR="10.0.0.3").status_code == HTTPStatus.ACCEPTED

    @override_settings(CHATSPHERE_RATE_LIMITS={"auth_ip": "2/min", "auth_email": "100/min"})
    def test_refresh_per_ip(self, tenant_a):
        refresh = login(APIClient(), tenant_a.owner.email, REMOTE_ADDR="10.1.1.1").json()["refresh"]
        client = APIClient()
        first = client.post(REFRESH, {"refresh": refresh}, format="json")
        assert first.status_code == HTTPStatus.OK
        second = client.post(REFRESH, {"refresh": first.json()["refresh"]}, format="json")
        assert second.status_code == HTTPStatus.OK
        assert_throttled(client.post(REFRESH, {"refresh": second.json()["refresh"]}, format="json"))


@pytest.mark.django_db
class TestLoginGuard:
    """After a few failed logins for one account, further attempts must wait, doubling each time."""

    @override_settings(
        CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY=3,
        CHATSPHERE_LOGIN_MAX_DELAY_SECONDS=900,
        CHATSPHERE_RATE_LIMITS={"auth_ip": "1000/min", "auth_email": "1000/min"},
    )
    def test_repeated_failures_lock_the_account_for_a_growing_while(self, tenant_a):
        client = APIClient()
        email = tenant_a.member.email
        for _ in range(3):
            assert_error(login(client, email, password="wrong guess 1"), HTTPStatus.UNAUTHORIZED)

        # the right password is refused too while the account cools down, and the user is told why
        locked = login(client, email)
        wait = assert_throttled(locked)
        assert locked.json()["code"] == "rate_limited"
        assert "failed logins" in locked.json()["detail"]
        assert "access" not in locked.json()

        # other accounts from the same address are not affected
        assert login(client, tenant_a.owner.email).status_code == HTTPStatus.OK

        # after the wait, the next failure locks for longer (the delay doubles)
        time.sleep(wait + 0.05)
        assert_error(login(client, email, password="wrong guess 2"), HTTPStatus.UNAUTHORIZED)
        longer = assert_throttled(login(client, email))
        assert longer > wait

        # once the wait is over, the right password works and clears the record
        time.sleep(longer + 0.05)
        assert login(client, email).status_code == HTTPStatus.OK
        assert_error(login(client, email, password="wrong guess 3"), HTTPStatus.UNAUTHORIZED)

    @override_settings(CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY=3, CHATSPHERE_LOGIN_MAX_DELAY_SECONDS=900)
    def test_failures_below_the_threshold_do_not_lock(self, tenant_a):
        client = APIClient()
        email = tenant_a.member.email
        for _ in range(2):
            assert_error(login(client, email, password="wrong"), HTTPStatus.UNAUTHORIZED)
        assert login(client, email).status_code == HTTPStatus.OK
        # a success resets the count: two more failures still do not lock
        for _ in range(2):
            assert_error(login(client, email, password="wrong"), HTTPStatus.UNAUTHORIZED)
        assert login(client, email).status_code == HTTPStatus.OK

    @override_settings(CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY=1, CHATSPHERE_LOGIN_MAX_DELAY_SECONDS=900)
    def test_unknown_accounts_are_guarded_too(self):
        client = APIClient()
        assert_error(login(client, "ghost@example.com", password="x"), HTTPStatus.UNAUTHORIZED)
        assert_throttled(login(client, "ghost@example.com", password="x"))
