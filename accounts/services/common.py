"""Helpers shared by the accounts services: secret hashing, e-mail and name cleaning, slugs."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify

from accounts.models import Organization
from chatsphere.errors import InvalidInput


def hash_secret(raw: str) -> str:
    """Secrets here are 256-bit random, so a fast hash resists guessing as well as a slow one."""
    return hashlib.sha256(raw.encode()).hexdigest()


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InvalidInput({"email": ["Enter a valid e-mail address."]}) from exc
    return email


def unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug = base
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def clean_name(name: str, *, field: str, max_length: int) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput({field: ["This field may not be blank."]})
    if len(name) > max_length:
        raise InvalidInput({field: [f"Ensure this field has no more than {max_length} characters."]})
    return name
