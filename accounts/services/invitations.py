"""Writes for invitations: create, resend, revoke, accept, and sign-up through one."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import ROLE_RANK, Invitation, Membership, Role, User
from accounts.selectors import access_invitation_by_id
from accounts.services.common import hash_secret, normalize_email
from accounts.services.users import user_email_prove
from accounts.tenancy import Actor, require_person, require_role
from audit.models import AuditAction
from audit.services import audit_record
from chatsphere.errors import ApplicationError, Conflict, InvalidInput, PermissionDenied


def _invitation_url(token: str) -> str:
    return f"{settings.SITE_URL}/app/invitations/accept/?token={token}"


@transaction.atomic
def invitation_create(*, actor: Actor, email: str, role: str = Role.MEMBER) -> tuple[Invitation, str]:
    """Invite someone by e-mail; returns the invitation and its one-time token (sent by e-mail)."""
    require_person(actor, action="invite members")
    require_role(actor, Role.ADMIN, action="invite members")
    email = normalize_email(email)
    if role not in Role.values:
        raise InvalidInput({"role": [f'"{role}" is not a valid choice.']})
    if role == Role.OWNER and not actor.has_role(Role.OWNER):
        raise PermissionDenied("Only an owner can invite another owner.")
    if Membership.objects.filter(organization=actor.organization, user__email__iexact=email).exists():
        raise InvalidInput({"email": ["This person is already a member of the organization."]})

    now = timezone.now()
    # A new invitation replaces any pending one for the same address.
    Invitation.objects.filter(
        organization=actor.organization, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, updated_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=actor.organization,
        email=email,
        role=role,
        token_hash=hash_secret(token),
        invited_by=actor.user,
        expires_at=now + settings.INVITATION_TTL,
    )
    _invitation_email_send(invitation, token, inviter=actor.user.email)  # type: ignore[union-attr]  # require_person: the actor is a person
    audit_record(
        actor=actor, action=AuditAction.MEMBER_INVITE, target=invitation, target_label=email, changes={"role": role}
    )
    return invitation, token


def _invitation_email_send(invitation: Invitation, token: str, *, inviter: str) -> None:
    organization_name, email, role = invitation.organization.name, invitation.email, Role(invitation.role)
    expires_at = invitation.expires_at
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to {organization_name} on ChatSphere",
            message=(
                f"{inviter} invited you to join {organization_name} on ChatSphere as {role.label.lower()}.\n\n"
                f"Accept the invitation: {_invitation_url(token)}\n\n"
                f"The link works once and expires on {expires_at:%Y-%m-%d %H:%M} UTC."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )


def invitation_link(token: str) -> str:
    """The accept link of an invitation, for an admin to share themselves."""
    return _invitation_url(token)


@transaction.atomic
def invitation_resend(*, actor: Actor, invitation_id: uuid.UUID) -> tuple[Invitation, str]:
    """Mail a pending invitation again with a new link and a new expiry; the earlier link stops working."""
    require_person(actor, action="resend invitations")
    require_role(actor, Role.ADMIN, action="resend invitations")
    invitation = access_invitation_by_id(actor, invitation_id, for_update=True)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise Conflict("Only a pending invitation can be sent again: invite the person anew.")
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_secret(token)
    invitation.expires_at = timezone.now() + settings.INVITATION_TTL
    invitation.save(update_fields=["token_hash", "expires_at", "updated_at"])
    _invitation_email_send(invitation, token, inviter=actor.user.email)  # type: ignore[union-attr]  # require_person: the actor is a person
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation_id: uuid.UUID) -> Invitation:
    require_person(actor, action="revoke invitations")
    require_role(actor, Role.ADMIN, action="revoke invitations")
    invitation = access_invitation_by_id(actor, invitation_id, for_update=True)
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already accepted; remove the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.INVITATION_REVOKE, target=invitation, target_label=invitation.email
        )
    return invitation


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("organization")
        .filter(token_hash=hash_secret(token or ""))
        .first()
    )
    if invitation is None or invitation.status != "pending":
        raise ApplicationError(
            "This invitation link is not valid: it may have expired, been used or been revoked.",
            code="invalid_invitation",
            errors={"token": ["Invalid or expired invitation."]},
        )
    if invitation.email.lower() != user.email.lower():
        raise PermissionDenied(
            f"This invitation was sent to {invitation.email}; sign in with that address to accept it."
        )
    # The token was mailed to the address: accepting proves it.
    user_email_prove(user=user)
    membership, created = Membership.objects.get_or_create(
        user=user, organization=invitation.organization, defaults={"role": invitation.role}
    )
    if not created and ROLE_RANK[Role(invitation.role)] > ROLE_RANK[Role(membership.role)]:
        membership.role = invitation.role
        membership.save(update_fields=["role", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


def invitation_pending(*, token: str) -> Invitation | None:
    """The pending invitation a link's token belongs to, if it can still be accepted."""
    invitation = Invitation.objects.select_related("organization").filter(token_hash=hash_secret(token or "")).first()
    return invitation if invitation is not None and invitation.status == "pending" else None


def user_register_invited(*, email: str, password: str, token: str, full_name: str = "") -> tuple[User, Membership]:
    """Sign up through an invitation: the account joins the inviting organization, none is created.

    The invitation was mailed to the address, so it proves it: an unverified account already
    registered with the address (perhaps by someone else) is taken over, its password replaced
    and its tokens and sessions revoked.
    """
    invitation = invitation_pending(token=token)
    if invitation is None:
        raise ApplicationError(
            "This invitation link is not valid: it may have expired, been used or been revoked.",
            code="invalid_invitation",
        )
    email = normalize_email(email)
    if email != invitation.email.lower():
        raise InvalidInput({"email": [f"This invitation is for {invitation.email}."]})
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and existing.email_verified_at is not None:
        raise InvalidInput({"email": ["An account with this e-mail address already exists: log in to accept."]})
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput.from_django(exc, field="password") from exc
    with transaction.atomic():
        if existing is None:
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
        else:
            user = User.objects.select_for_update().get(pk=existing.pk)
            user.full_name = full_name
            user.set_password(password)
            user.save(update_fields=["full_name", "password"])
        membership = invitation_accept(user=user, token=token)
    return user, membership
