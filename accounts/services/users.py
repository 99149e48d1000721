"""Writes for people: sign-up, e-mail verification, sessions and tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.services.common import clean_name, normalize_email
from accounts.services.organizations import organization_create
from accounts.verification import verification_token_make, verification_token_user
from chatsphere.errors import ApplicationError, InvalidInput
from chatsphere.sockets import member_sockets_recheck

INVALID_VERIFICATION_MESSAGE = (
    "This verification link is not valid: it may have expired or been used already. Log in to ask for a new one."
)


def _verification_url(token: str) -> str:
    return f"{settings.SITE_URL}/app/verify-email/?token={token}"


def _verification_email_send(user: User) -> None:
    token = verification_token_make(user)
    email = user.email
    transaction.on_commit(
        lambda: send_mail(
            subject="Verify your e-mail address for ChatSphere",
            message=(
                "Someone (we hope you) signed up for ChatSphere with this address.\n\n"
                f"Verify it to start using your account: {_verification_url(token)}\n\n"
                "The link works once and expires in a few days. If you did not sign up, ignore this "
                "e-mail: the account cannot be used without this link."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )


def _signup_attempt_email_send(user: User) -> None:
    email = user.email
    transaction.on_commit(
        lambda: send_mail(
            subject="Someone tried to sign up for ChatSphere with your address",
            message=(
                "Someone tried to create a ChatSphere account with this address, which already has one. "
                "No second account was created.\n\n"
                f"If it was you, log in: {settings.SITE_URL}/app/login/\n"
                f"Forgot your password? Reset it: {settings.SITE_URL}/app/password-reset/\n\n"
                "If it was not you, you can ignore this e-mail."
            ),
            from_email=None,
            recipient_list=[email],
        )
    )


def user_register(*, email: str, password: str, organization_name: str, full_name: str = "") -> None:
    """Sign up a bot owner; their organization is created once they verify their address.

    The outcome is the same for every address (a link or a notice is mailed to it), so sign-up
    does not reveal which addresses have accounts.
    """
    email = normalize_email(email)
    organization_name = clean_name(organization_name, field="organization_name", max_length=120)
    candidate = User(email=email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput.from_django(exc, field="password") from exc
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, full_name=full_name, pending_organization_name=organization_name
                )
                _verification_email_send(user)
            return
        except IntegrityError:  # a concurrent sign-up with the same address
            existing = User.objects.get(email__iexact=email)
    make_password(password)  # as much work as creating the account: the timing tells nothing either
    if existing.email_verified_at is None:
        _verification_email_send(existing)
    else:
        _signup_attempt_email_send(existing)


def user_email_verification_resend(*, email: str) -> None:
    """Mail a new link to an account waiting for verification; other addresses get nothing."""
    email = normalize_email(email)
    user = User.objects.filter(email__iexact=email, email_verified_at__isnull=True, is_active=True).first()
    if user is not None:
        _verification_email_send(user)


def mark_verified(user: User) -> None:
    user.email_verified_at = timezone.now()
    user.pending_organization_name = ""
    user.is_staff = True  # bot owners use the admin, scoped to their organizations
    user.save(update_fields=["email_verified_at", "pending_organization_name", "is_staff"])


@transaction.atomic
def user_email_verify(*, token: str) -> tuple[User, Organization | None]:
    """Follow a verification link: the account becomes usable and gets the organization it signed up with."""
    found = verification_token_user(token)
    user = User.objects.select_for_update().filter(pk=found.pk).first() if found is not None else None
    if user is None or user.email_verified_at is not None:
        raise ApplicationError(
            INVALID_VERIFICATION_MESSAGE, code="invalid_verification_token", errors={"token": ["Invalid or expired."]}
        )
    organization_name = user.pending_organization_name
    mark_verified(user)
    organization = organization_create(user=user, name=organization_name) if organization_name else None
    return user, organization


@transaction.atomic
def user_email_prove(*, user: User) -> User:
    """The address of `user` was proven by a link mailed to it (an invitation or a password reset).

    An unverified account may be someone else's pre-registration of the address, holding tokens
    and sessions: all of them are revoked and its pending organization is dropped before the
    account becomes verified. A verified account is left as it is.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.email_verified_at is None:
        user_logout_everywhere(user=locked)
        mark_verified(locked)
    user.auth_version = locked.auth_version
    user.email_verified_at = locked.email_verified_at
    user.pending_organization_name = locked.pending_organization_name
    user.is_staff = locked.is_staff
    return user


def user_refresh_tokens_revoke(*, user: User) -> int:
    """Blacklist every refresh token of the user that is still usable; returns how many."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    ).only("id")
    revoked = [BlacklistedToken(token=token) for token in outstanding]
    BlacklistedToken.objects.bulk_create(revoked, ignore_conflicts=True)
    return len(revoked)


def user_sockets_recheck(*, user: User) -> None:
    """After commit, the user's open dashboard sockets re-check their access (and close if it ended)."""
    organization_ids = list(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    member_sockets_recheck(user_id=user.pk, organization_ids=organization_ids)


@transaction.atomic
def user_logout_everywhere(*, user: User) -> User:
    """End every session, refresh token, access token and open dashboard socket of the user."""
    User.objects.filter(pk=user.pk).update(auth_version=F("auth_version") + 1)
    user.refresh_from_db(fields=["auth_version"])
    user_refresh_tokens_revoke(user=user)
    user_sockets_recheck(user=user)
    return user
