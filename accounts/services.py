"""Writes for people, organizations, memberships, invitations and API keys.

Role rules live here: member reads; admin manages bots, documents and members (never owners);
owner does everything. An organization always keeps at least one owner.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import ROLE_RANK, ApiKey, Invitation, Membership, Organization, Role, User
from accounts.tenancy import Actor, require_person, require_role
from chatsphere.errors import ApplicationError, Conflict, NotFound, PermissionDenied

API_KEY_PREFIX = "csk_"
# Re-stamping last_used_at on every request would turn each read into a write.
API_KEY_USAGE_RESOLUTION = timedelta(minutes=1)


def hash_secret(raw: str) -> str:
    """Secrets here are 256-bit random, so a fast hash resists guessing as well as a slow one."""
    return hashlib.sha256(raw.encode()).hexdigest()


def _normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": ["Enter a valid e-mail address."]}) from exc
    return email


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def _clean_name(name: str, *, field: str, max_length: int) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({field: ["This field may not be blank."]})
    if len(name) > max_length:
        raise ValidationError({field: [f"Ensure this field has no more than {max_length} characters."]})
    return name


# --- users and organizations --------------------------------------------------------------


@transaction.atomic
def organization_create(*, user: User, name: str) -> Organization:
    name = _clean_name(name, field="name", max_length=120)
    organization = Organization.objects.create(name=name, slug=unique_slug(name))
    Membership.objects.create(user=user, organization=organization, role=Role.OWNER)
    return organization


def user_register(
    *, email: str, password: str, organization_name: str, full_name: str = ""
) -> tuple[User, Organization]:
    """Sign up a bot owner together with their organization."""
    email = _normalize_email(email)
    organization_name = _clean_name(organization_name, field="organization_name", max_length=120)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["An account with this e-mail address already exists."]})
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name, is_staff=True)
            organization = organization_create(user=user, name=organization_name)
    except IntegrityError as exc:  # a concurrent sign-up with the same address
        raise ValidationError({"email": ["An account with this e-mail address already exists."]}) from exc
    return user, organization


def user_refresh_tokens_revoke(*, user: User) -> int:
    """Blacklist every refresh token of the user that is still usable; returns how many."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).only("id")
    revoked = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)
    return len(revoked)


@transaction.atomic
def user_logout_everywhere(*, user: User) -> User:
    """End every session, refresh token and access token of the user."""
    User.objects.filter(pk=user.pk).update(auth_version=F("auth_version") + 1)
    user.refresh_from_db(fields=["auth_version"])
    user_refresh_tokens_revoke(user=user)
    return user


@transaction.atomic
def organization_update(*, actor: Actor, name: str) -> Organization:
    require_role(actor, Role.ADMIN, action="rename the organization")
    organization = actor.organization
    organization.name = _clean_name(name, field="name", max_length=120)
    organization.save(update_fields=["name", "updated_at"])
    return organization


@transaction.atomic
def organization_delete(*, actor: Actor) -> None:
    require_person(actor, action="delete an organization")
    require_role(actor, Role.OWNER, action="delete the organization")
    actor.organization.delete()


# --- memberships --------------------------------------------------------------------------


def _membership_for_update(*, actor: Actor, membership_id: uuid.UUID) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(id=membership_id, organization=actor.organization)
        .first()
    )
    if membership is None:
        raise NotFound("Member not found.")
    return membership


def _other_owners_exist(membership: Membership) -> bool:
    return (
        Membership.objects.select_for_update()
        .filter(organization_id=membership.organization_id, role=Role.OWNER)
        .exclude(id=membership.id)
        .exists()
    )


@transaction.atomic
def membership_change_role(*, actor: Actor, membership_id: uuid.UUID, role: str) -> Membership:
    require_person(actor, action="change roles")
    require_role(actor, Role.ADMIN, action="change roles")
    if role not in Role.values:
        raise ValidationError({"role": [f'"{role}" is not a valid choice.']})
    new_role = Role(role)
    membership = _membership_for_update(actor=actor, membership_id=membership_id)
    touches_owner = Role.OWNER in (new_role, membership.role)
    if touches_owner and not actor.has_role(Role.OWNER):
        raise PermissionDenied("Only an owner can grant or take away the owner role.")
    if membership.role == Role.OWNER and new_role != Role.OWNER and not _other_owners_exist(membership):
        raise ApplicationError(
            "An organization needs at least one owner: make someone else owner first.", code="last_owner"
        )
    membership.role = new_role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, actor: Actor, membership_id: uuid.UUID) -> None:
    require_person(actor, action="remove members")
    membership = _membership_for_update(actor=actor, membership_id=membership_id)
    leaving = membership.user_id == actor.user.id  # type: ignore[union-attr]
    if not leaving:
        require_role(actor, Role.ADMIN, action="remove members")
        if ROLE_RANK[Role(membership.role)] > ROLE_RANK[actor.role]:
            raise PermissionDenied("Only an owner can remove an owner.")
    if membership.role == Role.OWNER and not _other_owners_exist(membership):
        raise ApplicationError(
            "An organization needs at least one owner: make someone else owner first.", code="last_owner"
        )
    membership.delete()


# --- invitations --------------------------------------------------------------------------


def _invitation_url(token: str) -> str:
    return f"{settings.SITE_URL}/app/invitations/accept/?token={token}"


@transaction.atomic
def invitation_create(*, actor: Actor, email: str, role: str = Role.MEMBER) -> tuple[Invitation, str]:
    """Invite someone by e-mail; returns the invitation and its one-time token (sent by e-mail)."""
    require_person(actor, action="invite members")
    require_role(actor, Role.ADMIN, action="invite members")
    email = _normalize_email(email)
    if role not in Role.values:
        raise ValidationError({"role": [f'"{role}" is not a valid choice.']})
    if role == Role.OWNER and not actor.has_role(Role.OWNER):
        raise PermissionDenied("Only an owner can invite another owner.")
    if Membership.objects.filter(organization=actor.organization, user__email__iexact=email).exists():
        raise ValidationError({"email": ["This person is already a member of the organization."]})

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
    organization_name = actor.organization.name
    inviter = actor.user.email  # type: ignore[union-attr]
    transaction.on_commit(
        lambda: send_mail(
            subject=f"You are invited to {organization_name} on ChatSphere",
            message=(
                f"{inviter} invited you to join {organization_name} on ChatSphere as {Role(role).label.lower()}.\n\n"
                f"Accept the invitation: {_invitation_url(token)}\n\n"
                f"The link works once and expires on {invitation.expires_at:%Y-%m-%d %H:%M} UTC."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor: Actor, invitation_id: uuid.UUID) -> Invitation:
    require_person(actor, action="revoke invitations")
    require_role(actor, Role.ADMIN, action="revoke invitations")
    invitation = (
        Invitation.objects.select_for_update().filter(id=invitation_id, organization=actor.organization).first()
    )
    if invitation is None:
        raise NotFound("Invitation not found.")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already accepted; remove the member instead.")
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
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
    """Sign up through an invitation: the account joins the inviting organization, none is created."""
    invitation = invitation_pending(token=token)
    if invitation is None:
        raise ApplicationError(
            "This invitation link is not valid: it may have expired, been used or been revoked.",
            code="invalid_invitation",
        )
    email = _normalize_email(email)
    if email != invitation.email.lower():
        raise ValidationError({"email": [f"This invitation is for {invitation.email}."]})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": ["An account with this e-mail address already exists: log in to accept."]})
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": list(exc.messages)}) from exc
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, full_name=full_name, is_staff=True)
        membership = invitation_accept(user=user, token=token)
    return user, membership


# --- API keys -----------------------------------------------------------------------------


@transaction.atomic
def api_key_create(*, actor: Actor, name: str) -> tuple[ApiKey, str]:
    """Create a key; the returned secret is never stored and cannot be shown again."""
    require_person(actor, action="create API keys")
    require_role(actor, Role.ADMIN, action="create API keys")
    name = _clean_name(name, field="name", max_length=100)
    secret = API_KEY_PREFIX + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organization=actor.organization,
        name=name,
        prefix=secret[:12],
        key_hash=hash_secret(secret),
        created_by=actor.user,
    )
    return api_key, secret


@transaction.atomic
def api_key_revoke(*, actor: Actor, api_key_id: uuid.UUID) -> ApiKey:
    require_person(actor, action="revoke API keys")
    require_role(actor, Role.ADMIN, action="revoke API keys")
    api_key = ApiKey.objects.select_for_update().filter(id=api_key_id, organization=actor.organization).first()
    if api_key is None:
        raise NotFound("API key not found.")
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at", "updated_at"])
    return api_key


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The active key matching `raw_key`, or None. Records when it was last used."""
    if not raw_key.startswith(API_KEY_PREFIX):
        return None
    api_key = (
        ApiKey.objects.select_related("organization")
        .filter(key_hash=hash_secret(raw_key), revoked_at__isnull=True)
        .first()
    )
    if api_key is None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > API_KEY_USAGE_RESOLUTION:
        ApiKey.objects.filter(id=api_key.id).update(last_used_at=now)
        api_key.last_used_at = now
    return api_key
