"""Dashboard pages of leads (/app/leads/): every member reads them; admins and owners change their
status; the filtered list exports as CSV."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from bots.selectors import bot_list
from chatsphere.dashboard import OrganizationMixin
from chatsphere.streaming import streamed
from leads import selectors, services
from leads.export import export_csv
from leads.forms import LeadFilterForm, LeadStatusForm
from leads.models import Lead, LeadStatus

PAGE_SIZE = 50


class _LeadFilters(OrganizationMixin):
    request: HttpRequest

    def filter_form(self) -> LeadFilterForm:
        bots = list(bot_list(organization=self.actor.organization))
        return LeadFilterForm(self.request.GET or None, bots=bots)

    def list_query(self) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()


class LeadListView(_LeadFilters, TemplateView):
    template_name = "dashboard/leads/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filters = self.filter_form()
        leads = selectors.lead_list(organization=self.actor.organization, filters=filters.filters())
        page = Paginator(leads, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            filters=filters, page=page, query=self.list_query(), statuses=LeadStatus.choices, **kwargs
        )


class LeadExportView(_LeadFilters, View):
    def get(self, request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
        filters = self.filter_form()
        if filters.is_bound and not filters.is_valid():
            messages.error(request, "Correct the filters before exporting: the page says what is wrong.")
            return redirect(f"{reverse('dashboard:lead-list')}?{self.list_query()}")
        leads = selectors.lead_list(organization=self.actor.organization, filters=filters.filters())
        response = StreamingHttpResponse(streamed(request, export_csv(leads)), content_type="text/csv; charset=utf-8")
        name = f"leads-{self.actor.organization.slug}-{timezone.localdate().isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class LeadDetailView(OrganizationMixin, TemplateView):
    """One lead: what the visitor sent, where, its status and a link to the conversation."""

    template_name = "dashboard/leads/detail.html"
    kwargs: dict[str, Any]

    def resolve_objects(self) -> None:
        self.lead: Lead = selectors.access_lead_by_id(self.actor, self.kwargs["lead_id"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("status_form", LeadStatusForm(initial={"status": self.lead.status}))
        return super().get_context_data(lead=self.lead, **kwargs)


class LeadStatusView(LeadDetailView):
    """The status form of a lead's page (and the list's quick buttons)."""

    http_method_names = ["post"]

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(status_form=form), status=400)

    def post(self, request: HttpRequest, lead_id: uuid.UUID) -> HttpResponse:
        form = self.submitted_form = LeadStatusForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        lead = services.lead_status_update(actor=self.actor, lead_id=lead_id, status=form.cleaned_data["status"])
        messages.success(request, f"{lead.display_name} is now marked {lead.get_status_display().lower()}.")
        next_url = request.POST.get("next", "")
        if next_url.startswith("/app/leads/") and "//" not in next_url:
            return redirect(next_url)
        return redirect("dashboard:lead-detail", lead_id=lead.id)
