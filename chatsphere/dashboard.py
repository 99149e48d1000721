"""Shared plumbing of the dashboard pages (/app/): the selected organization, roles, errors.

The dashboard acts in the organization stored in the session (chosen with the switcher), which
must be one of the user's memberships; otherwise in the user's first organization. Domain errors
become what a person expects on a page (`ApplicationErrorsMixin`): 404 for missing or foreign
objects, 403 for a role that is too low, and a message next to the form or above the page for
anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect

from accounts.models import Membership, Role
from accounts.tenancy import Actor
from chatsphere import log_context
from chatsphere.api.views import SESSION_ORGANIZATION_KEY
from chatsphere.dashboard_drafts import draft_keep, draft_restore, form_page
from chatsphere.errors import ApplicationError, NotFound, PermissionDenied, RateLimited, ServiceUnavailable


def dashboard_memberships(request: HttpRequest) -> list[Membership]:
    cached = getattr(request, "_dashboard_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user_id=request.user.pk)  # type: ignore[misc]  # only for signed-in users
            .select_related("organization")
            .order_by("organization__name")
        )
        request._dashboard_memberships = cached  # type: ignore[attr-defined]  # a per-request cache
    return cached


def dashboard_actor(request: HttpRequest) -> Actor | None:
    if not getattr(request.user, "is_email_verified", False):
        return None
    memberships = dashboard_memberships(request)
    if not memberships:
        return None
    selected = request.session.get(SESSION_ORGANIZATION_KEY)
    membership = next((m for m in memberships if str(m.organization_id) == selected), memberships[0])
    return Actor(organization=membership.organization, role=Role(membership.role), user=request.user)  # type: ignore[arg-type]  # dashboard pages: a signed-in User


def show_on_form(form: BaseForm, error: ApplicationError, *, field: str | None = None) -> None:
    """Put an error's messages next to the fields they name; the rest go on `field` (None: above
    the form)."""
    if not error.errors:
        form.add_error(field, error.message)
        return
    for name, messages_ in error.errors.items():
        form.add_error(name if name in form.fields else field, messages_)


class ApplicationErrorsMixin:
    """Shows the domain errors a page's handler lets through, so handlers hold no `try` blocks.

    - NotFound: the 404 page; PermissionDenied: the 403 page (or a banner, see `refusal_as_message`);
    - anything else, when the request submitted a form (`submitted_form`, set by `get_form` on
      form views or by the handler): next to the fields it names, and the page answers
      `form_invalid(form)` (429 for RateLimited, 503 for ServiceUnavailable, with `Retry-After`);
    - otherwise a banner (messages framework) and back to `error_url()`.

    Only a form or a button (POST) gets a message: a page that fails to show is an error.
    """

    request: HttpRequest
    #: A form view's way to re-render its form with errors (declared, not defined: FormView's wins).
    form_invalid: Callable[[Any], HttpResponse]
    #: The bound form this request submitted, if any.
    submitted_form: BaseForm | None = None
    #: The field that shows messages naming no field of the form (None: above the form).
    error_field: str | None = None
    #: A refusal for a too-low role is a banner on the page instead of the 403 page: the buttons of
    #: a list, where the person should read why nothing happened.
    refusal_as_message = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # a mixin: the view class supplies dispatch()
        except ApplicationError as error:
            return self.application_error(error)

    def get_form(self, form_class: Any = None) -> Any:
        form = super().get_form(form_class)  # type: ignore[misc]  # a mixin: the form view supplies get_form()
        if form.is_bound:
            self.submitted_form = form
        return form

    def application_error(self, error: ApplicationError) -> HttpResponse:
        if isinstance(error, NotFound):
            raise Http404(error.message) from error
        if isinstance(error, PermissionDenied) and not self.refusal_as_message:
            raise DjangoPermissionDenied(error.message) from error
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            raise error  # a page that cannot be shown has no page to go back to
        form = self.submitted_form
        if form is not None:
            show_on_form(form, error, field=self.error_field)
            response = self.form_invalid(form)
            if isinstance(error, RateLimited | ServiceUnavailable):
                response.status_code = error.status
                response["Retry-After"] = str(error.retry_after)
            return response
        messages.error(self.request, error.display_message)
        return redirect(self.error_url())

    def error_url(self) -> str:
        """Where a banner is shown: by default the page itself."""
        return self.request.get_full_path()


class VerifiedEmailRequiredMixin(LoginRequiredMixin):
    """A page for signed-in people whose address is verified; others are asked to verify it."""

    login_url = "/app/login/"
    request: HttpRequest

    def handle_no_permission(self) -> HttpResponseRedirect:
        request = self.request
        if request.user.is_authenticated or request.method in ("GET", "HEAD"):
            return super().handle_no_permission()
        # A form sent after the session expired: say why nothing happened, and come back to the
        # page the form was on, with its text, after logging in.
        page = form_page(request)
        kept = draft_keep(request, page)
        messages.warning(
            request,
            "Your session expired, so that was not saved. Log in to go back to the page"
            + (" with what you typed." if kept else "."),
        )
        return redirect_to_login(page, self.get_login_url())

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_email_verified:
            return redirect("dashboard:verify-email-pending")
        return super().dispatch(request, *args, **kwargs)


class OrganizationMixin(VerifiedEmailRequiredMixin, ApplicationErrorsMixin):
    """A dashboard page acting in the selected organization; its handlers' errors are shown by
    `ApplicationErrorsMixin`."""

    @cached_property
    def actor(self) -> Actor:
        actor = dashboard_actor(self.request)
        if actor is None:
            raise Http404("You are not a member of any organization.")
        log_context.bind(organization=actor.organization.id)
        return actor

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_email_verified:
            return redirect("dashboard:verify-email-pending")
        if dashboard_actor(request) is None:
            messages.info(request, "You are not a member of any organization yet: create one to begin.")
            return redirect("dashboard:organization-create")
        # The objects the URL names are the page itself: not one of them is a 404 (or a 403), never a banner.
        try:
            self.resolve_objects()
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc
        return super().dispatch(request, *args, **kwargs)

    def resolve_objects(self) -> None:
        """Load the objects the URL names before any handler runs (foreign ones raise NotFound)."""

    def can(self, role: Role) -> bool:
        return self.actor.has_role(role)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]  # a mixin: the view class supplies get_context_data()
        if draft_restore(self.request, context):
            messages.info(
                self.request, "What you typed before your session expired is back in the form: submit it again."
            )
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
