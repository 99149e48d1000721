"""Dashboard pages for a bot's website sources: add a site from the Knowledge page, follow its
crawl live, read its pages' status, change its schedule, crawl it again, delete it."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from bots.views import BOT_SECTIONS
from chatsphere.dashboard import OrganizationMixin
from documents import selectors, websites
from documents.forms import WebsiteForm, WebsiteSettingsForm
from documents.models import WebsiteSource
from documents.views import KNOWLEDGE_TAB, _KnowledgeWrite, website_progress


class WebsiteCreateView(_KnowledgeWrite):
    error_field = "start_url"

    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        form = self.submitted_form = WebsiteForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        website = websites.website_create(actor=self.actor, bot=self.bot, **form.cleaned_data)
        messages.success(request, f"{website.start_url} is being crawled; its pages appear below as they are found.")
        return redirect("dashboard:website-detail", website_id=website.id)

    def form_invalid(self, form: WebsiteForm) -> HttpResponse:
        return self.page(website_form=form)


class _WebsitePage(OrganizationMixin):
    kwargs: dict[str, Any]

    def resolve_objects(self) -> None:
        self.website: WebsiteSource = selectors.access_website_by_id(self.actor, self.kwargs["website_id"])


class WebsiteDetailView(_WebsitePage, TemplateView):
    """One website source: its crawl's progress, its pages with their status, and its actions."""

    template_name = "dashboard/bots/website.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        website = self.website
        return super().get_context_data(
            website=website,
            bot=website.bot,
            bot_sections=BOT_SECTIONS,
            current_tab=KNOWLEDGE_TAB,
            progress=website_progress(website),
            pages=selectors.website_pages(website=website),
            settings_form=kwargs.pop("settings_form", None)
            or WebsiteSettingsForm(
                initial={"schedule": website.schedule, "max_depth": website.max_depth, "max_pages": website.max_pages}
            ),
            **kwargs,
        )


class WebsiteProgressView(_WebsitePage, View):
    """The crawl's progress as JSON, for the page's script while it runs."""

    def get(self, request: HttpRequest, website_id: uuid.UUID) -> JsonResponse:
        return JsonResponse(website_progress(self.website))


class _WebsiteAction(_WebsitePage, View):
    def error_url(self) -> str:
        return reverse("dashboard:website-detail", kwargs={"website_id": self.website.id})


class WebsiteRecrawlView(_WebsiteAction):
    def post(self, request: HttpRequest, website_id: uuid.UUID) -> HttpResponse:
        websites.website_recrawl(actor=self.actor, website=self.website)
        messages.success(request, "The site is being crawled again: changed pages are ingested again.")
        return redirect(self.error_url())


class WebsiteSettingsView(_WebsiteAction):
    error_field = "schedule"

    def post(self, request: HttpRequest, website_id: uuid.UUID) -> HttpResponse:
        form = self.submitted_form = WebsiteSettingsForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        websites.website_update(actor=self.actor, website=self.website, **form.cleaned_data)
        messages.success(request, "Saved; the next crawl uses these settings.")
        return redirect(self.error_url())

    def form_invalid(self, form: WebsiteSettingsForm) -> HttpResponse:
        view = WebsiteDetailView(request=self.request, kwargs=self.kwargs)
        view.website, view.actor = self.website, self.actor
        return view.render_to_response(view.get_context_data(settings_form=form), status=400)


class WebsiteDeleteView(_WebsiteAction):
    def post(self, request: HttpRequest, website_id: uuid.UUID) -> HttpResponse:
        bot_id, address = self.website.bot_id, self.website.start_url
        count = websites.website_delete(actor=self.actor, website=self.website)
        messages.success(request, f"{address} and its {count} page{'s' if count != 1 else ''} were deleted.")
        return redirect("dashboard:bot-knowledge", bot_id=bot_id)
