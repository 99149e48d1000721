"""Writes for organizations: creation, renaming, deletion."""

from __future__ import annotations

from django.db import transaction

from accounts.models import Membership, Organization, Role, User
from accounts.services.common import clean_name, unique_slug
from accounts.tenancy import Actor, require_person, require_role, require_verified_email
from chatsphere.sockets import bot_sockets_recheck, member_sockets_recheck


@transaction.atomic
def organization_create(*, user: User, name: str) -> Organization:
    require_verified_email(user)
    name = clean_name(name, field="name", max_length=120)
    organization = Organization.objects.create(name=name, slug=unique_slug(name))
    Membership.objects.create(user=user, organization=organization, role=Role.OWNER)
    return organization


@transaction.atomic
def organization_update(*, actor: Actor, name: str) -> Organization:
    require_role(actor, Role.ADMIN, action="rename the organization")
    organization = actor.organization
    organization.name = clean_name(name, field="name", max_length=120)
    organization.save(update_fields=["name", "updated_at"])
    return organization


@transaction.atomic
def organization_delete(*, actor: Actor) -> None:
    require_person(actor, action="delete an organization")
    require_role(actor, Role.OWNER, action="delete the organization")
    organization = actor.organization
    # Open sockets are told after commit: members' dashboards and every widget of its bots close.
    for user_id in Membership.objects.filter(organization=organization).values_list("user_id", flat=True):
        member_sockets_recheck(user_id=user_id, organization_ids=[organization.id])
    for bot_id in organization.bots.values_list("id", flat=True):
        bot_sockets_recheck(organization_id=organization.id, bot_id=bot_id)
    organization.delete()
