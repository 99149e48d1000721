"""Signed links that prove a person receives mail at their account's address.

The token is bound to the account's current state (address, password, verification and auth
version), so it stops working once used, once the password changes, and after
PASSWORD_RESET_TIMEOUT like Django's password-reset links.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from accounts.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.verification.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.password}{user.auth_version}{user.email_verified_at}{timestamp}"


_generator = EmailVerificationTokenGenerator()


def verification_token_make(user: User) -> str:
    """One opaque string: the account's id and the signed token."""
    return f"{urlsafe_base64_encode(force_bytes(user.pk))}.{_generator.make_token(user)}"


def verification_token_user(token: str) -> User | None:
    """The unverified account `token` was made for, if it is still valid."""
    uid, _, signed = (token or "").partition(".")
    try:
        pk = uuid.UUID(force_str(urlsafe_base64_decode(uid)))
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or user.email_verified_at is not None or not _generator.check_token(user, signed):
        return None
    return user
