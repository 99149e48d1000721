"""Roles, members, invitations, API keys and organization selection, through the API."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiKey, Invitation, Membership, Role
from accounts.services.common import hash_secret
from accounts.tests.factories import InvitationFactory, MembershipFactory, UserFactory
from bots.models import Bot
from bots.tests.factories import BotFactory
from conftest import jwt_client

BOTS = "/api/v1/bots/"


def org_url(organization, suffix: str = "") -> str:
    return f"/api/v1/organizations/{organization.id}/{suffix}"


def membership_of(user, organization) -> Membership:
    return Membership.objects.get(user=user, organization=organization)


def member_url(organization, user) -> str:
    return org_url(organization, f"members/{membership_of(user, organization).id}/")


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if code is not None:
        assert body["code"] == code
    return body


def key_client(secret: str, *, header: str = "authorization") -> APIClient:
    client = APIClient()
    if header == "authorization":
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    else:
        client.credentials(HTTP_X_API_KEY=secret)
    return client


# --- members cannot manage ----------------------------------------------------------------


@pytest.mark.django_db
class TestMemberIsReadOnly:
    def test_member_can_read_bots(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        client = jwt_client(tenant_a.member)
        assert client.get(BOTS).status_code == HTTPStatus.OK
        assert client.get(f"{BOTS}{bot.id}/").json()["name"] == bot.name

    def test_member_cannot_create_a_bot(self, tenant_a):
        response = jwt_client(tenant_a.member).post(BOTS, {"name": "Mine"}, format="json")
        body = assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        assert "admin" in body["detail"]
        assert not Bot.objects.exists()

    def test_member_cannot_change_a_bot(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization, name="Before")
        response = jwt_client(tenant_a.member).patch(f"{BOTS}{bot.id}/", {"name": "After"}, format="json")
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        bot.refresh_from_db()
        assert bot.name == "Before"

    def test_member_cannot_delete_or_rotate_a_bot(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        key = bot.public_key
        client = jwt_client(tenant_a.member)
        assert_error(client.delete(f"{BOTS}{bot.id}/"), HTTPStatus.FORBIDDEN, "permission_denied")
        assert_error(client.post(f"{BOTS}{bot.id}/rotate-key/"), HTTPStatus.FORBIDDEN, "permission_denied")
        bot.refresh_from_db()
        assert bot.public_key == key

    def test_member_cannot_invite_or_create_keys_or_change_roles(self, tenant_a):
        client = jwt_client(tenant_a.member)
        organization = tenant_a.organization
        response = client.post(org_url(organization, "invitations/"), {"email": "x@example.com"}, format="json")
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        response = client.post(org_url(organization, "api-keys/"), {"name": "k"}, format="json")
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        response = client.patch(member_url(organization, tenant_a.admin), {"role": "member"}, format="json")
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        assert_error(client.delete(member_url(organization, tenant_a.admin)), HTTPStatus.FORBIDDEN)
        response = client.patch(org_url(organization), {"name": "Renamed"}, format="json")
        assert_error(response, HTTPStatus.FORBIDDEN)
        assert not Invitation.objects.exists()
        assert not ApiKey.objects.exists()
        assert membership_of(tenant_a.admin, organization).role == Role.ADMIN

    def test_member_can_leave(self, tenant_a):
        client = jwt_client(tenant_a.member)
        response = client.delete(member_url(tenant_a.organization, tenant_a.member))
        assert response.status_code == HTTPStatus.OK
        assert response.json() == {"revoked_api_keys": 0}
        assert not Membership.objects.filter(user=tenant_a.member).exists()


# --- admins -------------------------------------------------------------------------------


@pytest.mark.django_db
class TestAdmin:
    def test_admin_manages_bots(self, tenant_a):
        client = jwt_client(tenant_a.admin)
        created = client.post(BOTS, {"name": "Helper"}, format="json")
        assert created.status_code == HTTPStatus.CREATED
        bot_url = f"{BOTS}{created.json()['id']}/"
        assert client.patch(bot_url, {"name": "Renamed"}, format="json").json()["name"] == "Renamed"
        assert client.delete(bot_url).status_code == HTTPStatus.NO_CONTENT
        assert not Bot.objects.exists()

    def test_admin_manages_members(self, tenant_a):
        client = jwt_client(tenant_a.admin)
        organization = tenant_a.organization
        response = client.patch(member_url(organization, tenant_a.member), {"role": "admin"}, format="json")
        assert response.status_code == HTTPStatus.OK
        assert response.json()["role"] == "admin"
        assert response.json()["user"]["email"] == tenant_a.member.email

        listed = client.get(org_url(organization, "members/"))
        assert listed.status_code == HTTPStatus.OK
        assert {m["user"]["email"]: m["role"] for m in listed.json()} == {
            tenant_a.owner.email: "owner",
            tenant_a.admin.email: "admin",
            tenant_a.member.email: "admin",
        }

        response = client.delete(member_url(organization, tenant_a.member))
        assert response.status_code == HTTPStatus.OK
        assert not Membership.objects.filter(user=tenant_a.member, organization=organization).exists()

    def test_admin_cannot_demote_an_owner(self, tenant_a):
        url = member_url(tenant_a.organization, tenant_a.owner)
        response = jwt_client(tenant_a.admin).patch(url, {"role": "member"}, format="json")
        body = assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        assert "owner" in body["detail"]
        assert membership_of(tenant_a.owner, tenant_a.organization).role == Role.OWNER

    def test_admin_cannot_remove_an_owner(self, tenant_a):
        url = member_url(tenant_a.organization, tenant_a.owner)
        body = assert_error(jwt_client(tenant_a.admin).delete(url), HTTPStatus.FORBIDDEN, "permission_denied")
        assert "owner" in body["detail"]
        assert Membership.objects.filter(user=tenant_a.owner).exists()

    def test_admin_cannot_make_anyone_owner(self, tenant_a):
        client = jwt_client(tenant_a.admin)
        url = member_url(tenant_a.organization, tenant_a.member)
        assert_error(client.patch(url, {"role": "owner"}, format="json"), HTTPStatus.FORBIDDEN)
        url = member_url(tenant_a.organization, tenant_a.admin)
        assert_error(client.patch(url, {"role": "owner"}, format="json"), HTTPStatus.FORBIDDEN)
        assert membership_of(tenant_a.member, tenant_a.organization).role == Role.MEMBER
        assert membership_of(tenant_a.admin, tenant_a.organization).role == Role.ADMIN

    def test_admin_cannot_invite_an_owner(self, tenant_a):
        response = jwt_client(tenant_a.admin).post(
            org_url(tenant_a.organization, "invitations/"),
            {"email": "boss@example.com", "role": "owner"},
            format="json",
        )
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        assert not Invitation.objects.exists()


# --- owners -------------------------------------------------------------------------------


@pytest.mark.django_db
class TestOwner:
    def test_last_owner_cannot_leave(self, tenant_a):
        url = member_url(tenant_a.organization, tenant_a.owner)
        body = assert_error(jwt_client(tenant_a.owner).delete(url), HTTPStatus.BAD_REQUEST, "last_owner")
        assert "at least one owner" in body["detail"]
        assert membership_of(tenant_a.owner, tenant_a.organization).role == Role.OWNER

    def test_last_owner_cannot_be_demoted(self, tenant_a):
        url = member_url(tenant_a.organization, tenant_a.owner)
        response = jwt_client(tenant_a.owner).patch(url, {"role": "admin"}, format="json")
        body = assert_error(response, HTTPStatus.BAD_REQUEST, "last_owner")
        assert "at least one owner" in body["detail"]
        assert membership_of(tenant_a.owner, tenant_a.organization).role == Role.OWNER

    def test_owner_promotes_then_can_step_down_and_leave(self, tenant_a):
        organization = tenant_a.organization
        client = jwt_client(tenant_a.owner)
        response = client.patch(member_url(organization, tenant_a.admin), {"role": "owner"}, format="json")
        assert response.status_code == HTTPStatus.OK
        assert response.json()["role"] == "owner"

        response = client.patch(member_url(organization, tenant_a.owner), {"role": "admin"}, format="json")
        assert response.status_code == HTTPStatus.OK
        assert response.json()["role"] == "admin"

        # now the promoted owner is the last one and cannot leave
        new_owner = jwt_client(tenant_a.admin)
        assert_error(new_owner.delete(member_url(organization, tenant_a.admin)), HTTPStatus.BAD_REQUEST, "last_owner")

    def test_owner_can_remove_another_owner_but_not_the_last(self, tenant_a):
        organization = tenant_a.organization
        second = MembershipFactory(organization=organization, role=Role.OWNER)
        client = jwt_client(tenant_a.owner)
        response = client.delete(org_url(organization, f"members/{second.id}/"))
        assert response.status_code == HTTPStatus.OK
        assert_error(client.delete(member_url(organization, tenant_a.owner)), HTTPStatus.BAD_REQUEST, "last_owner")


# --- invitations --------------------------------------------------------------------------


def invite(client: APIClient, organization, email: str, role: str, capture) -> tuple[dict, str]:
    """Create an invitation and read its one-time token from the e-mail sent after commit."""
    with capture(execute=True):
        response = client.post(org_url(organization, "invitations/"), {"email": email, "role": role}, format="json")
    assert response.status_code == HTTPStatus.CREATED, response.content
    message = mail.outbox[-1]
    assert message.to == [email.lower()]
    match = re.search(r"token=([\w-]+)", message.body)
    assert match, message.body
    return response.json(), match.group(1)


def accept(user, token: str):
    return jwt_client(user).post("/api/v1/invitations/accept/", {"token": token}, format="json")


@pytest.mark.django_db
class TestInvitations:
    def test_admin_invites_and_the_invitee_joins_with_the_invited_role(
        self, tenant_a, django_capture_on_commit_callbacks
    ):
        organization = tenant_a.organization
        invitation, token = invite(
            jwt_client(tenant_a.admin), organization, "New@Example.com", "admin", django_capture_on_commit_callbacks
        )
        assert invitation["email"] == "new@example.com"
        assert invitation["role"] == "admin"
        assert invitation["status"] == "pending"
        assert invitation["invited_by"] == tenant_a.admin.email
        assert token not in str(invitation)  # the token travels only in the e-mail

        listed = jwt_client(tenant_a.member).get(org_url(organization, "invitations/"))
        assert listed.status_code == HTTPStatus.OK
        assert [i["id"] for i in listed.json()] == [invitation["id"]]

        invitee = UserFactory(email="new@example.com")
        response = accept(invitee, token)
        assert response.status_code == HTTPStatus.OK, response.content
        assert response.json()["organization"]["id"] == str(organization.id)
        assert response.json()["role"] == "admin"
        assert membership_of(invitee, organization).role == Role.ADMIN

        # the new admin acts in the organization at once
        assert jwt_client(invitee).post(BOTS, {"name": "Theirs"}, format="json").status_code == HTTPStatus.CREATED

        # the token works once
        again = accept(invitee, token)
        body = assert_error(again, HTTPStatus.BAD_REQUEST, "invalid_invitation")
        assert "token" in body["errors"]
        detail = jwt_client(tenant_a.admin).get(org_url(organization, f"invitations/{invitation['id']}/"))
        assert detail.json()["status"] == "accepted"

    def test_owner_can_invite_an_owner(self, tenant_a, django_capture_on_commit_callbacks):
        _invitation, token = invite(
            jwt_client(tenant_a.owner),
            tenant_a.organization,
            "co@example.com",
            "owner",
            django_capture_on_commit_callbacks,
        )
        invitee = UserFactory(email="co@example.com")
        assert accept(invitee, token).json()["role"] == "owner"

    def test_token_for_someone_else_is_refused(self, tenant_a, django_capture_on_commit_callbacks):
        _invitation, token = invite(
            jwt_client(tenant_a.admin),
            tenant_a.organization,
            "right@example.com",
            "member",
            django_capture_on_commit_callbacks,
        )
        wrong = UserFactory(email="wrong@example.com")
        body = assert_error(accept(wrong, token), HTTPStatus.FORBIDDEN, "permission_denied")
        assert "right@example.com" in body["detail"]
        assert not Membership.objects.filter(user=wrong).exists()
        # the rightful invitee can still use it
        assert accept(UserFactory(email="right@example.com"), token).status_code == HTTPStatus.OK

    def test_expired_token_is_refused(self, tenant_a):
        InvitationFactory(
            organization=tenant_a.organization,
            email="late@example.com",
            role=Role.ADMIN,
            token_hash=hash_secret("expired-token"),
            expires_at=timezone.now() - timedelta(minutes=1),
        )
        invitee = UserFactory(email="late@example.com")
        body = assert_error(accept(invitee, "expired-token"), HTTPStatus.BAD_REQUEST, "invalid_invitation")
        assert "expired" in body["detail"]
        assert "token" in body["errors"]
        assert not Membership.objects.filter(user=invitee).exists()

    def test_unknown_token_is_refused(self, tenant_a):
        body = assert_error(accept(tenant_a.member, "no-such-token"), HTTPStatus.BAD_REQUEST, "invalid_invitation")
        assert "token" in body["errors"]

    def test_revoked_invitation_cannot_be_accepted(self, tenant_a, django_capture_on_commit_callbacks):
        organization = tenant_a.organization
        client = jwt_client(tenant_a.admin)
        invitation, token = invite(
            client, organization, "gone@example.com", "member", django_capture_on_commit_callbacks
        )
        response = client.delete(org_url(organization, f"invitations/{invitation['id']}/"))
        assert response.status_code == HTTPStatus.NO_CONTENT
        listed = client.get(org_url(organization, "invitations/")).json()
        assert [(i["id"], i["status"]) for i in listed] == [(invitation["id"], "revoked")]

        invitee = UserFactory(email="gone@example.com")
        assert_error(accept(invitee, token), HTTPStatus.BAD_REQUEST, "invalid_invitation")
        assert not Membership.objects.filter(user=invitee).exists()

    def test_member_cannot_revoke(self, tenant_a):
        invitation = InvitationFactory(organization=tenant_a.organization)
        url = org_url(tenant_a.organization, f"invitations/{invitation.id}/")
        assert_error(jwt_client(tenant_a.member).delete(url), HTTPStatus.FORBIDDEN, "permission_denied")
        invitation.refresh_from_db()
        assert invitation.revoked_at is None

    def test_inviting_an_existing_member_is_refused(self, tenant_a):
        response = jwt_client(tenant_a.admin).post(
            org_url(tenant_a.organization, "invitations/"), {"email": tenant_a.member.email}, format="json"
        )
        body = assert_error(response, HTTPStatus.BAD_REQUEST, "invalid")
        assert "email" in body["errors"]

    def test_api_key_cannot_accept_an_invitation(self, tenant_a):
        owner = jwt_client(tenant_a.owner)
        created = owner.post(org_url(tenant_a.organization, "api-keys/"), {"name": "k"}, format="json")
        client = key_client(created.json()["key"])
        assert_error(client.post("/api/v1/invitations/accept/", {"token": "x"}, format="json"), HTTPStatus.FORBIDDEN)


# --- API keys -----------------------------------------------------------------------------


@pytest.mark.django_db
class TestApiKeys:
    def create_key(self, tenant, name: str = "Server") -> dict:
        response = jwt_client(tenant.admin).post(
            org_url(tenant.organization, "api-keys/"), {"name": name}, format="json"
        )
        assert response.status_code == HTTPStatus.CREATED, response.content
        return response.json()

    def test_secret_is_shown_once(self, tenant_a):
        created = self.create_key(tenant_a)
        assert created["key"].startswith("csk_")
        assert created["key"].startswith(created["prefix"])
        assert created["is_active"] is True
        assert created["last_used_at"] is None

        listed = jwt_client(tenant_a.owner).get(org_url(tenant_a.organization, "api-keys/"))
        assert listed.status_code == HTTPStatus.OK
        assert [k["id"] for k in listed.json()] == [created["id"]]
        assert "key" not in listed.json()[0]
        assert created["key"] not in listed.content.decode()
        # nor is it stored
        stored = ApiKey.objects.get(id=created["id"])
        assert created["key"] not in {stored.key_hash, stored.prefix}

    @pytest.mark.parametrize("header", ["authorization", "x-api-key"])
    def test_key_authenticates_and_is_scoped_to_its_organization(self, tenant_a, tenant_b, header):
        ours = BotFactory(organization=tenant_a.organization, name="Ours")
        theirs = BotFactory(organization=tenant_b.organization, name="Theirs")
        created = self.create_key(tenant_a)
        client = key_client(created["key"], header=header)

        response = client.get(BOTS)
        assert response.status_code == HTTPStatus.OK
        assert [b["id"] for b in response.json()["results"]] == [str(ours.id)]
        assert client.get(f"{BOTS}{theirs.id}/").status_code == HTTPStatus.NOT_FOUND

        made = client.post(BOTS, {"name": "By key"}, format="json")
        assert made.status_code == HTTPStatus.CREATED
        assert Bot.objects.get(id=made.json()["id"]).organization == tenant_a.organization

        # the other organization's routes are invisible
        assert client.get(org_url(tenant_b.organization, "members/")).status_code == HTTPStatus.NOT_FOUND
        # naming another organization in the header does not switch to it
        response = client.get(BOTS, HTTP_X_ORGANIZATION=tenant_b.organization.slug)
        assert response.status_code == HTTPStatus.NOT_FOUND

    def test_last_used_at_is_set_after_use(self, tenant_a):
        created = self.create_key(tenant_a)
        assert ApiKey.objects.get(id=created["id"]).last_used_at is None
        before = timezone.now()
        assert key_client(created["key"]).get(BOTS).status_code == HTTPStatus.OK
        used = ApiKey.objects.get(id=created["id"]).last_used_at
        assert used is not None and used >= before
        listed = jwt_client(tenant_a.owner).get(org_url(tenant_a.organization, "api-keys/")).json()
        assert listed[0]["last_used_at"] is not None

    def test_revoked_key_is_refused(self, tenant_a):
        created = self.create_key(tenant_a)
        client = key_client(created["key"])
        assert client.get(BOTS).status_code == HTTPStatus.OK

        url = org_url(tenant_a.organization, f"api-keys/{created['id']}/")
        assert jwt_client(tenant_a.admin).delete(url).status_code == HTTPStatus.NO_CONTENT

        body = assert_error(client.get(BOTS), HTTPStatus.UNAUTHORIZED)
        assert "API key" in body["detail"]
        assert_error(key_client(created["key"], header="x-api-key").get(BOTS), HTTPStatus.UNAUTHORIZED)
        listed = jwt_client(tenant_a.owner).get(org_url(tenant_a.organization, "api-keys/")).json()
        assert listed[0]["is_active"] is False
        assert listed[0]["revoked_at"] is not None

    @pytest.mark.parametrize("secret", ["csk_not-a-real-key-at-all", "garbage", "csk_"])
    @pytest.mark.parametrize("header", ["authorization", "x-api-key"])
    def test_wrong_key_is_refused(self, tenant_a, secret, header):
        self.create_key(tenant_a)
        body = assert_error(key_client(secret, header=header).get(BOTS), HTTPStatus.UNAUTHORIZED)
        assert "API key" in body["detail"]

    def test_removing_a_member_revokes_the_keys_they_created(self, tenant_a):
        organization = tenant_a.organization
        second_admin = MembershipFactory(organization=organization, role=Role.ADMIN).user
        theirs = [self.create_key(tenant_a, "Billing sync"), self.create_key(tenant_a, "CRM import")]
        kept = jwt_client(second_admin).post(org_url(organization, "api-keys/"), {"name": "Ops"}, format="json").json()

        response = jwt_client(tenant_a.owner).delete(member_url(organization, tenant_a.admin))

        assert response.status_code == HTTPStatus.OK
        assert response.json() == {"revoked_api_keys": 2}
        for key in theirs:
            assert_error(key_client(key["key"]).get(BOTS), HTTPStatus.UNAUTHORIZED)
        assert key_client(kept["key"]).get(BOTS).status_code == HTTPStatus.OK
        listed = jwt_client(tenant_a.owner).get(org_url(organization, "api-keys/")).json()
        assert {k["name"]: k["is_active"] for k in listed} == {"Billing sync": False, "CRM import": False, "Ops": True}

    def test_keys_show_who_created_them(self, tenant_a):
        created = self.create_key(tenant_a)
        assert created["created_by"] == tenant_a.admin.email
        listed = jwt_client(tenant_a.owner).get(org_url(tenant_a.organization, "api-keys/")).json()
        assert listed[0]["created_by"] == tenant_a.admin.email

    def test_a_key_never_exceeds_its_creators_current_role(self, tenant_a):
        organization = tenant_a.organization
        client = key_client(self.create_key(tenant_a)["key"])
        assert client.post(BOTS, {"name": "Before"}, format="json").status_code == HTTPStatus.CREATED

        owner = jwt_client(tenant_a.owner)
        response = owner.patch(member_url(organization, tenant_a.admin), {"role": "member"}, format="json")
        assert response.status_code == HTTPStatus.OK

        # The creator is now a member: the key reads, and writes nothing.
        assert client.get(BOTS).status_code == HTTPStatus.OK
        assert_error(client.post(BOTS, {"name": "After"}, format="json"), HTTPStatus.FORBIDDEN, "permission_denied")
        assert not Bot.objects.filter(name="After").exists()

        owner.patch(member_url(organization, tenant_a.admin), {"role": "admin"}, format="json")
        assert client.post(BOTS, {"name": "Again"}, format="json").status_code == HTTPStatus.CREATED

    @pytest.mark.parametrize("gone", ["deleted", "deactivated", "no longer a member"])
    def test_a_key_whose_creator_is_gone_is_refused(self, tenant_a, gone):
        client = key_client(self.create_key(tenant_a)["key"])
        assert client.get(BOTS).status_code == HTTPStatus.OK
        if gone == "deleted":
            tenant_a.admin.delete()
        elif gone == "deactivated":
            tenant_a.admin.is_active = False
            tenant_a.admin.save(update_fields=["is_active"])
        else:
            membership_of(tenant_a.admin, tenant_a.organization).delete()

        body = assert_error(client.get(BOTS), HTTPStatus.UNAUTHORIZED)
        assert "API key" in body["detail"]

    def test_key_cannot_manage_people_or_keys(self, tenant_a):
        created = self.create_key(tenant_a)
        client = key_client(created["key"])
        organization = tenant_a.organization
        response = client.post(org_url(organization, "api-keys/"), {"name": "another"}, format="json")
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        response = client.post(org_url(organization, "invitations/"), {"email": "a@example.com"}, format="json")
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        response = client.patch(member_url(organization, tenant_a.owner), {"role": "member"}, format="json")
        assert_error(response, HTTPStatus.FORBIDDEN, "permission_denied")
        assert_error(client.get("/api/v1/me/"), HTTPStatus.FORBIDDEN)
        assert ApiKey.objects.count() == 1


# --- choosing the organization --------------------------------------------------------------


@pytest.mark.django_db
class TestOrganizationHeader:
    @pytest.fixture
    def two_orgs(self, tenant_a, tenant_b):
        user = tenant_a.admin
        MembershipFactory(user=user, organization=tenant_b.organization, role=Role.MEMBER)
        bot_a = BotFactory(organization=tenant_a.organization, name="Alpha bot")
        bot_b = BotFactory(organization=tenant_b.organization, name="Beta bot")
        return user, bot_a, bot_b

    def test_no_header_with_several_memberships_is_400(self, two_orgs):
        user, _bot_a, _bot_b = two_orgs
        body = assert_error(jwt_client(user).get(BOTS), HTTPStatus.BAD_REQUEST, "organization_required")
        assert "X-Organization" in body["detail"]

    @pytest.mark.parametrize("by", ["slug", "id"])
    def test_header_selects_the_organization(self, two_orgs, tenant_a, tenant_b, by):
        user, bot_a, bot_b = two_orgs
        client = jwt_client(user)
        for tenant, bot in ((tenant_a, bot_a), (tenant_b, bot_b)):
            hint = tenant.organization.slug if by == "slug" else str(tenant.organization.id)
            response = client.get(BOTS, HTTP_X_ORGANIZATION=hint)
            assert response.status_code == HTTPStatus.OK
            assert [b["id"] for b in response.json()["results"]] == [str(bot.id)]

    def test_role_follows_the_selected_organization(self, two_orgs, tenant_a, tenant_b):
        user, _bot_a, _bot_b = two_orgs
        client = jwt_client(user)
        allowed = client.post(BOTS, {"name": "x"}, format="json", HTTP_X_ORGANIZATION=tenant_a.organization.slug)
        assert allowed.status_code == HTTPStatus.CREATED
        refused = client.post(BOTS, {"name": "y"}, format="json", HTTP_X_ORGANIZATION=tenant_b.organization.slug)
        assert_error(refused, HTTPStatus.FORBIDDEN, "permission_denied")

    def test_header_for_a_foreign_organization_is_404(self, tenant_a, tenant_b):
        BotFactory(organization=tenant_b.organization)
        client = jwt_client(tenant_a.owner)
        for hint in (tenant_b.organization.slug, str(tenant_b.organization.id), "no-such-org"):
            response = client.get(BOTS, HTTP_X_ORGANIZATION=hint)
            assert_error(response, HTTPStatus.NOT_FOUND, "not_found")

    def test_single_membership_needs_no_header(self, tenant_a):
        bot = BotFactory(organization=tenant_a.organization)
        response = jwt_client(tenant_a.member).get(BOTS)
        assert response.status_code == HTTPStatus.OK
        assert [b["id"] for b in response.json()["results"]] == [str(bot.id)]
