"""Dashboard pages for people and bots: status, scoping, roles and form errors."""

from __future__ import annotations

import re
import time
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey, Invitation, Membership, Organization, Role, User
from accounts.tests.factories import PASSWORD, MembershipFactory
from bots.models import Bot
from bots.tests.factories import BotFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def key_row(client: Client, name: str) -> str:
    """The API-key list's table row of the key called `name`."""
    listing = client.get(reverse("dashboard:api-key-list")).content.decode()
    return re.search(rf"<tr>\s*<td>{re.escape(name)}</td>.*?</tr>", listing, re.S).group(0)


@pytest.mark.django_db
class TestSignupAndLogin:
    def test_signup_then_verification_creates_organization_and_lands_on_empty_bot_list(
        self, django_capture_on_commit_callbacks
    ):
        client = Client()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("dashboard:signup"),
                {"email": "Nina@Example.com", "organization_name": "Nina's Shop", "password": "tall green ladder 42"},
                follow=True,
            )
        assert response.status_code == HTTPStatus.OK
        assert response.redirect_chain[-1][0] == reverse("dashboard:verify-email-sent")
        assert "Check your e-mail" in response.content.decode()
        user = User.objects.get(email="nina@example.com")
        assert not Membership.objects.filter(user=user).exists()

        token = re.search(r"/app/verify-email/\?token=(\S+)", mail.outbox[-1].body).group(1)
        verified = client.post(reverse("dashboard:verify-email"), {"token": token}, follow=True)
        assert verified.redirect_chain[-1][0] == reverse("dashboard:login")
        assert "Your e-mail address is verified" in verified.content.decode()
        response = client.post(
            reverse("dashboard:login"),
            {"username": "nina@example.com", "password": "tall green ladder 42"},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == reverse("dashboard:bot-list")
        assert "No bots yet" in response.content.decode()
        assert Membership.objects.get(user=user).role == Role.OWNER

    def test_signup_errors_are_shown_next_to_fields(self):
        response = Client().post(
            reverse("dashboard:signup"), {"email": "not-an-email", "organization_name": "", "password": "123"}
        )
        assert response.status_code == HTTPStatus.OK
        form = response.context["form"]
        assert set(form.errors) >= {"email", "organization_name"}
        assert not User.objects.exists()

    def test_weak_password_is_refused_with_a_message(self):
        response = Client().post(
            reverse("dashboard:signup"), {"email": "a@example.com", "organization_name": "A", "password": "12345678"}
        )
        assert "password" in response.context["form"].errors
        assert not User.objects.exists()

    def test_login_with_email_and_logout(self, tenant_a):
        client = Client()
        response = client.post(reverse("dashboard:login"), {"username": tenant_a.owner.email, "password": PASSWORD})
        assert response.status_code == HTTPStatus.FOUND
        assert client.get(reverse("dashboard:bot-list")).status_code == HTTPStatus.OK
        client.post(reverse("dashboard:logout"))
        assert client.get(reverse("dashboard:bot-list")).status_code == HTTPStatus.FOUND

    def test_repeated_failed_logins_make_the_account_wait(self, tenant_a, settings):
        settings.CHATSPHERE_LOGIN_FAILURES_BEFORE_DELAY = 1
        client = Client()
        # Each wrong password after a wait doubles it (1 s, 2 s, then 4 s): the check below has time.
        for wait in (1, 2, 0):
            client.post(reverse("dashboard:login"), {"username": tenant_a.owner.email, "password": "wrong"})
            time.sleep(wait + 0.05)
        response = client.post(reverse("dashboard:login"), {"username": tenant_a.owner.email, "password": PASSWORD})
        assert response.status_code == HTTPStatus.OK
        assert "Too many failed logins" in response.content.decode()
        assert re.search(r"Try again in (1 second|[2-9]\d* seconds)\.", response.content.decode())

    def test_pages_need_login(self, tenant_a):
        response = Client().get(reverse("dashboard:bot-list"))
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("dashboard:login"))

    def test_password_reset_sends_a_working_link(self, tenant_a):
        Client().post(reverse("dashboard:password_reset"), {"email": tenant_a.owner.email})
        assert len(mail.outbox) == 1
        link = re.search(r"http://\S+/app/password-reset/\S+/", mail.outbox[0].body).group(0)
        client = Client()
        page = client.get(link, follow=True)
        assert page.status_code == HTTPStatus.OK
        form_url = page.redirect_chain[-1][0]
        done = client.post(form_url, {"new_password1": "fresh river stone 7", "new_password2": "fresh river stone 7"})
        assert done.status_code == HTTPStatus.FOUND
        tenant_a.owner.refresh_from_db()
        assert tenant_a.owner.check_password("fresh river stone 7")


@pytest.mark.django_db
class TestInvitations:
    def test_invite_then_new_person_signs_up_and_joins(self, tenant_a, django_capture_on_commit_callbacks):
        admin = logged_in(tenant_a.admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin.post(reverse("dashboard:member-list"), {"email": "newbie@example.com", "role": "member"})
        assert response.status_code == HTTPStatus.FOUND
        link = re.search(r"token=(\S+)", mail.outbox[0].body)
        token = link.group(1)

        visitor = Client()
        page = visitor.get(reverse("dashboard:invitation-accept"), {"token": token})
        assert tenant_a.organization.name in page.content.decode()
        signup = reverse("dashboard:signup") + f"?invitation={token}"
        response = visitor.post(signup, {"email": "newbie@example.com", "password": "kind blue otter 9"})
        assert response.status_code == HTTPStatus.FOUND
        user = User.objects.get(email="newbie@example.com")
        assert Membership.objects.get(user=user).organization == tenant_a.organization
        assert Invitation.objects.get(email="newbie@example.com").status == "accepted"
        # No organization of their own was created.
        assert Organization.objects.count() == 1

    def test_existing_user_accepts_while_logged_in(self, tenant_a, tenant_b, django_capture_on_commit_callbacks):
        admin = logged_in(tenant_a.admin)
        with django_capture_on_commit_callbacks(execute=True):
            admin.post(reverse("dashboard:member-list"), {"email": tenant_b.member.email, "role": "admin"})
        token = re.search(r"token=(\S+)", mail.outbox[0].body).group(1)
        client = logged_in(tenant_b.member)
        response = client.post(reverse("dashboard:invitation-accept"), {"token": token})
        assert response.status_code == HTTPStatus.FOUND
        assert Membership.objects.get(user=tenant_b.member, organization=tenant_a.organization).role == Role.ADMIN

    def test_invalid_invitation_says_so(self, db):
        page = Client().get(reverse("dashboard:invitation-accept"), {"token": "nope"})
        assert "cannot be used" in page.content.decode()

    def test_member_cannot_invite(self, tenant_a):
        response = logged_in(tenant_a.member).post(
            reverse("dashboard:member-list"), {"email": "x@example.com", "role": "member"}
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not Invitation.objects.exists()

    def test_invalid_email_shows_error(self, tenant_a):
        response = logged_in(tenant_a.admin).post(reverse("dashboard:member-list"), {"email": "nope", "role": "member"})
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "email" in response.context["invite_form"].errors


@pytest.mark.django_db
class TestMembersAndKeys:
    def test_last_owner_cannot_leave(self, tenant_a):
        membership = Membership.objects.get(user=tenant_a.owner)
        response = logged_in(tenant_a.owner).post(reverse("dashboard:member-remove", args=[membership.id]), follow=True)
        assert "at least one owner" in response.content.decode()
        assert Membership.objects.filter(id=membership.id).exists()

    def test_admin_changes_a_member_role(self, tenant_a):
        membership = Membership.objects.get(user=tenant_a.member)
        logged_in(tenant_a.admin).post(reverse("dashboard:member-role", args=[membership.id]), {"role": "admin"})
        membership.refresh_from_db()
        assert membership.role == Role.ADMIN

    def test_foreign_membership_is_404(self, tenant_a, tenant_b):
        foreign = Membership.objects.get(user=tenant_a.member)
        client = logged_in(tenant_b.owner)
        for name in ("dashboard:member-role", "dashboard:member-remove"):
            assert client.post(reverse(name, args=[foreign.id]), {"role": "owner"}).status_code == HTTPStatus.NOT_FOUND
        foreign.refresh_from_db()
        assert foreign.role == Role.MEMBER

    def test_api_key_secret_shown_once_then_revoked(self, tenant_a):
        client = logged_in(tenant_a.admin)
        response = client.post(reverse("dashboard:api-key-list"), {"name": "Sync job"})
        secret = response.context["secret"]
        assert secret.startswith("csk_")
        assert secret in response.content.decode()
        listing = client.get(reverse("dashboard:api-key-list")).content.decode()
        assert secret not in listing
        key = ApiKey.objects.get(name="Sync job")
        client.post(reverse("dashboard:api-key-revoke", args=[key.id]))
        key.refresh_from_db()
        assert not key.is_active

    def test_keys_show_their_creator_and_go_when_the_creator_is_removed(self, tenant_a):
        logged_in(tenant_a.admin).post(reverse("dashboard:api-key-list"), {"name": "Nightly export"})
        owner = logged_in(tenant_a.owner)
        row = key_row(owner, "Nightly export")
        assert tenant_a.admin.email in row
        assert "active" in row

        membership = Membership.objects.get(user=tenant_a.admin, organization=tenant_a.organization)
        response = owner.post(reverse("dashboard:member-remove", args=[membership.id]), follow=True)

        page = response.content.decode()
        assert f"{tenant_a.admin.email} was removed." in page
        assert "1 API key they created was revoked." in page
        assert "revoked" in key_row(owner, "Nightly export")

    def test_foreign_api_key_is_404(self, tenant_a, tenant_b):
        from accounts.tests.factories import ApiKeyFactory

        key = ApiKeyFactory(organization=tenant_a.organization)
        response = logged_in(tenant_b.owner).post(reverse("dashboard:api-key-revoke", args=[key.id]))
        assert response.status_code == HTTPStatus.NOT_FOUND
        key.refresh_from_db()
        assert key.is_active

    def test_switching_organization(self, tenant_a, tenant_b):
        MembershipFactory(user=tenant_a.owner, organization=tenant_b.organization, role=Role.MEMBER)
        BotFactory(organization=tenant_a.organization, name="Alpha helper")
        BotFactory(organization=tenant_b.organization, name="Beta helper")
        client = logged_in(tenant_a.owner)
        page = client.get(reverse("dashboard:bot-list")).content.decode()
        assert "Alpha helper" in page
        assert "Beta helper" not in page
        client.post(reverse("dashboard:organization-switch"), {"organization": str(tenant_b.organization.id)})
        page = client.get(reverse("dashboard:bot-list")).content.decode()
        assert "Beta helper" in page
        assert "Alpha helper" not in page

    def test_cannot_switch_into_a_foreign_organization(self, tenant_a, tenant_b):
        BotFactory(organization=tenant_b.organization, name="Beta helper")
        client = logged_in(tenant_a.owner)
        client.post(reverse("dashboard:organization-switch"), {"organization": str(tenant_b.organization.id)})
        assert "Beta helper" not in client.get(reverse("dashboard:bot-list")).content.decode()


@pytest.mark.django_db
class TestBotPages:
    def valid_form(self, **overrides):
        data = {
            "name": "Support",
            "description": "",
            "system_prompt": "Be brief.",
            "model": "gemini-3.5-flash",
            "temperature": "0.2",
            "max_output_tokens": "1024",
            "top_k": "5",
            "strictness": "0.5",
            "chunk_tokens": "",
            "chunk_overlap": "",
            "welcome_message": "Hello!",
            "fallback_message": "Sorry, I do not know.",
            "suggested_questions": "Where are you?\nWhen are you open?",
            "widget_title": "",
            "primary_color": "#2563eb",
            "position": "right",
            "allowed_origins": "HTTPS://Shop.Example.com\nhttp://localhost:3000",
            "is_active": "on",
            # The human handoff section as the page renders it for a new bot (switched off).
            "handoff_name": "optional",
            "handoff_name_label": "Your name",
            "handoff_email": "required",
            "handoff_email_label": "Your e-mail address",
            "handoff_message": "optional",
            "handoff_message_label": "How can we help?",
        }
        return {**data, **overrides}

    def test_save_every_setting(self, tenant_a, settings):
        settings.GEMINI_MODELS = ["gemini-3.5-flash"]
        bot = BotFactory(organization=tenant_a.organization, name="New")
        response = logged_in(tenant_a.admin).post(reverse("dashboard:bot-settings", args=[bot.id]), self.valid_form())
        assert response.status_code == HTTPStatus.FOUND
        bot = Bot.objects.get(name="Support")
        assert bot.organization == tenant_a.organization
        assert bot.suggested_questions == ["Where are you?", "When are you open?"]
        assert bot.allowed_origins == ["https://shop.example.com", "http://localhost:3000"]
        assert bot.primary_color == "#2563EB"

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("allowed_origins", "ftp://example.com"),
            ("allowed_origins", "https://example.com/path"),
            ("suggested_questions", "1\n2\n3\n4\n5\n6\n7"),
            ("temperature", "3"),
            ("top_k", "0"),
            ("name", ""),
            ("chunk_overlap", "400"),
        ],
    )
    def test_bad_settings_show_a_message_next_to_the_field(self, tenant_a, settings, field, value):
        settings.GEMINI_MODELS = ["gemini-3.5-flash"]
        bot = BotFactory(organization=tenant_a.organization, name="Unchanged")
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:bot-settings", args=[bot.id]), self.valid_form(**{field: value})
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert field in response.context["form"].errors
        bot.refresh_from_db()
        assert bot.name == "Unchanged"

    def test_edit_settings(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization, name="Old name")
        client = logged_in(tenant_a.admin)
        response = client.post(
            reverse("dashboard:bot-settings", args=[bot.id]), self.valid_form(name="New name", model=bot.model)
        )
        assert response.status_code == HTTPStatus.FOUND
        bot.refresh_from_db()
        assert bot.name == "New name"

    def test_member_sees_settings_but_cannot_save(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization, name="Keep")
        client = logged_in(tenant_a.member)
        assert client.get(reverse("dashboard:bot-settings", args=[bot.id])).status_code == HTTPStatus.OK
        response = client.post(
            reverse("dashboard:bot-settings", args=[bot.id]), self.valid_form(name="Changed", model=bot.model)
        )
        assert response.status_code == HTTPStatus.FORBIDDEN
        bot.refresh_from_db()
        assert bot.name == "Keep"

    def test_foreign_bot_pages_are_404_and_nothing_changes(self, tenant_a, tenant_b):
        bot = BotFactory(organization=tenant_a.organization, name="Alpha")
        key = bot.public_key
        client = logged_in(tenant_b.owner)
        for name in ("dashboard:bot-settings", "dashboard:bot-delete", "dashboard:bot-rotate-key"):
            url = reverse(name, args=[bot.id])
            assert client.get(url).status_code in {HTTPStatus.NOT_FOUND, HTTPStatus.METHOD_NOT_ALLOWED}
            assert (
                client.post(url, self.valid_form(name="Hijacked", model=bot.model)).status_code == HTTPStatus.NOT_FOUND
            )
        bot.refresh_from_db()
        assert (bot.name, bot.public_key) == ("Alpha", key)

    def test_delete_and_rotate(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        client = logged_in(tenant_a.admin)
        old_key = bot.public_key
        client.post(reverse("dashboard:bot-rotate-key", args=[bot.id]))
        bot.refresh_from_db()
        assert bot.public_key != old_key
        client.post(reverse("dashboard:bot-delete", args=[bot.id]))
        assert not Bot.objects.filter(id=bot.id).exists()
