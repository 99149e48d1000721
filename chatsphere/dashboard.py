"""Shared plumbing of the dashboard pages (/app/): the selected organization, roles, errors.

The dashboard acts in the organization stored in the session (chosen with the switcher), which
must be one of the user's memberships; otherwise in the user's first organization. Domain errors
become what a person expects on a page: 404 for missing or foreign objects, 403 for a role that is
too low, and a message next to the form for anything else.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.models import Membership, Role
from accounts.tenancy import Actor
from chatsphere.api.views import SESSION_ORGANIZATION_KEY
from chatsphere.errors import ApplicationError, NotFound, PermissionDenied


def dashboard_memberships(request: HttpRequest) -> list[Membership]:
    cached = getattr(request, "_dashboard_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user_id=request.user.pk)
            .select_related("organization")
            .order_by("organization__name")
        )
        request._dashboard_memberships = cached  # type: ignore[attr-defined]
    return cached


def dashboard_actor(request: HttpRequest) -> Actor | None:
    memberships = dashboard_memberships(request)
    if not memberships:
        return None
    selected = request.session.get(SESSION_ORGANIZATION_KEY)
    membership = next((m for m in memberships if str(m.organization_id) == selected), memberships[0])
    return Actor(organization=membership.organization, role=Role(membership.role), user=request.user)  # type: ignore[arg-type]


def apply_errors(form: Form, error: ValidationError | ApplicationError) -> None:
    """Show a service's validation errors next to the fields they concern.

    A role that is too low or an object that is not the organization's is not a form error: those
    propagate, and the page answers 403 or 404.
    """
    if isinstance(error, PermissionDenied | NotFound):
        raise error
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            form.add_error(None, error.messages)
        return
    if error.errors:
        for field, messages_ in error.errors.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.message)


class OrganizationMixin(LoginRequiredMixin):
    """A dashboard page acting in the selected organization."""

    login_url = "/app/login/"
    request: HttpRequest

    @cached_property
    def actor(self) -> Actor:
        actor = dashboard_actor(self.request)
        if actor is None:
            raise Http404("You are not a member of any organization.")
        return actor

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if dashboard_actor(request) is None:
            messages.info(request, "You are not a member of any organization yet: create one to begin.")
            return redirect("dashboard:organization-create")
        try:
            self.resolve_objects()
            return super().dispatch(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc

    def resolve_objects(self) -> None:
        """Load the objects the URL names before any handler runs (foreign ones raise NotFound)."""

    def can(self, role: Role) -> bool:
        return self.actor.has_role(role)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context["actor"] = self.actor
        context["can_manage"] = self.actor.has_role(Role.ADMIN)
        context["is_owner"] = self.actor.has_role(Role.OWNER)
        return context


def dashboard_context(request: HttpRequest) -> dict[str, Any]:
    """Template context for the layout: the organizations of the switcher."""
    if not getattr(request, "user", None) or not request.user.is_authenticated or not request.path.startswith("/app/"):
        return {}
    actor = dashboard_actor(request)
    return {
        "nav_memberships": dashboard_memberships(request),
        "nav_organization": actor.organization if actor else None,
        "nav_role": actor.role if actor else None,
    }
