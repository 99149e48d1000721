"""Values the account services refuse: each is an InvalidInput naming its field (the one error
family every surface shows), and nothing is written."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from accounts.models import ApiKey, Invitation, Membership, Organization, Role, User
from accounts.services.api_keys import api_key_create
from accounts.services.invitations import invitation_create, user_register_invited
from accounts.services.memberships import membership_change_role
from accounts.services.organizations import organization_create, organization_update
from accounts.services.users import user_register
from accounts.tenancy import Actor
from chatsphere.errors import InvalidInput
from conftest import jwt_client


def actor_of(tenant, role: Role = Role.ADMIN) -> Actor:
    return Actor(organization=tenant.organization, role=role, user=tenant.user(role))


def snapshot() -> dict[str, object]:
    return {
        "users": User.objects.count(),
        "organizations": sorted(Organization.objects.values_list("name", flat=True)),
        "roles": sorted(Membership.objects.values_list("user__email", "role")),
        "invitations": Invitation.objects.count(),
        "keys": ApiKey.objects.count(),
    }


REFUSALS = {
    "blank organization name": (
        lambda t: organization_create(user=t.owner, name="   "),
        {"name": ["This field may not be blank."]},
    ),
    "long organization name": (
        lambda t: organization_update(actor=actor_of(t), name="x" * 121),
        {"name": ["Ensure this field has no more than 120 characters."]},
    ),
    "sign-up with a bad address": (
        lambda t: user_register(email="not an address", password="tall green ladder 42", organization_name="A"),
        {"email": ["Enter a valid e-mail address."]},
    ),
    "sign-up with a numeric password": (
        lambda t: user_register(email="nina@example.com", password="12345678", organization_name="A"),
        {"password": ["This password is too common.", "This password is entirely numeric."]},
    ),
    "unknown role": (
        lambda t: membership_change_role(
            actor=actor_of(t), membership_id=Membership.objects.get(user=t.member).id, role="boss"
        ),
        {"role": ['"boss" is not a valid choice.']},
    ),
    "inviting a member": (
        lambda t: invitation_create(actor=actor_of(t), email=t.member.email),
        {"email": ["This person is already a member of the organization."]},
    ),
    "inviting with an unknown role": (
        lambda t: invitation_create(actor=actor_of(t), email="new@example.com", role="boss"),
        {"role": ['"boss" is not a valid choice.']},
    ),
    "unnamed API key": (
        lambda t: api_key_create(actor=actor_of(t), name=""),
        {"name": ["This field may not be blank."]},
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_refused_values_are_invalid_input_naming_the_field_and_nothing_changes(tenant_a, refusal):
    call, errors = refusal
    before = snapshot()

    with pytest.raises(InvalidInput) as refused:
        call(tenant_a)

    assert refused.value.errors == errors
    assert refused.value.code == "invalid"
    assert snapshot() == before


@pytest.mark.django_db
def test_signing_up_through_an_invitation_with_another_address_names_the_address(
    tenant_a, django_capture_on_commit_callbacks
):
    _invitation, token = invitation_create(actor=actor_of(tenant_a), email="invited@example.com")
    before = snapshot()

    with pytest.raises(InvalidInput) as refused:
        user_register_invited(email="other@example.com", password="tall green ladder 42", token=token)

    assert refused.value.errors == {"email": ["This invitation is for invited@example.com."]}
    assert snapshot() == before


@pytest.mark.django_db
def test_the_api_answers_a_refused_value_with_the_field_and_its_message(tenant_a):
    response = jwt_client(tenant_a.admin).post(
        f"/api/v1/organizations/{tenant_a.organization.id}/invitations/",
        {"email": tenant_a.member.email},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {
        "detail": "email: This person is already a member of the organization.",
        "code": "invalid",
        "errors": {"email": ["This person is already a member of the organization."]},
    }
    assert not Invitation.objects.exists()
