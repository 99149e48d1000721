"""Dashboard pages of curated answers: a bot's answers (search, add, edit, delete) and the
questions it could not answer."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.models import Role
from accounts.tenancy import require_role
from bots.views import BOT_SECTIONS, BotMixin
from chat import selectors as chat_selectors
from chat.curated import selectors, services
from chat.curated.forms import AnswerSearchForm, CuratedAnswerForm
from chat.models import CuratedAnswer, Message
from chatsphere.dashboard import OrganizationMixin
from chatsphere.errors import NotFound

PAGE_SIZE = 50


class AnswerListView(BotMixin, TemplateView):
    template_name = "dashboard/bots/answers.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        search = AnswerSearchForm(self.request.GET)
        q = search.cleaned_data["q"] if search.is_valid() else ""
        entries = selectors.curated_answer_list(organization=self.actor.organization, bot=self.bot, search=q)
        page = Paginator(entries, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(search=search, q=q, page=page, **kwargs)


class UnansweredView(BotMixin, TemplateView):
    template_name = "dashboard/bots/unanswered.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rows = selectors.unanswered_questions(organization=self.actor.organization, bot=self.bot, limit=100)
        return super().get_context_data(rows=rows, **kwargs)


class _AnswerForm(FormView):
    """The add and edit forms; errors re-render the page with status 400."""

    template_name = "dashboard/bots/answer_form.html"
    form_class = CuratedAnswerForm
    actor: Any

    def form_invalid(self, form: CuratedAnswerForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def saved(self, entry: CuratedAnswer, verb: str) -> HttpResponse:
        messages.success(self.request, f"Answer {verb}: visitors asking “{entry.question}” now get it.")
        return redirect("dashboard:bot-answers", bot_id=entry.bot_id)


class AnswerCreateView(BotMixin, _AnswerForm):
    """Opened from the answers page, an unanswered question (`?question=`) or a bot answer in a
    conversation or the playground (`?source=<message id>`: its question, and its text as a start)."""

    def resolve_objects(self) -> None:
        super().resolve_objects()
        require_role(self.actor, Role.ADMIN, action="write answers")
        self.source: Message | None = None
        source_id = self.request.POST.get("source") or self.request.GET.get("source")
        if source_id:
            try:
                message_id = uuid.UUID(str(source_id))
            except ValueError as exc:
                raise NotFound("Message not found.") from exc
            self.source = chat_selectors.access_message_by_id(self.actor, message_id)
            if self.source.conversation.bot_id != self.bot.id:
                raise NotFound("Message not found.")

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"question": self.request.GET.get("question", "")[:500]}
        if self.source is not None:
            initial["source"] = self.source.id
            initial["question"] = initial["question"] or selectors.question_of_answer(message=self.source)[:500]
            # A fallback reply is no starting point; a wrong or partial answer is.
            if not self.source.unanswered and not self.source.error:
                initial["answer"] = self.source.content[:4000]
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(source=self.source, **kwargs)

    def form_valid(self, form: CuratedAnswerForm) -> HttpResponse:
        entry = services.curated_answer_create(
            actor=self.actor,
            bot=self.bot,
            question=form.cleaned_data["question"],
            answer=form.cleaned_data["answer"],
            source_message=self.source,
        )
        return self.saved(entry, "saved")


class _EntryMixin(OrganizationMixin):
    kwargs: dict[str, Any]

    def resolve_objects(self) -> None:
        self.entry: CuratedAnswer = selectors.access_curated_answer_by_id(self.actor, self.kwargs["curated_answer_id"])
        require_role(self.actor, Role.ADMIN, action="change answers")


class AnswerEditView(_EntryMixin, _AnswerForm):
    def get_initial(self) -> dict[str, Any]:
        return {"question": self.entry.question, "answer": self.entry.answer}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            entry=self.entry, bot=self.entry.bot, bot_sections=BOT_SECTIONS, source=None, **kwargs
        )

    def form_valid(self, form: CuratedAnswerForm) -> HttpResponse:
        entry = services.curated_answer_update(
            actor=self.actor,
            curated_answer=self.entry,
            question=form.cleaned_data["question"],
            answer=form.cleaned_data["answer"],
        )
        return self.saved(entry, "updated")


class AnswerDeleteView(_EntryMixin, View):
    def post(self, request: HttpRequest, curated_answer_id: uuid.UUID) -> HttpResponse:
        services.curated_answer_delete(actor=self.actor, curated_answer=self.entry)
        messages.success(request, f"The answer to “{self.entry.question}” was deleted.")
        return redirect("dashboard:bot-answers", bot_id=self.entry.bot_id)
