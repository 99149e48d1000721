"""Reads of accounts data; each takes the organization (or the user) explicitly."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare

from accounts.models import ApiKey, Invitation, Membership, Organization, User
from accounts.tenancy import Actor
from chatsphere.errors import NotFound


def organization_list_for_user(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user).order_by("name")


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=organization).select_related("user").order_by("created_at")


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def invitation_list(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organization=organization).select_related("invited_by")


def access_invitation_by_id(actor: Actor, invitation_id: uuid.UUID, *, for_update: bool = False) -> Invitation:
    """The actor's organization's invitation; missing and another organization's give the same NotFound."""
    invitations = Invitation.objects.select_for_update(of=("self",)) if for_update else Invitation.objects.all()
    invitation = (
        invitations.filter(organization=actor.organization, id=invitation_id)
        .select_related("organization", "invited_by")
        .first()
    )
    if invitation is None:
        raise NotFound("Invitation not found.")
    return invitation


def access_membership_by_id(actor: Actor, membership_id: uuid.UUID, *, for_update: bool = False) -> Membership:
    """A membership of the actor's organization; missing and another organization's give the same NotFound."""
    memberships = Membership.objects.select_for_update(of=("self",)) if for_update else Membership.objects.all()
    membership = memberships.filter(organization=actor.organization, id=membership_id).select_related("user").first()
    if membership is None:
        raise NotFound("Member not found.")
    return membership


def api_key_list(*, organization: Organization) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organization=organization).select_related("created_by")


def access_api_key_by_id(actor: Actor, api_key_id: uuid.UUID, *, for_update: bool = False) -> ApiKey:
    """The actor's organization's API key; missing and another organization's give the same NotFound."""
    api_keys = ApiKey.objects.select_for_update() if for_update else ApiKey.objects.all()
    api_key = api_keys.filter(organization=actor.organization, id=api_key_id).first()
    if api_key is None:
        raise NotFound("API key not found.")
    return api_key


def member_still_admitted(*, user_id: uuid.UUID, organization_id: uuid.UUID, session_auth_hash: str) -> bool:
    """Whether a dashboard socket opened by this user for this organization may go on.

    The user must still be active and a member, and their session still valid: a new password or
    "log out everywhere" changes the session hash the socket was opened with.
    """
    user = User.objects.filter(pk=user_id, is_active=True, memberships__organization_id=organization_id).first()
    return user is not None and constant_time_compare(user.get_session_auth_hash(), session_auth_hash)
