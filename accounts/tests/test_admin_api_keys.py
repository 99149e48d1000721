"""API keys in the admin: who created each one, and what removing that person does to them."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import ApiKey, Membership
from accounts.services.api_keys import api_key_create
from accounts.tenancy import resolve_actor
from accounts.tests.factories import UserFactory


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_key_list_names_each_creator_and_removing_them_revokes_their_keys(tenant_a):
    actor = resolve_actor(user=tenant_a.admin, api_key=None, organization_hint=None)
    key, _secret = api_key_create(actor=actor, name="Warehouse sync")
    owner = staff(tenant_a.owner)

    listing = owner.get(reverse("admin:accounts_apikey_changelist"))
    assert listing.status_code == HTTPStatus.OK
    assert tenant_a.admin.email in listing.content.decode()

    membership = Membership.objects.get(user=tenant_a.admin, organization=tenant_a.organization)
    response = owner.post(reverse("admin:accounts_membership_delete", args=[membership.pk]), {"post": "yes"})

    assert response.status_code == HTTPStatus.FOUND
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert ApiKey.objects.get(pk=key.pk).revoked_at is not None
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert f"API keys {tenant_a.admin.email} created, now revoked: 1." in notes


@pytest.mark.django_db
def test_a_superuser_outside_the_organization_cannot_create_a_key_that_could_never_work(tenant_a):
    superuser = UserFactory(is_superuser=True)

    response = staff(superuser).post(
        reverse("admin:accounts_apikey_add"), {"organization": tenant_a.organization.pk, "name": "Orphan"}, follow=True
    )

    assert response.status_code == HTTPStatus.OK
    assert "Only a member of the organization can create its API keys." in response.content.decode()
    assert not ApiKey.objects.filter(name="Orphan").exists()
