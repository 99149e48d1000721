"""Dashboard pages for a bot's knowledge: the document table (live), uploads, text, web pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Role
from bots.views import BotMixin
from chatsphere.dashboard import OrganizationMixin
from chatsphere.errors import ApplicationError, PermissionDenied
from documents import selectors, services
from documents.forms import StatusFilterForm, TextForm, UploadForm, UrlForm
from documents.models import Document

PAGE_SIZE = 50


class KnowledgeView(BotMixin, TemplateView):
    template_name = "dashboard/bots/knowledge.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organization = self.actor.organization
        status_filter = StatusFilterForm(self.request.GET)
        status = status_filter.cleaned_data["status"] if status_filter.is_valid() else ""
        documents = selectors.document_list(organization=organization, bot=self.bot, status=status or None)
        page = Paginator(documents, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(
            page=page,
            status_filter=status_filter,
            status=status,
            counts=selectors.document_status_counts(organization=organization, bot=self.bot),
            upload_form=kwargs.pop("upload_form", None) or UploadForm(),
            text_form=kwargs.pop("text_form", None) or TextForm(),
            url_form=kwargs.pop("url_form", None) or UrlForm(),
            **kwargs,
        )


class _KnowledgeWrite(BotMixin, View):
    """A form of the Knowledge page; errors re-render the page with the form's messages."""

    def resolve_objects(self) -> None:
        super().resolve_objects()
        if not self.actor.has_role(Role.ADMIN):
            raise PermissionDenied("Only admins and owners can change a bot's knowledge.")

    def page(self, status: int = 400, **forms: Any) -> HttpResponse:
        view = KnowledgeView(request=self.request, kwargs=self.kwargs)
        view._bot = self.bot
        return view.render_to_response(view.get_context_data(**forms), status=status)

    def done(self) -> HttpResponse:
        return redirect("dashboard:bot-knowledge", bot_id=self.bot.id)


class UploadView(_KnowledgeWrite):
    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(upload_form=form)
        added, refused = 0, []
        for uploaded in form.cleaned_data["files"]:
            try:
                services.document_create_from_file(actor=self.actor, bot=self.bot, uploaded_file=uploaded)
                added += 1
            except ApplicationError as exc:
                refused.append(f"{uploaded.name}: {exc.message}")
        if added:
            messages.success(request, f"{added} file(s) added; they are being processed.")
        for message in refused:
            messages.error(request, message)
        if refused and not added:
            form.add_error("files", "No file was added; see the messages above.")
            return self.page(upload_form=form)
        return self.done()


class TextView(_KnowledgeWrite):
    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        form = TextForm(request.POST)
        if form.is_valid():
            try:
                document = services.document_create_from_text(
                    actor=self.actor, bot=self.bot, title=form.cleaned_data["title"], text=form.cleaned_data["text"]
                )
            except ApplicationError as exc:
                form.add_error("text", exc.message)
            else:
                messages.success(request, f"“{document.title}” added; it is being processed.")
                return self.done()
        return self.page(text_form=form)


class UrlView(_KnowledgeWrite):
    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        form = UrlForm(request.POST)
        if form.is_valid():
            try:
                services.document_create_from_url(
                    actor=self.actor, bot=self.bot, url=form.cleaned_data["url"], title=form.cleaned_data["title"]
                )
            except ApplicationError as exc:
                form.add_error("url", exc.message)
            else:
                messages.success(request, "The page will be fetched and added.")
                return self.done()
        return self.page(url_form=form)


class _DocumentAction(OrganizationMixin, View):
    """POST on one document of the selected organization (another organization's is 404)."""

    kwargs: dict[str, Any]

    def resolve_objects(self) -> None:
        self.document: Document = selectors.document_get(
            organization=self.actor.organization, document_id=self.kwargs["document_id"]
        )

    def back(self) -> HttpResponse:
        return redirect("dashboard:bot-knowledge", bot_id=self.document.bot_id)


class DocumentDeleteView(_DocumentAction):
    def post(self, request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
        title = self.document.title
        services.document_delete(actor=self.actor, document=self.document)
        messages.success(request, f"“{title}” was deleted; the bot no longer uses it.")
        return self.back()


class DocumentReingestView(_DocumentAction):
    def post(self, request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
        try:
            services.document_reingest(actor=self.actor, document=self.document)
        except PermissionDenied:
            raise
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"“{self.document.title}” will be processed again.")
        return self.back()
