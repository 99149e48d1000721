"""Dashboard pages for a bot's knowledge: the document table (live), uploads, text, web pages."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Role
from bots.views import BOT_SECTIONS, BotMixin
from chatsphere.dashboard import OrganizationMixin
from chatsphere.errors import ApplicationError, NotFound, PermissionDenied, ServiceUnavailable
from documents import file_store, selectors, services
from documents.forms import BulkActionForm, DocumentFilterForm, TextForm, UploadForm, UrlForm, WebsiteForm
from documents.models import Document, DocumentStatus, WebsiteSource, WebsiteStatus
from documents.quotas import quota_lines

PAGE_SIZE = 50
#: The bot's tab that pages about its documents belong to.
KNOWLEDGE_TAB = "dashboard:bot-knowledge"

_STATUS_WORDS: dict[str, str] = {
    DocumentStatus.READY: "ready",
    DocumentStatus.PENDING: "being processed",
    DocumentStatus.PROCESSING: "being processed",
    DocumentStatus.FAILED: "failed",
}


def added_message(documents: list[Document]) -> str:
    """What was added, by each document's status now: on the embedded default a small file may
    already be ready when the page answers, and it must not be called "being processed"."""
    for document in documents:
        document.refresh_from_db(fields=["status"])
    if len(documents) == 1:
        return f"“{documents[0].title}” added; it is {_STATUS_WORDS[documents[0].status]}."
    counts: dict[str, int] = {}
    for document in documents:
        word = _STATUS_WORDS[document.status]
        counts[word] = counts.get(word, 0) + 1
    parts = ", ".join(f"{number} {word}" for word, number in counts.items())
    return f"{len(documents)} files added: {parts}."


def wants_json(request: HttpRequest) -> bool:
    """The page's script sends the upload itself (to show its progress) and asks for JSON."""
    return "application/json" in request.headers.get("Accept", "")


def list_query(params: QueryDict, *, keep_page: bool = False) -> QueryDict:
    """The list's search, filters and order from `params` (and its page, if asked), to put in
    links and to come back to after an action."""
    names = ("q", "status", "source", "order", "page") if keep_page else ("q", "status", "source", "order")
    query = QueryDict(mutable=True)
    for name in names:
        if value := params.get(name, "").strip():
            query[name] = value[:200]
    return query


def website_progress(website: WebsiteSource) -> dict[str, Any]:
    """What the pages show of a website's crawl and of its pages' ingestion after it, and what
    their script refreshes (`running` while either goes on)."""
    crawling = website.status in (WebsiteStatus.QUEUED, WebsiteStatus.CRAWLING)
    # Counts annotated by selectors.website_list / access_website_by_id.
    found, checked = website.pages_found, website.pages_checked  # type: ignore[attr-defined]
    ingested, ingesting = website.pages_ingested, website.pages_ingesting  # type: ignore[attr-defined]
    if crawling:
        summary = f"{checked} of {found} pages checked" if found else "Starting…"
    else:
        summary = f"{ingested} of {found} pages in the bot"
        if ingesting:
            summary += f" · {ingesting} being processed"
    return {
        "status": website.status,
        "status_label": website.get_status_display(),
        "running": crawling or bool(ingesting),
        "found": found,
        "done": checked if crawling else found - ingesting,
        "summary": summary,
        "failed": website.pages_failed,  # type: ignore[attr-defined]
        "skipped": website.pages_skipped,  # type: ignore[attr-defined]
        "error": website.error,
    }


class KnowledgeView(BotMixin, TemplateView):
    template_name = "dashboard/bots/knowledge.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organization = self.actor.organization
        counts = selectors.document_group_counts(organization=organization, bot=self.bot, standalone=True)
        filters = DocumentFilterForm(self.request.GET, counts=counts)
        values = filters.values()
        documents = selectors.document_search(
            organization=organization,
            bot=self.bot,
            query=values.get("q", ""),
            status=values.get("status", ""),
            source=values.get("source", ""),
            order=values.get("order", ""),
            standalone=True,
        )
        page = Paginator(documents, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = list_query(self.request.GET)
        return super().get_context_data(
            page=page,
            filters=filters,
            filtered=any(values.get(name) for name in ("q", "status", "source")),
            query=query.urlencode(),
            page_query=list_query(self.request.GET, keep_page=True).urlencode(),
            total=sum(counts.values()),
            upload_form=kwargs.pop("upload_form", None) or UploadForm(),
            text_form=kwargs.pop("text_form", None) or TextForm(),
            url_form=kwargs.pop("url_form", None) or UrlForm(),
            website_form=kwargs.pop("website_form", None) or WebsiteForm(),
            websites=[
                (website, website_progress(website))
                for website in selectors.website_list(organization=organization, bot=self.bot)
            ],
            quotas=quota_lines(organization_id=organization.id, bot_id=self.bot.id),
            max_upload_mb=settings.CHATSPHERE_MAX_UPLOAD_MB,
            max_upload_bytes=settings.CHATSPHERE_MAX_UPLOAD_MB * 1024 * 1024,
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
            if wants_json(request):
                return JsonResponse({"errors": [str(error) for error in form.errors["files"]]}, status=400)
            return self.page(upload_form=form)
        added: list[Document] = []
        refused: list[str] = []
        unavailable: ServiceUnavailable | None = None
        for uploaded in form.cleaned_data["files"]:
            try:
                added.append(services.document_create_from_file(actor=self.actor, bot=self.bot, uploaded_file=uploaded))
            except ApplicationError as exc:
                refused.append(f"{uploaded.name}: {exc.message}")
                if isinstance(exc, ServiceUnavailable):
                    unavailable = exc
        if not added:
            # Nothing was added because the storage is down: worth sending again shortly (503).
            status = unavailable.status if unavailable is not None else 400
            if wants_json(request):
                response: HttpResponse = JsonResponse({"errors": refused}, status=status)
            else:
                for message in refused:
                    messages.error(request, message)
                form.add_error("files", "No file was added; see the messages above.")
                response = self.page(status=status, upload_form=form)
            if unavailable is not None:
                response["Retry-After"] = str(unavailable.retry_after)
            return response
        messages.success(request, added_message(added))
        for message in refused:
            messages.error(request, message)
        if wants_json(request):
            # The page goes there itself, and shows the messages stored above.
            return JsonResponse({"location": reverse("dashboard:bot-knowledge", kwargs={"bot_id": self.bot.id})})
        return self.done()


class TextView(_KnowledgeWrite):
    error_field = "text"

    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        form = self.submitted_form = TextForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        document = services.document_create_from_text(
            actor=self.actor, bot=self.bot, title=form.cleaned_data["title"], text=form.cleaned_data["text"]
        )
        messages.success(request, added_message([document]))
        return self.done()

    def form_invalid(self, form: TextForm) -> HttpResponse:
        return self.page(text_form=form)


class UrlView(_KnowledgeWrite):
    error_field = "url"

    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        form = self.submitted_form = UrlForm(request.POST)
        if not form.is_valid():
            return self.form_invalid(form)
        document = services.document_create_from_url(
            actor=self.actor, bot=self.bot, url=form.cleaned_data["url"], title=form.cleaned_data["title"]
        )
        messages.success(request, added_message([document]))
        return self.done()

    def form_invalid(self, form: UrlForm) -> HttpResponse:
        return self.page(url_form=form)


def bulk_message(action: str, outcome: services.BulkOutcome) -> str:
    """What a bulk action did, in a sentence or three."""
    done = len(outcome.done)
    verb = "deleted" if action == "delete" else "queued to be processed again"
    if done == 0:
        text = f"No document was {verb}."
    elif done == 1:
        text = f"“{outcome.done[0]}” was {verb}."
    else:
        text = f"{done} documents were {verb}."
    if outcome.skipped:
        text += " Left as they were: " + "; ".join(f"“{title}” ({why})" for title, why in outcome.skipped) + "."
    if outcome.missing:
        text += f" {outcome.missing} no longer existed."
    return text


class KnowledgeBulkView(_KnowledgeWrite):
    """Delete or re-ingest the rows selected on the Knowledge page: a confirmation page lists
    them first; the confirmed form acts and goes back to the list as it was."""

    def error_url(self) -> str:
        """The list as it was: its search, filters, order and page."""
        params = list_query(QueryDict(self.request.POST.get("query", "")), keep_page=True).urlencode()
        url = reverse("dashboard:bot-knowledge", kwargs={"bot_id": self.bot.id})
        return f"{url}?{params}" if params else url

    def back(self, query: str) -> HttpResponse:
        return redirect(self.error_url())

    def post(self, request: HttpRequest, bot_id: uuid.UUID) -> HttpResponse:
        form = BulkActionForm(request.POST)
        query = request.POST.get("query", "")
        if not form.is_valid():
            messages.error(request, "Select at least one document, then choose what to do with them.")
            return self.back(query)
        action, ids = form.cleaned_data["action"], form.cleaned_data["documents"]
        if not form.cleaned_data["confirmed"]:
            documents = list(selectors.documents_by_ids(organization=self.actor.organization, bot=self.bot, ids=ids))
            if not documents:
                messages.error(request, "The selected documents no longer exist.")
                return self.back(query)
            context = {
                "bot": self.bot,
                "bot_sections": BOT_SECTIONS,
                "current_tab": KNOWLEDGE_TAB,
                "action": action,
                "documents": documents,
                "query": query,
            }
            return render(request, "dashboard/bots/knowledge_bulk_confirm.html", context)
        act = services.document_bulk_delete if action == "delete" else services.document_bulk_reingest
        outcome = act(actor=self.actor, bot=self.bot, document_ids=ids)
        (messages.success if outcome.done else messages.error)(request, bulk_message(action, outcome))
        return self.back(query)


class DocumentDetailView(OrganizationMixin, TemplateView):
    """One document of the selected organization: where it came from, how its ingestion went,
    and its first passages (another organization's is 404)."""

    template_name = "dashboard/bots/document.html"
    kwargs: dict[str, Any]
    PREVIEW_PASSAGES = 5

    PASSAGES_PER_PAGE = 20
    RUNS_SHOWN = 20

    def resolve_objects(self) -> None:
        self.document: Document = selectors.access_document_by_id(self.actor, self.kwargs["document_id"])

    def link(self, anchor: str, **changes: int | str | None) -> str:
        """This page with some of its parameters changed (the others kept), at `anchor`."""
        query = QueryDict(mutable=True)
        for name in DOCUMENT_PAGE_PARAMS:
            if value := self.request.GET.get(name, "").strip()[:200]:
                query[name] = value
        query.pop("page", None)  # a jump is done once: the part it found is in the link
        for name, change in changes.items():
            if change is None or change == "":
                query.pop(name, None)
            else:
                query[name] = str(change)
        return f"?{query.urlencode()}#{anchor}" if query else f"?#{anchor}"

    def text_context(self) -> dict[str, Any]:
        parts = selectors.document_text_parts(document=self.document)
        number: int | str | None = self.request.GET.get("part")
        jump_error = ""
        if asked := self.request.GET.get("page", "").strip():
            found = None
            if asked.isdigit() and len(asked) < 10:
                found = selectors.document_text_part_number(document=self.document, page=int(asked))
            if found is None:
                pages = self.document.page_count
                jump_error = f"There is no page “{asked[:20]}”" + (
                    f": this document has pages 1 to {pages}." if pages else "."
                )
            number = found or number
        text_page = Paginator(parts, 1).get_page(number)
        part = text_page.object_list[0] if text_page.object_list else None
        return {
            "text_page": text_page,
            "text_part": part,
            "text_jump_error": jump_error,
            "text_previous": self.link("text", part=text_page.number - 1) if text_page.has_previous() else "",
            "text_next": self.link("text", part=text_page.number + 1) if text_page.has_next() else "",
        }

    def passages_context(self) -> dict[str, Any]:
        query = self.request.GET.get("q", "").strip()[:200]
        passages = selectors.document_passages(document=self.document, query=query)
        page = Paginator(passages, self.PASSAGES_PER_PAGE).get_page(self.request.GET.get("passages"))
        return {
            "passages_page": page,
            "passages_query": query,
            "passages_previous": self.link("passages", passages=page.number - 1) if page.has_previous() else "",
            "passages_next": self.link("passages", passages=page.number + 1) if page.has_next() else "",
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            document=self.document,
            bot=self.document.bot,
            bot_sections=BOT_SECTIONS,
            current_tab=KNOWLEDGE_TAB,
            runs=list(selectors.document_runs(document=self.document)[: self.RUNS_SHOWN]),
            part=self.request.GET.get("part", ""),
            **self.text_context(),
            **self.passages_context(),
            **kwargs,
        )


#: The document page's own parameters: the text part, a page to jump to, the passages' search and page.
DOCUMENT_PAGE_PARAMS = ("part", "page", "q", "passages")


class DocumentDownloadView(OrganizationMixin, View):
    """The original file of a document of the selected organization, to every member of it
    (another organization's is 404). Always a download, never shown inline: the file is
    untrusted and must not run as a page of this site."""

    kwargs: dict[str, Any]

    def resolve_objects(self) -> None:
        self.document: Document = selectors.access_document_by_id(self.actor, self.kwargs["document_id"])
        if not self.document.file:
            raise NotFound("This document has no stored file.")

    def get(self, request: HttpRequest, document_id: uuid.UUID) -> FileResponse:
        handle = file_store.open_for_download(self.document)
        filename = PurePath(self.document.file.name or "document").name
        return FileResponse(handle, as_attachment=True, filename=filename, content_type="application/octet-stream")


class _DocumentAction(OrganizationMixin, View):
    """POST on one document of the selected organization (another organization's is 404)."""

    kwargs: dict[str, Any]

    def resolve_objects(self) -> None:
        self.document: Document = selectors.access_document_by_id(self.actor, self.kwargs["document_id"])

    def back(self) -> HttpResponse:
        return redirect(self.error_url())

    def error_url(self) -> str:
        # From a document's own page, back to it (unless it was just deleted).
        if self.request.POST.get("next") == "document" and Document.objects.filter(pk=self.document.pk).exists():
            return reverse("dashboard:document-detail", kwargs={"document_id": self.document.pk})
        return reverse("dashboard:bot-knowledge", kwargs={"bot_id": self.document.bot_id})


class DocumentDeleteView(_DocumentAction):
    def post(self, request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
        title = self.document.title
        services.document_delete(actor=self.actor, document=self.document)
        messages.success(request, f"“{title}” was deleted; the bot no longer uses it.")
        return self.back()


class DocumentReingestView(_DocumentAction):
    def post(self, request: HttpRequest, document_id: uuid.UUID) -> HttpResponse:
        services.document_reingest(actor=self.actor, document=self.document)
        messages.success(request, f"“{self.document.title}” will be processed again.")
        return self.back()
