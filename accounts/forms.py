from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.login_guard import login_failure_record, login_guard_check, login_success
from accounts.models import Role
from chatsphere.api.throttling import AuthIPThrottle, throttles_check
from chatsphere.errors import RateLimited


class SignupForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=150, required=False)
    email = forms.EmailField(label="E-mail", max_length=254)
    organization_name = forms.CharField(
        label="Organization", max_length=120, help_text="Your company or team; you can invite teammates later."
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters, not only digits, not a common password.",
    )

    def __init__(self, *args: Any, invited: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if invited:
            # Joining through an invitation: the organization already exists.
            del self.fields["organization_name"]
            self.fields["email"].widget.attrs["readonly"] = True


class LoginGuardMixin:
    """The brakes of the API token endpoint, for a Django login form (dashboard and admin).

    Attempts count against the per-IP limit of the API's auth endpoints and the per-account lock-out.

    While an account waits after repeated failures it cannot log in, even with the right password;
    each wrong password counts towards the wait, whichever door it was tried at.
    """

    cleaned_data: dict[str, Any]
    user_cache: Any
    request: HttpRequest | None

    def clean(self) -> dict[str, Any]:
        email = (self.cleaned_data.get("username") or "").strip().lower()
        try:
            if self.request is not None:
                throttles_check(self.request, [AuthIPThrottle])
            if email:
                login_guard_check(email=email)
        except RateLimited as exc:
            raise ValidationError(exc.message, code="rate_limited") from exc
        if email:
            self.cleaned_data["username"] = email
        try:
            cleaned = super().clean()  # type: ignore[misc]  # Django's AuthenticationForm has clean(); its stub does not
        except ValidationError:
            if email and self.user_cache is None:  # a wrong password, not a refused (e.g. non-staff) account
                login_failure_record(email=email)
            raise
        if email:
            login_success(email=email)
        return cleaned


class EmailAuthenticationForm(LoginGuardMixin, AuthenticationForm):
    """Log in with e-mail; repeated failures for one account make it wait, as in the API."""

    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class AdminEmailAuthenticationForm(LoginGuardMixin, AdminAuthenticationForm):
    """The admin's login form, behind the same lock-out as the dashboard and the API."""

    def confirm_login_allowed(self, user: Any) -> None:
        if not user.is_email_verified:
            raise ValidationError(
                "Verify your e-mail address before using the admin: follow the link we sent you.",
                code="email_unverified",
            )
        super().confirm_login_allowed(user)


class OrganizationForm(forms.Form):
    name = forms.CharField(label="Organization name", max_length=120)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail", max_length=254)
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label="Key name", max_length=100, help_text="Where the key is used, e.g. “Help center sync”."
    )
