"""The privacy page of the dashboard: the retention period, a visitor's export and deletion."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from chatsphere.dashboard import OrganizationMixin
from privacy import selectors, services
from privacy.forms import RetentionForm, VisitorForm


class PrivacyView(OrganizationMixin, TemplateView):
    template_name = "dashboard/privacy.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        policy = selectors.retention_policy_get(organization=self.actor.organization)
        kwargs.setdefault(
            "retention_form",
            RetentionForm(initial={"conversation_days": policy.conversation_days, "lead_days": policy.lead_days}),
        )
        # The conversation page links here with its visitor filled in.
        kwargs.setdefault("visitor_form", VisitorForm(initial={"visitor_id": self.request.GET.get("visitor_id", "")}))
        return super().get_context_data(policy=policy, **kwargs)


class _PrivacyForm(PrivacyView):
    """A form of the privacy page: errors are shown next to it, on the page."""

    http_method_names = ["post"]
    context_name = ""

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(**{self.context_name: form}), status=400)


class RetentionUpdateView(_PrivacyForm):
    context_name = "retention_form"

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.submitted_form = RetentionForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        policy = services.retention_update(
            actor=self.actor,
            conversation_days=form.cleaned_data["conversation_days"],
            lead_days=form.cleaned_data["lead_days"],
        )
        if policy.conversation_days:
            said = f"Conversations are now deleted {policy.conversation_days} days after their last message"
        else:
            said = "Conversations are now kept until you delete them"
        if policy.lead_days:
            said += f"; leads {policy.lead_days} days after they were sent."
        else:
            said += "; leads are kept until you delete them."
        messages.success(request, said)
        return redirect("dashboard:privacy")


class VisitorExportView(_PrivacyForm):
    context_name = "visitor_form"

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.submitted_form = VisitorForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        data = services.visitor_export(actor=self.actor, **form.lookup())
        response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="visitor-data.json"'
        return response


class VisitorDeleteView(_PrivacyForm):
    context_name = "visitor_form"

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.submitted_form = VisitorForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        counts = services.visitor_delete(actor=self.actor, **form.lookup())
        messages.success(
            request,
            f"Deleted {counts['conversations']} conversation{'s' if counts['conversations'] != 1 else ''}, "
            f"{counts['messages']} message{'s' if counts['messages'] != 1 else ''} "
            f"and {counts['leads']} lead{'s' if counts['leads'] != 1 else ''} "
            + ("of this visitor." if form.cleaned_data.get("visitor_id") else "found by this e-mail address."),
        )
        return redirect(reverse("dashboard:privacy"))
