"""Dashboard pages for people: sign-up, log-in, invitations, organizations, members, API keys."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts import selectors, services
from accounts.forms import ApiKeyForm, EmailAuthenticationForm, InvitationForm, OrganizationForm, RoleForm, SignupForm
from accounts.models import Role
from chatsphere.api.throttling import (
    PasswordResetEmailThrottle,
    PasswordResetIPThrottle,
    SignupIPThrottle,
    throttles_check,
)
from chatsphere.api.views import SESSION_ORGANIZATION_KEY
from chatsphere.dashboard import OrganizationMixin, apply_errors, dashboard_memberships
from chatsphere.errors import ApplicationError, RateLimited

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _select_organization(request: HttpRequest, organization_id: object) -> None:
    request.session[SESSION_ORGANIZATION_KEY] = str(organization_id)


class SignupView(FormView):
    template_name = "registration/signup.html"
    form_class = SignupForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.invitation = services.invitation_pending(token=request.GET.get("invitation", ""))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["invited"] = self.invitation is not None
        if self.invitation is not None:
            kwargs.setdefault("initial", {})["email"] = self.invitation.email
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(invitation=self.invitation, **kwargs)

    def form_valid(self, form: SignupForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            throttles_check(self.request, [SignupIPThrottle])
        except RateLimited as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        try:
            if self.invitation is not None:
                user, membership = services.user_register_invited(
                    email=data["email"],
                    password=data["password"],
                    token=self.request.GET["invitation"],
                    full_name=data["full_name"],
                )
                organization = membership.organization
            else:
                user, organization = services.user_register(
                    email=data["email"],
                    password=data["password"],
                    organization_name=data["organization_name"],
                    full_name=data["full_name"],
                )
        except (ValidationError, ApplicationError) as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        login(self.request, user, backend=BACKEND)
        _select_organization(self.request, organization.id)
        messages.success(self.request, f"Welcome to ChatSphere! You are in {organization.name}.")
        return redirect("dashboard:bot-list")


class EmailLoginView(LoginView):
    template_name = "registration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("dashboard:bot-list")


class LogoutEverywhereView(LoginRequiredMixin, View):
    """End every session and API token of the user, this browser's session included."""

    login_url = "/app/login/"

    def post(self, request: HttpRequest) -> HttpResponse:
        services.user_logout_everywhere(user=request.user)  # type: ignore[arg-type]
        logout(request)
        messages.success(request, "You were logged out on every device and every API token was revoked.")
        return redirect("dashboard:login")


class ThrottledPasswordResetView(PasswordResetView):
    """Ask for a reset link; limited per client IP and per target address, whether or not it exists."""

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            throttles_check(self.request, [PasswordResetIPThrottle, PasswordResetEmailThrottle])
        except RateLimited as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class InvitationAcceptView(TemplateView):
    template_name = "registration/invitation.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        token = self.request.GET.get("token", "")
        return super().get_context_data(invitation=services.invitation_pending(token=token), token=token, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('dashboard:login')}?next={request.get_full_path()}")
        try:
            membership = services.invitation_accept(user=request.user, token=request.POST.get("token", ""))  # type: ignore[arg-type]
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(f"{reverse('dashboard:invitation-accept')}?token={request.POST.get('token', '')}")
        _select_organization(request, membership.organization_id)
        messages.success(
            request, f"You joined {membership.organization.name} as {membership.get_role_display().lower()}."
        )
        return redirect("dashboard:bot-list")


class OrganizationSwitchView(LoginRequiredMixin, View):
    login_url = "/app/login/"

    def post(self, request: HttpRequest) -> HttpResponse:
        wanted = request.POST.get("organization", "")
        membership = next((m for m in dashboard_memberships(request) if str(m.organization_id) == wanted), None)
        if membership is None:
            messages.error(request, "You are not a member of that organization.")
        else:
            _select_organization(request, membership.organization_id)
            messages.info(request, f"Now working in {membership.organization.name}.")
        return redirect("dashboard:bot-list")


class OrganizationCreateView(LoginRequiredMixin, FormView):
    login_url = "/app/login/"
    template_name = "dashboard/organization_form.html"
    form_class = OrganizationForm

    def form_valid(self, form: OrganizationForm) -> HttpResponse:
        try:
            organization = services.organization_create(user=self.request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        _select_organization(self.request, organization.id)
        messages.success(self.request, f"{organization.name} is ready.")
        return redirect("dashboard:bot-list")


class MemberListView(OrganizationMixin, TemplateView):
    template_name = "dashboard/members.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organization = self.actor.organization
        kwargs.setdefault("invite_form", InvitationForm())
        kwargs.setdefault("rename_form", OrganizationForm(initial={"name": organization.name}))
        return super().get_context_data(
            members=selectors.membership_list(organization=organization),
            invitations=[i for i in selectors.invitation_list(organization=organization) if i.status == "pending"],
            roles=Role.choices,
            **kwargs,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        """Invite someone; errors are shown next to the form."""
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, _token = services.invitation_create(actor=self.actor, **form.cleaned_data)
            except (ValidationError, ApplicationError) as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("dashboard:member-list")
        return self.render_to_response(self.get_context_data(invite_form=form), status=400)


class MemberRoleView(OrganizationMixin, View):
    def post(self, request: HttpRequest, membership_id: uuid.UUID) -> HttpResponse:
        selectors.membership_get(organization=self.actor.organization, membership_id=membership_id)
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a valid role.")
            return redirect("dashboard:member-list")
        try:
            membership = services.membership_change_role(
                actor=self.actor, membership_id=membership_id, role=form.cleaned_data["role"]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{membership.user.email} is now {membership.get_role_display().lower()}.")
        return redirect("dashboard:member-list")


class MemberRemoveView(OrganizationMixin, View):
    def post(self, request: HttpRequest, membership_id: uuid.UUID) -> HttpResponse:
        membership = selectors.membership_get(organization=self.actor.organization, membership_id=membership_id)
        leaving = membership.user_id == request.user.pk
        try:
            services.membership_remove(actor=self.actor, membership_id=membership_id)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("dashboard:member-list")
        if leaving:
            request.session.pop(SESSION_ORGANIZATION_KEY, None)
            messages.success(request, f"You left {self.actor.organization.name}.")
            return redirect("dashboard:bot-list")
        messages.success(request, f"{membership.user.email} was removed.")
        return redirect("dashboard:member-list")


class InvitationRevokeView(OrganizationMixin, View):
    def post(self, request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
        invitation = selectors.invitation_get(organization=self.actor.organization, invitation_id=invitation_id)
        try:
            services.invitation_revoke(actor=self.actor, invitation_id=invitation.id)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"The invitation of {invitation.email} was revoked.")
        return redirect("dashboard:member-list")


class OrganizationRenameView(OrganizationMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = OrganizationForm(request.POST)
        if form.is_valid():
            try:
                services.organization_update(actor=self.actor, name=form.cleaned_data["name"])
            except (ValidationError, ApplicationError) as exc:
                messages.error(request, exc.message if isinstance(exc, ApplicationError) else "; ".join(exc.messages))
            else:
                messages.success(request, "The organization was renamed.")
        else:
            messages.error(request, "Enter a name of at most 120 characters.")
        return redirect("dashboard:member-list")


class ApiKeyListView(OrganizationMixin, TemplateView):
    template_name = "dashboard/api_keys.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", ApiKeyForm())
        return super().get_context_data(keys=selectors.api_key_list(organization=self.actor.organization), **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ApiKeyForm(request.POST)
        if form.is_valid():
            try:
                api_key, secret = services.api_key_create(actor=self.actor, name=form.cleaned_data["name"])
            except (ValidationError, ApplicationError) as exc:
                apply_errors(form, exc)
            else:
                # Rendered, not redirected: the secret must never be stored, even in the session.
                return render(
                    request,
                    self.template_name,
                    self.get_context_data(created=api_key, secret=secret, form=ApiKeyForm()),
                )
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiKeyRevokeView(OrganizationMixin, View):
    def post(self, request: HttpRequest, api_key_id: uuid.UUID) -> HttpResponse:
        api_key = selectors.api_key_get(organization=self.actor.organization, api_key_id=api_key_id)
        try:
            services.api_key_revoke(actor=self.actor, api_key_id=api_key.id)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"The key “{api_key.name}” was revoked; requests using it now fail.")
        return redirect("dashboard:api-key-list")
