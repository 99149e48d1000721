"""What a form submitted after the session expired keeps: the page the form was on and the text
typed into it, so that after logging in the owner is back on that page (not on a POST-only
address that would answer 405) with the text in its fields, ready to submit again."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "dashboard.draft"
#: Text kept at most (a pasted document can be far longer; the session is not a document store).
MAX_KEPT_CHARS = 200_000
_NEVER_KEPT = ("csrfmiddlewaretoken", "password", "token", "secret", "key")


def form_page(request: HttpRequest) -> str:
    """The dashboard page the submitted form was on (its Referer on this site), else the home page."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        if parts.path.startswith("/app/") and not parts.path.startswith("/app/login/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("dashboard:home")


def draft_keep(request: HttpRequest, page: str) -> bool:
    """Keep the submitted text fields for `page`; returns whether anything was kept."""
    fields: dict[str, str] = {}
    budget = MAX_KEPT_CHARS
    for name, value in request.POST.items():
        if not isinstance(value, str):  # one value per name from items(); the stub allows lists
            continue
        if any(word in name.lower() for word in _NEVER_KEPT) or not value.strip() or len(value) > budget:
            continue
        fields[name] = value
        budget -= len(value)
    if not fields:
        return False
    request.session[SESSION_KEY] = {"page": page, "fields": fields}
    return True


def draft_restore(request: HttpRequest, context: dict[str, Any]) -> bool:
    """Put a draft kept for this page back into the page's empty form that has all its fields."""
    draft = request.session.get(SESSION_KEY)
    if not draft or urlsplit(draft["page"]).path != request.path:
        return False
    del request.session[SESSION_KEY]
    fields: dict[str, str] = draft["fields"]
    for form in context.values():
        if isinstance(form, BaseForm) and not form.is_bound and set(fields) <= set(form.fields):
            form.initial.update(fields)
            return True
    return False
