"""How dashboard pages show what a service refused: next to the field it names, on the field the
form is about, as a banner on the page a button belongs to, or as the 403/404 page."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey, Invitation, Membership, Role
from accounts.tests.factories import InvitationFactory


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
class TestServiceErrorsOnPages:
    def test_a_refused_value_is_shown_next_to_its_field(self, tenant_a):
        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:member-list"), {"email": tenant_a.member.email.upper(), "role": "member"}
        )

        assert response.status_code == HTTPStatus.BAD_REQUEST
        form = response.context["invite_form"]
        assert form.errors == {"email": ["This person is already a member of the organization."]}
        assert form.data["email"] == tenant_a.member.email.upper()  # what was typed stays in the form
        assert "This person is already a member of the organization." in response.content.decode()
        assert not Invitation.objects.exists()

    def test_a_refusal_from_a_button_is_a_banner_on_the_page_it_belongs_to(self, tenant_a):
        membership = Membership.objects.get(user=tenant_a.member)

        response = logged_in(tenant_a.admin).post(
            reverse("dashboard:member-role", args=[membership.id]), {"role": "owner"}, follow=True
        )

        assert response.redirect_chain == [(reverse("dashboard:member-list"), HTTPStatus.FOUND)]
        banners = [str(message) for message in response.context["messages"]]
        assert banners == ["Only an owner can grant or take away the owner role."]
        membership.refresh_from_db()
        assert membership.role == Role.MEMBER

    def test_a_role_too_low_for_a_form_is_the_403_page_and_nothing_is_created(self, tenant_a):
        response = logged_in(tenant_a.member).post(reverse("dashboard:api-key-list"), {"name": "CI"})

        assert response.status_code == HTTPStatus.FORBIDDEN
        assert not ApiKey.objects.exists()

    def test_another_organizations_object_is_the_404_page_from_a_button_too(self, tenant_a, tenant_b):
        foreign = InvitationFactory(organization=tenant_b.organization, invited_by=tenant_b.owner)
        token_hash, expires_at = foreign.token_hash, foreign.expires_at

        response = logged_in(tenant_a.owner).post(reverse("dashboard:invitation-resend", args=[foreign.id]))

        assert response.status_code == HTTPStatus.NOT_FOUND
        foreign.refresh_from_db()
        assert (foreign.token_hash, foreign.expires_at) == (token_hash, expires_at)
        assert mail.outbox == []


@pytest.mark.django_db
def test_signing_up_through_an_invitation_with_another_address_says_whom_it_is_for(
    tenant_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        logged_in(tenant_a.admin).post(
            reverse("dashboard:member-list"), {"email": "invited@example.com", "role": "member"}
        )
    token = re.search(r"token=(\S+)", mail.outbox[-1].body).group(1)

    response = Client().post(
        f"{reverse('dashboard:signup')}?invitation={token}",
        {"email": "someone.else@example.com", "password": "tall green ladder 42"},
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {"email": ["This invitation is for invited@example.com."]}
    assert not Membership.objects.filter(user__email="someone.else@example.com").exists()
    assert Invitation.objects.get().accepted_at is None
