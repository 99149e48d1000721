"""Validators for bot settings, shared by the model (admin, dashboard forms) and the services (API)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

MAX_ALLOWED_ORIGINS = 50
MAX_SUGGESTED_QUESTIONS = 6
MAX_SUGGESTED_QUESTION_LENGTH = 120
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


def normalize_origin(value: object) -> str:
    """`scheme://host[:port]`, lower-cased, default ports dropped; raises ValidationError otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("Each origin must be a non-empty string like https://www.example.com.")
    raw = value.strip()
    invalid = ValidationError(
        f'"{raw[:100]}" is not a valid origin: use scheme://host[:port], e.g. https://example.com.'
    )
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise invalid from exc
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in {"http", "https"} or not host or parts.username or parts.password:
        raise invalid
    if parts.path not in {"", "/"} or parts.query or parts.fragment or "\\" in raw:
        raise invalid
    if not (_HOST.match(host) or _is_ip_literal(host)):
        raise invalid
    if port is None or (scheme, port) in {("http", 80), ("https", 443)}:
        netloc = f"[{host}]" if ":" in host else host
    else:
        netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return f"{scheme}://{netloc}"


def _is_ip_literal(host: str) -> bool:

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def normalize_allowed_origins(value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValidationError("Give a list of origins like https://www.example.com.")
    if len(value) > MAX_ALLOWED_ORIGINS:
        raise ValidationError(f"At most {MAX_ALLOWED_ORIGINS} origins are allowed.")
    origins: list[str] = []
    for item in value:
        origin = normalize_origin(item)
        if origin not in origins:
            origins.append(origin)
    return origins


def validate_allowed_origins(value: object) -> None:
    normalize_allowed_origins(value)


def validate_color(value: object) -> None:
    if not isinstance(value, str) or not _COLOR.match(value):
        raise ValidationError("Enter a colour as #RRGGBB, e.g. #2563EB.")


def normalize_suggested_questions(value: object) -> list[str]:
    if not isinstance(value, list):
        raise ValidationError("Give a list of short questions.")
    if len(value) > MAX_SUGGESTED_QUESTIONS:
        raise ValidationError(f"At most {MAX_SUGGESTED_QUESTIONS} suggested questions are allowed.")
    questions: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError("Each suggested question must be non-empty text.")
        if len(item.strip()) > MAX_SUGGESTED_QUESTION_LENGTH:
            raise ValidationError(
                f"Each suggested question must have at most {MAX_SUGGESTED_QUESTION_LENGTH} characters."
            )
        questions.append(item.strip())
    return questions


def validate_suggested_questions(value: object) -> None:
    normalize_suggested_questions(value)


def validate_model_name(value: object) -> None:
    if value not in settings.GEMINI_MODELS:
        allowed = ", ".join(settings.GEMINI_MODELS)
        raise ValidationError(f'"{value}" is not an available model. Choose one of: {allowed}.')
