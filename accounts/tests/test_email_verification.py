"""Sign-up verifies the e-mail address; an unverified account cannot act in any organization, and
whoever proves the address (verification, invitation or password-reset link) ends a pre-registration's
tokens and sessions."""

from __future__ import annotations

import importlib
import re
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, Role, User
from accounts.tests.factories import PASSWORD, UnverifiedUserFactory
from accounts.tests.test_auth_api import ME, REFRESH, TOKEN, assert_error, bearer, register
from accounts.tests.test_roles import invite
from conftest import jwt_client

VERIFY = "/api/v1/auth/verify-email/"
RESEND = "/api/v1/auth/verify-email/resend/"
ACCEPT = "/api/v1/invitations/accept/"
BOTS = "/api/v1/bots/"
ORGANIZATIONS = "/api/v1/organizations/"
SIGNUP_PASSWORD = "tall green ladder 42"
ATTACKER_PASSWORD = "sly grey fox 1234"
VICTIM_PASSWORD = "fresh river stone 7"


def login(email: str, password: str) -> dict:
    response = APIClient().post(TOKEN, {"email": email, "password": password}, format="json")
    assert response.status_code == HTTPStatus.OK, response.content
    return response.json()


def verification_token(message) -> str:
    match = re.search(r"/app/verify-email/\?token=(\S+)", message.body)
    assert match, message.body
    return match.group(1)


def reset_password(email: str, new_password: str, capture) -> None:
    """The owner of the address resets the password through the mailed link, in the dashboard."""
    with capture(execute=True):
        Client().post(reverse("dashboard:password_reset"), {"email": email})
    link = re.search(r"http://\S+/app/password-reset/\S+/", mail.outbox[-1].body).group(0)
    client = Client()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == HTTPStatus.FOUND, done.content


def assert_tokens_refused(pair: dict, organization: Organization) -> None:
    access = bearer(pair["access"])
    assert_error(access.get(ME), HTTPStatus.UNAUTHORIZED)
    assert_error(access.get(f"{ORGANIZATIONS}{organization.id}/members/"), HTTPStatus.UNAUTHORIZED)
    assert_error(APIClient().post(REFRESH, {"refresh": pair["refresh"]}, format="json"), HTTPStatus.UNAUTHORIZED)


@pytest.mark.django_db
class TestVerificationThroughTheApi:
    def test_an_unverified_account_logs_in_but_acts_only_after_following_the_link(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            assert register(APIClient(), "nina@example.com").status_code == HTTPStatus.ACCEPTED
        token = verification_token(mail.outbox[-1])
        pair = login("nina@example.com", SIGNUP_PASSWORD)
        client = bearer(pair["access"])

        me = client.get(ME).json()
        assert me["email_verified"] is False
        assert me["memberships"] == []
        assert client.get(ORGANIZATIONS).json() == []
        for response in (
            client.get(BOTS),
            client.post(ORGANIZATIONS, {"name": "Side project"}, format="json"),
        ):
            body = assert_error(response, HTTPStatus.FORBIDDEN, "email_unverified")
            assert "Verify your e-mail address" in body["detail"]
        assert not Organization.objects.exists()

        verified = APIClient().post(VERIFY, {"token": token}, format="json")
        assert verified.status_code == HTTPStatus.OK, verified.content
        body = verified.json()
        assert body["user"]["email"] == "nina@example.com"
        assert body["organization"]["name"] == "Nina's Shop"
        organization = Organization.objects.get(id=body["organization"]["id"])
        user = User.objects.get(email="nina@example.com")
        assert Membership.objects.get(user=user, organization=organization).role == Role.OWNER

        # the same tokens now act in the new organization
        assert client.get(ME).json()["email_verified"] is True
        assert client.get(BOTS).status_code == HTTPStatus.OK
        assert client.post(BOTS, {"name": "Helper"}, format="json").status_code == HTTPStatus.CREATED

        # the link works once
        again = APIClient().post(VERIFY, {"token": token}, format="json")
        body = assert_error(again, HTTPStatus.BAD_REQUEST, "invalid_verification_token")
        assert "token" in body["errors"]
        assert Organization.objects.count() == 1

    @pytest.mark.parametrize("token", ["", "garbage", "Zm9v.bar-baz", "MTIz.1-2"])
    def test_a_forged_or_malformed_token_is_refused(self, token):
        UnverifiedUserFactory(email="nina@example.com")
        response = APIClient().post(VERIFY, {"token": token}, format="json")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["code"] in {"invalid", "invalid_verification_token"}
        assert User.objects.get(email="nina@example.com").email_verified_at is None

    def test_a_link_stops_working_once_the_password_changes(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            register(APIClient(), "nina@example.com")
        token = verification_token(mail.outbox[-1])
        user = User.objects.get(email="nina@example.com")
        user.set_password("another long phrase 9")
        user.save()
        assert_error(
            APIClient().post(VERIFY, {"token": token}, format="json"),
            HTTPStatus.BAD_REQUEST,
            "invalid_verification_token",
        )

    def test_the_link_can_be_sent_again_and_the_answer_never_reveals_an_account(
        self, django_capture_on_commit_callbacks
    ):
        UnverifiedUserFactory(email="waiting@example.com")
        jwt_verified = User.objects.create_superuser(email="done@example.com", password=PASSWORD)
        answers = []
        with django_capture_on_commit_callbacks(execute=True):
            for email in ("Waiting@Example.com", jwt_verified.email, "nobody@example.com"):
                response = APIClient().post(RESEND, {"email": email}, format="json")
                assert response.status_code == HTTPStatus.ACCEPTED, response.content
                answers.append(response.json())
        assert answers[0] == answers[1] == answers[2]
        assert [m.to for m in mail.outbox] == [["waiting@example.com"]]

        verified = APIClient().post(VERIFY, {"token": verification_token(mail.outbox[0])}, format="json")
        assert verified.status_code == HTTPStatus.OK
        # an account verified without a pending sign-up organization gets none
        assert verified.json()["organization"] is None

    @override_settings(CHATSPHERE_RATE_LIMITS={"auth_ip": "1000/min", "verification_email": "2/hour"})
    def test_resending_is_limited_per_address(self, django_capture_on_commit_callbacks):
        UnverifiedUserFactory(email="waiting@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            for remote in ("10.0.0.1", "10.0.0.2"):
                response = APIClient().post(RESEND, {"email": "waiting@example.com"}, REMOTE_ADDR=remote)
                assert response.status_code == HTTPStatus.ACCEPTED
            refused = APIClient().post(RESEND, {"email": "WAITING@example.com"}, REMOTE_ADDR="10.0.0.3")
        assert_error(refused, HTTPStatus.TOO_MANY_REQUESTS, "rate_limited")
        assert int(refused["Retry-After"]) > 60
        assert len(mail.outbox) == 2

    def test_an_unverified_session_cannot_use_the_api_either(self):
        UnverifiedUserFactory(email="nina@example.com")
        client = Client()
        client.post(reverse("dashboard:login"), {"username": "nina@example.com", "password": PASSWORD})
        response = client.get(BOTS)
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert response.json()["code"] == "email_unverified"


@pytest.mark.django_db
class TestPreRegistrationIsDropped:
    def test_attack_replay_pre_registered_tokens_die_when_the_owner_resets_and_accepts(
        self, tenant_a, django_capture_on_commit_callbacks
    ):
        # The attacker registers the victim's address and keeps a token pair.
        attacker = APIClient()
        response = register(attacker, "victim@example.com", password=ATTACKER_PASSWORD)
        assert response.status_code == HTTPStatus.ACCEPTED
        stolen = login("victim@example.com", ATTACKER_PASSWORD)

        # The owner invites the address; its real owner resets the password and accepts.
        organization = tenant_a.organization
        _invitation, invitation_token = invite(
            jwt_client(tenant_a.owner), organization, "victim@example.com", "admin", django_capture_on_commit_callbacks
        )
        reset_password("victim@example.com", VICTIM_PASSWORD, django_capture_on_commit_callbacks)
        victim = login("victim@example.com", VICTIM_PASSWORD)
        accepted = bearer(victim["access"]).post(ACCEPT, {"token": invitation_token}, format="json")
        assert accepted.status_code == HTTPStatus.OK, accepted.content
        assert accepted.json()["role"] == "admin"

        # The attacker's tokens and password are refused and see nothing of the organization.
        assert_tokens_refused(stolen, organization)
        assert_error(
            APIClient().post(TOKEN, {"email": "victim@example.com", "password": ATTACKER_PASSWORD}, format="json"),
            HTTPStatus.UNAUTHORIZED,
            "invalid_credentials",
        )
        # The real owner works in the organization, and the attacker's organization never existed.
        members = bearer(victim["access"]).get(f"{ORGANIZATIONS}{organization.id}/members/")
        assert members.status_code == HTTPStatus.OK
        assert "victim@example.com" in {m["user"]["email"] for m in members.json()}
        assert not Organization.objects.filter(name="Nina's Shop").exists()

    def test_signing_up_through_the_invitation_takes_over_an_unverified_pre_registration(
        self, tenant_a, django_capture_on_commit_callbacks
    ):
        register(APIClient(), "victim@example.com", password=ATTACKER_PASSWORD)
        stolen = login("victim@example.com", ATTACKER_PASSWORD)
        organization = tenant_a.organization
        _invitation, token = invite(
            jwt_client(tenant_a.owner), organization, "victim@example.com", "member", django_capture_on_commit_callbacks
        )

        visitor = Client()
        signup = reverse("dashboard:signup") + f"?invitation={token}"
        response = visitor.post(
            signup, {"email": "victim@example.com", "password": VICTIM_PASSWORD, "full_name": "Vic"}
        )
        assert response.status_code == HTTPStatus.FOUND, response.content
        assert visitor.get(reverse("dashboard:bot-list")).status_code == HTTPStatus.OK

        assert_tokens_refused(stolen, organization)
        user = User.objects.get(email="victim@example.com")
        assert user.is_email_verified and user.full_name == "Vic"
        assert user.check_password(VICTIM_PASSWORD)
        assert list(Membership.objects.filter(user=user).values_list("organization_id", flat=True)) == [organization.id]

    def test_a_password_reset_alone_verifies_and_drops_the_pending_organization(
        self, django_capture_on_commit_callbacks
    ):
        register(APIClient(), "victim@example.com", password=ATTACKER_PASSWORD)
        stolen = login("victim@example.com", ATTACKER_PASSWORD)
        attacker_session = Client()
        attacker_session.post(
            reverse("dashboard:login"), {"username": "victim@example.com", "password": ATTACKER_PASSWORD}
        )

        reset_password("victim@example.com", VICTIM_PASSWORD, django_capture_on_commit_callbacks)

        assert_error(bearer(stolen["access"]).get(ME), HTTPStatus.UNAUTHORIZED)
        assert_error(APIClient().post(REFRESH, {"refresh": stolen["refresh"]}, format="json"), HTTPStatus.UNAUTHORIZED)
        page = attacker_session.get(reverse("dashboard:verify-email-pending"))
        assert page.status_code == HTTPStatus.FOUND
        assert page["Location"].startswith(reverse("dashboard:login"))

        user = User.objects.get(email="victim@example.com")
        assert user.is_email_verified
        assert user.pending_organization_name == ""
        victim = bearer(login("victim@example.com", VICTIM_PASSWORD)["access"])
        assert victim.get(ME).json()["memberships"] == []
        assert not Organization.objects.exists()

    def test_accepting_an_invitation_verifies_an_own_unverified_account(
        self, tenant_a, django_capture_on_commit_callbacks
    ):
        UnverifiedUserFactory(email="late@example.com")
        before = login("late@example.com", PASSWORD)
        _invitation, token = invite(
            jwt_client(tenant_a.owner),
            tenant_a.organization,
            "late@example.com",
            "member",
            django_capture_on_commit_callbacks,
        )
        accepted = bearer(before["access"]).post(ACCEPT, {"token": token}, format="json")
        assert accepted.status_code == HTTPStatus.OK, accepted.content

        # proving the address revoked every earlier token; logging in again works in the organization
        assert_tokens_refused(before, tenant_a.organization)
        after = bearer(login("late@example.com", PASSWORD)["access"])
        assert after.get(ME).json()["email_verified"] is True
        assert after.get(BOTS).status_code == HTTPStatus.OK


@pytest.mark.django_db
class TestVerificationInTheDashboard:
    def test_sign_up_then_verify_then_work(self, django_capture_on_commit_callbacks):
        browser = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = browser.post(
                reverse("dashboard:signup"),
                {
                    "full_name": "Nina",
                    "email": "nina@example.com",
                    "organization_name": "Nina's Shop",
                    "password": SIGNUP_PASSWORD,
                },
            )
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("dashboard:verify-email-sent")
        assert "Check your e-mail" in browser.get(response["Location"]).content.decode()
        # not signed in: the dashboard asks to log in
        assert browser.get(reverse("dashboard:bot-list"))["Location"].startswith(reverse("dashboard:login"))

        # logged in but unverified: every organization page shows the verify page instead
        browser.post(reverse("dashboard:login"), {"username": "nina@example.com", "password": SIGNUP_PASSWORD})
        for name in ("dashboard:bot-list", "dashboard:member-list", "dashboard:organization-create"):
            redirected = browser.get(reverse(name))
            assert redirected.status_code == HTTPStatus.FOUND
            assert redirected["Location"] == reverse("dashboard:verify-email-pending")
        pending = browser.get(reverse("dashboard:verify-email-pending")).content.decode()
        assert "nina@example.com" in pending and "Send the link again" in pending

        with django_capture_on_commit_callbacks(execute=True):
            resent = browser.post(reverse("dashboard:verify-email-pending"))
        assert resent.status_code == HTTPStatus.FOUND
        assert len(mail.outbox) == 2
        token = verification_token(mail.outbox[-1])

        # opening the link only shows a button (mail scanners verify nothing); pressing it verifies
        link = f"{reverse('dashboard:verify-email')}?token={token}"
        assert "Verify my address" in browser.get(link).content.decode()
        assert User.objects.get(email="nina@example.com").email_verified_at is None
        done = browser.post(reverse("dashboard:verify-email"), {"token": token})
        assert done.status_code == HTTPStatus.FOUND
        assert done["Location"] == reverse("dashboard:bot-list")
        page = browser.get(done["Location"])
        assert page.status_code == HTTPStatus.OK
        assert "Nina&#x27;s Shop" in page.content.decode()

        # a used link says so
        assert "This link cannot be used" in Client().get(link).content.decode()

    def test_accepting_an_invitation_in_the_browser_verifies_and_keeps_this_session_only(
        self, tenant_a, django_capture_on_commit_callbacks
    ):
        UnverifiedUserFactory(email="late@example.com")
        elsewhere = login("late@example.com", PASSWORD)
        browser = Client()
        browser.post(reverse("dashboard:login"), {"username": "late@example.com", "password": PASSWORD})
        _invitation, token = invite(
            jwt_client(tenant_a.owner),
            tenant_a.organization,
            "late@example.com",
            "member",
            django_capture_on_commit_callbacks,
        )
        page = browser.get(f"{reverse('dashboard:invitation-accept')}?token={token}")
        assert "Accept the invitation" in page.content.decode()

        accepted = browser.post(reverse("dashboard:invitation-accept"), {"token": token})
        assert accepted["Location"] == reverse("dashboard:bot-list")
        assert browser.get(reverse("dashboard:bot-list")).status_code == HTTPStatus.OK
        assert_tokens_refused(elsewhere, tenant_a.organization)

    @override_settings(CHATSPHERE_RATE_LIMITS={"auth_ip": "1000/min", "verification_email": "1/hour"})
    def test_resend_button_is_limited(self, django_capture_on_commit_callbacks):
        UnverifiedUserFactory(email="nina@example.com")
        browser = Client()
        browser.post(reverse("dashboard:login"), {"username": "nina@example.com", "password": PASSWORD})
        with django_capture_on_commit_callbacks(execute=True):
            assert browser.post(reverse("dashboard:verify-email-pending")).status_code == HTTPStatus.FOUND
            refused = browser.post(reverse("dashboard:verify-email-pending"))
        assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "Too many attempts" in refused.content.decode()
        assert len(mail.outbox) == 1

    def test_the_admin_refuses_an_unverified_account(self):
        UnverifiedUserFactory(email="nina@example.com", is_staff=True)
        browser = Client()
        page = browser.post(reverse("admin:login"), {"username": "nina@example.com", "password": PASSWORD})
        assert page.status_code == HTTPStatus.OK
        assert "Verify your e-mail address before using the admin" in page.content.decode()
        assert browser.get(reverse("admin:index")).status_code == HTTPStatus.FOUND


@pytest.mark.django_db
def test_operators_and_accounts_from_before_verification_count_as_verified():
    assert User.objects.create_superuser(email="root@example.com", password=PASSWORD).is_email_verified
    earlier = UnverifiedUserFactory(email="old@example.com")
    migration = importlib.import_module("accounts.migrations.0003_user_email_verification")
    migration.mark_existing_users_verified(apps, None)
    earlier.refresh_from_db()
    assert earlier.email_verified_at == earlier.date_joined
