"""API-key authentication (`Authorization: Api-Key <key>` or `X-API-Key: <key>`) and revocable JWTs."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.tokens import RefreshToken, Token

from accounts.models import ApiKey, User
from accounts.services.api_keys import api_key_authenticate


class ApiKeyUser(AnonymousUser):
    """The principal of an API-key request: authenticated, but not a person."""

    def __init__(self, api_key: ApiKey) -> None:
        self.api_key = api_key

    @property
    def is_anonymous(self) -> bool:  # type: ignore[override]  # a constant, as on Django's users
        return False

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]  # a constant, as on Django's users
        return True

    def __str__(self) -> str:
        return f"API key {self.api_key.prefix}"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request: Request) -> tuple[ApiKeyUser, ApiKey] | None:
        raw = request.headers.get("X-API-Key", "").strip()
        if not raw:
            parts = request.headers.get("Authorization", "").split()
            if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
                return None
            raw = parts[1]
        api_key = api_key_authenticate(raw_key=raw)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.", code="invalid_api_key")
        return ApiKeyUser(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}


AUTH_VERSION_CLAIM = "auth_version"


class UserRefreshToken(RefreshToken):
    """A refresh token (and the access tokens made from it) bound to the user's auth version."""

    @classmethod
    def for_user(cls, user: User) -> UserRefreshToken:  # type: ignore[override]  # our tokens are for our User
        token = cast(UserRefreshToken, super().for_user(user))  # built as cls()
        token[AUTH_VERSION_CLAIM] = user.auth_version
        return token


class UserJWTAuthentication(JWTAuthentication):
    """Bearer tokens; refused once the password changed or the user logged out everywhere."""

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]  # simplejwt types it as any user model
        user = cast(User, super().get_user(validated_token))  # AUTH_USER_MODEL
        if validated_token.get(AUTH_VERSION_CLAIM, 0) != user.auth_version:
            raise exceptions.AuthenticationFailed("This token was revoked: log in again.", code="token_revoked")
        return user


class UserJWTAuthenticationScheme(SimpleJWTScheme):
    target_class = "accounts.authentication.UserJWTAuthentication"
