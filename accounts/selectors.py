"""Reads of accounts data; each takes the organization (or the user) explicitly."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from accounts.models import ApiKey, Invitation, Membership, Organization, User
from chatsphere.errors import NotFound


def organization_list_for_user(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user=user).order_by("name")


def membership_list(*, organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=organization).select_related("user").order_by("created_at")


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization").order_by("organization__name")


def invitation_list(*, organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(organization=organization).select_related("invited_by")


def invitation_get(*, organization: Organization, invitation_id: uuid.UUID) -> Invitation:
    invitation = (
        Invitation.objects.filter(organization=organization, id=invitation_id).select_related("invited_by").first()
    )
    if invitation is None:
        raise NotFound("Invitation not found.")
    return invitation


def membership_get(*, organization: Organization, membership_id: uuid.UUID) -> Membership:
    membership = Membership.objects.filter(organization=organization, id=membership_id).select_related("user").first()
    if membership is None:
        raise NotFound("Member not found.")
    return membership


def api_key_list(*, organization: Organization) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(organization=organization).select_related("created_by")


def api_key_get(*, organization: Organization, api_key_id: uuid.UUID) -> ApiKey:
    api_key = ApiKey.objects.filter(organization=organization, id=api_key_id).first()
    if api_key is None:
        raise NotFound("API key not found.")
    return api_key
