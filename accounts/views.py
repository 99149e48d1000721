"""Dashboard pages for people: sign-up, log-in, invitations, organizations, members, API keys."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import LoginView, PasswordResetConfirmView, PasswordResetView
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts import selectors
from accounts.forms import ApiKeyForm, EmailAuthenticationForm, InvitationForm, OrganizationForm, RoleForm, SignupForm
from accounts.models import Role
from accounts.services.api_keys import api_key_create, api_key_revoke
from accounts.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_link,
    invitation_pending,
    invitation_resend,
    invitation_revoke,
    user_register_invited,
)
from accounts.services.memberships import membership_change_role, membership_remove
from accounts.services.organizations import organization_create, organization_update
from accounts.services.users import (
    user_email_prove,
    user_email_verification_resend,
    user_email_verify,
    user_logout_everywhere,
    user_register,
)
from accounts.verification import verification_token_user
from chatsphere.api.throttling import (
    AuthIPThrottle,
    PasswordResetEmailThrottle,
    PasswordResetIPThrottle,
    SignupIPThrottle,
    VerificationEmailThrottle,
    throttles_check,
)
from chatsphere.api.views import SESSION_ORGANIZATION_KEY
from chatsphere.dashboard import (
    ApplicationErrorsMixin,
    OrganizationMixin,
    VerifiedEmailRequiredMixin,
    dashboard_memberships,
)
from chatsphere.errors import RateLimited

#: The accept link of the invitation just sent, kept in the session until the members page shows it.
INVITATION_LINK_SESSION_KEY = "dashboard.invitation_link"

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _select_organization(request: HttpRequest, organization_id: object) -> None:
    request.session[SESSION_ORGANIZATION_KEY] = str(organization_id)


class SignupView(ApplicationErrorsMixin, FormView):
    template_name = "registration/signup.html"
    form_class = SignupForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.invitation = invitation_pending(token=request.GET.get("invitation", ""))
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
        throttles_check(self.request, [SignupIPThrottle])
        if self.invitation is None:
            user_register(
                email=data["email"],
                password=data["password"],
                organization_name=data["organization_name"],
                full_name=data["full_name"],
            )
            return redirect("dashboard:verify-email-sent")
        user, membership = user_register_invited(
            email=data["email"],
            password=data["password"],
            token=self.request.GET["invitation"],
            full_name=data["full_name"],
        )
        organization = membership.organization
        login(self.request, user, backend=BACKEND)
        _select_organization(self.request, organization.id)
        messages.success(self.request, f"Welcome to ChatSphere! You are in {organization.name}.")
        return redirect("dashboard:bot-list")


class VerifyEmailView(ApplicationErrorsMixin, TemplateView):
    """The link of the verification e-mail: a button confirms, so mail scanners that open links verify nothing."""

    template_name = "registration/verify_email.html"
    refusal_as_message = True

    def error_url(self) -> str:
        return reverse("dashboard:login")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        token = self.request.GET.get("token", "")
        user = verification_token_user(token)
        return super().get_context_data(valid=user is not None, email=user.email if user else "", token=token, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        user, organization = user_email_verify(token=request.POST.get("token", ""))
        if request.user.is_authenticated and request.user.pk == user.pk:
            if organization is not None:
                _select_organization(request, organization.id)
            messages.success(request, "Your e-mail address is verified. Welcome to ChatSphere!")
            return redirect("dashboard:bot-list")
        messages.success(request, "Your e-mail address is verified: log in to start.")
        return redirect("dashboard:login")


class VerifyEmailPendingView(LoginRequiredMixin, TemplateView):
    """What an account sees until its address is verified; it can ask for the link again."""

    login_url = "/app/login/"
    template_name = "registration/verify_email_pending.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and request.user.is_email_verified:
            return redirect("dashboard:bot-list")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            throttles_check(request, [AuthIPThrottle, VerificationEmailThrottle])
        except RateLimited as exc:
            return self.render_to_response(self.get_context_data(error=exc.message), status=429)
        user_email_verification_resend(email=request.user.email)  # type: ignore[union-attr]  # signed in (checked above): a User
        messages.success(request, f"A new link is on its way to {request.user.email}.")  # type: ignore[union-attr]  # signed in (checked above): a User
        return redirect("dashboard:verify-email-pending")


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
        user_logout_everywhere(user=request.user)  # type: ignore[arg-type]  # LoginRequiredMixin: a User
        logout(request)
        messages.success(request, "You were logged out on every device and every API token was revoked.")
        return redirect("dashboard:login")


class ThrottledPasswordResetView(ApplicationErrorsMixin, PasswordResetView):
    """Ask for a reset link; limited per client IP and per target address, whether or not it exists."""

    def form_valid(self, form: Any) -> HttpResponse:
        throttles_check(self.request, [PasswordResetIPThrottle, PasswordResetEmailThrottle])
        return super().form_valid(form)


class ProvingPasswordResetConfirmView(PasswordResetConfirmView):
    """Setting a password through the mailed link also proves the address (see user_email_prove)."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user_email_prove(user=form.user)
        return response


class InvitationAcceptView(ApplicationErrorsMixin, TemplateView):
    template_name = "registration/invitation.html"
    #: Accepting with the wrong account is told on the invitation's page.
    refusal_as_message = True

    def error_url(self) -> str:
        return f"{reverse('dashboard:invitation-accept')}?token={self.request.POST.get('token', '')}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        token = self.request.GET.get("token", "")
        return super().get_context_data(invitation=invitation_pending(token=token), token=token, **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('dashboard:login')}?next={request.get_full_path()}")
        membership = invitation_accept(user=request.user, token=request.POST.get("token", ""))
        # Accepting may have proven the address and revoked the account's other sessions: keep this one.
        update_session_auth_hash(request, request.user)
        _select_organization(request, membership.organization_id)
        messages.success(
            request, f"You joined {membership.organization.name} as {membership.get_role_display().lower()}."
        )
        return redirect("dashboard:bot-list")


class OrganizationSwitchView(VerifiedEmailRequiredMixin, View):
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


class OrganizationCreateView(VerifiedEmailRequiredMixin, ApplicationErrorsMixin, FormView):
    login_url = "/app/login/"
    template_name = "dashboard/organization_form.html"
    form_class = OrganizationForm

    def form_valid(self, form: OrganizationForm) -> HttpResponse:
        organization = organization_create(user=self.request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]  # LoginRequiredMixin: a User
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
            invitations=[
                i for i in selectors.invitation_list(organization=organization) if i.status in ("pending", "expired")
            ],
            # A link made by the last invitation or resend, shown once so the admin can share it.
            invitation_link=self.request.session.pop(INVITATION_LINK_SESSION_KEY, None),
            roles=Role.choices,
            **kwargs,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        """Invite someone; errors are shown next to the form."""
        form = self.submitted_form = InvitationForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        invitation, token = invitation_create(actor=self.actor, **form.cleaned_data)
        request.session[INVITATION_LINK_SESSION_KEY] = (invitation.email, invitation_link(token))
        messages.success(request, f"Invitation sent to {invitation.email}.")
        return redirect("dashboard:member-list")

    def form_invalid(self, form: InvitationForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(invite_form=form), status=400)


class _MemberListAction(OrganizationMixin, View):
    """A button of the members page: what went wrong is told there."""

    refusal_as_message = True

    def error_url(self) -> str:
        return reverse("dashboard:member-list")


class MemberRoleView(_MemberListAction):
    def post(self, request: HttpRequest, membership_id: uuid.UUID) -> HttpResponse:
        selectors.access_membership_by_id(self.actor, membership_id)
        form = RoleForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a valid role.")
            return redirect("dashboard:member-list")
        membership = membership_change_role(
            actor=self.actor, membership_id=membership_id, role=form.cleaned_data["role"]
        )
        messages.success(request, f"{membership.user.email} is now {membership.get_role_display().lower()}.")
        return redirect("dashboard:member-list")


class MemberRemoveView(_MemberListAction):
    def post(self, request: HttpRequest, membership_id: uuid.UUID) -> HttpResponse:
        membership = selectors.access_membership_by_id(self.actor, membership_id)
        leaving = membership.user_id == request.user.pk
        revoked = membership_remove(actor=self.actor, membership_id=membership_id)
        if revoked:
            keys = "1 API key" if revoked == 1 else f"{revoked} API keys"
            whose = "you" if leaving else "they"
            messages.info(request, f"{keys} {whose} created {'was' if revoked == 1 else 'were'} revoked.")
        if leaving:
            request.session.pop(SESSION_ORGANIZATION_KEY, None)
            messages.success(request, f"You left {self.actor.organization.name}.")
            return redirect("dashboard:bot-list")
        messages.success(request, f"{membership.user.email} was removed.")
        return redirect("dashboard:member-list")


class InvitationResendView(_MemberListAction):
    def post(self, request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
        invitation, token = invitation_resend(actor=self.actor, invitation_id=invitation_id)
        request.session[INVITATION_LINK_SESSION_KEY] = (invitation.email, invitation_link(token))
        messages.success(
            request, f"A new invitation link was sent to {invitation.email}; the earlier one no longer works."
        )
        return redirect("dashboard:member-list")


class InvitationRevokeView(_MemberListAction):
    def post(self, request: HttpRequest, invitation_id: uuid.UUID) -> HttpResponse:
        invitation = selectors.access_invitation_by_id(self.actor, invitation_id)
        invitation_revoke(actor=self.actor, invitation_id=invitation.id)
        messages.success(request, f"The invitation of {invitation.email} was revoked.")
        return redirect("dashboard:member-list")


class OrganizationRenameView(_MemberListAction):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = OrganizationForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Enter a name of at most 120 characters.")
            return redirect("dashboard:member-list")
        organization_update(actor=self.actor, name=form.cleaned_data["name"])
        messages.success(request, "The organization was renamed.")
        return redirect("dashboard:member-list")


class ApiKeyListView(OrganizationMixin, TemplateView):
    template_name = "dashboard/api_keys.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", ApiKeyForm())
        return super().get_context_data(keys=selectors.api_key_list(organization=self.actor.organization), **kwargs)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.submitted_form = ApiKeyForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        api_key, secret = api_key_create(actor=self.actor, name=form.cleaned_data["name"])
        # Rendered, not redirected: the secret must never be stored, even in the session.
        return render(
            request, self.template_name, self.get_context_data(created=api_key, secret=secret, form=ApiKeyForm())
        )

    def form_invalid(self, form: ApiKeyForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ApiKeyRevokeView(OrganizationMixin, View):
    refusal_as_message = True

    def error_url(self) -> str:
        return reverse("dashboard:api-key-list")

    def post(self, request: HttpRequest, api_key_id: uuid.UUID) -> HttpResponse:
        api_key = selectors.access_api_key_by_id(self.actor, api_key_id)
        api_key_revoke(actor=self.actor, api_key_id=api_key.id)
        messages.success(request, f"The key “{api_key.name}” was revoked; requests using it now fail.")
        return redirect("dashboard:api-key-list")
