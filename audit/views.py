"""The audit log page of the dashboard (owners): filter, page through, export as CSV."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.views import View
from django.views.generic import TemplateView

from audit import selectors
from audit.api import audit_csv_response
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from chatsphere.dashboard import OrganizationMixin

PAGE_SIZE = 50


class _AuditFilters(OrganizationMixin):
    def resolve_objects(self) -> None:
        # The whole page is the owners': anyone else gets the 403 page, not an empty log.
        selectors.require_audit_reader(self.actor)

    def filter_form(self) -> AuditFilterForm:
        actors = selectors.audit_actor_choices(actor=self.actor)
        return AuditFilterForm(self.request.GET or None, actors=actors)

    def filtered_entries(self, form: AuditFilterForm) -> QuerySet[AuditEntry]:
        values = form.cleaned_data if form.is_valid() else {}
        return selectors.audit_entry_list(
            actor=self.actor,
            action=values.get("action") or "",
            actor_user_id=uuid.UUID(values["actor"]) if values.get("actor") else None,
            since=values.get("since"),
            until=values.get("until"),
        )


class AuditLogView(_AuditFilters, TemplateView):
    template_name = "dashboard/audit_log.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        form = self.filter_form()
        page = Paginator(self.filtered_entries(form), PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filters=form, page=page, query=query.urlencode(), **kwargs)


class AuditLogExportView(_AuditFilters, View):
    def get(self, request: HttpRequest) -> StreamingHttpResponse:
        entries = self.filtered_entries(self.filter_form()).iterator(chunk_size=500)
        return audit_csv_response(entries, organization_slug=self.actor.organization.slug)
