"""Dashboard pages of the chat app: the playground and the conversations of a bot."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from bots.views import BotMixin
from chat import analytics, export, onboarding, selectors
from chat.charts import Bar, bar_chart
from chat.forms import ConversationFilterForm
from chat.models import Conversation, MessageRole
from chat.templatetags.onboarding import DISMISSED_KEY
from chatsphere.dashboard import OrganizationMixin
from chatsphere.streaming import streamed

PAGE_SIZE = 50


class PlaygroundView(BotMixin, TemplateView):
    """Chat with the bot as a visitor would, with the retrieved passages shown for debugging."""

    template_name = "dashboard/bots/playground.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        has_knowledge = onboarding.bot_has_ready_documents(bot=self.bot)
        welcome, _ = onboarding.visitor_greeting(bot=self.bot, ready=has_knowledge)
        return super().get_context_data(welcome=welcome, has_knowledge=has_knowledge, **kwargs)


class OnboardingDismissView(OrganizationMixin, View):
    """Hide the first-bot checklist of the selected organization for this session."""

    def post(self, request: HttpRequest) -> HttpResponse:
        request.session[DISMISSED_KEY + str(self.actor.organization.id)] = True
        return redirect("dashboard:bot-list")


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class _ConversationFilters(BotMixin):
    """The Conversations page's filters, shared by the list and its exports."""

    request: HttpRequest

    def filtered(self) -> tuple[ConversationFilterForm, QuerySet[Conversation]]:
        filters = ConversationFilterForm(self.request.GET or None)
        values = filters.cleaned_data if filters.is_valid() else {}
        since, until = values.get("since"), values.get("until")
        conversations = selectors.conversation_search(
            organization=self.actor.organization,
            bot=self.bot,
            channel=values.get("channel") or "",
            since=_day_start(since) if since else None,
            until=_day_start(until) + timedelta(days=1) if until else None,
            unanswered=bool(values.get("unanswered")),
            feedback=values.get("feedback") or "",
            text=values.get("q") or "",
        )
        return filters, conversations

    def list_query(self) -> str:
        query = self.request.GET.copy()
        query.pop("page", None)
        return query.urlencode()


class ConversationListView(_ConversationFilters, TemplateView):
    template_name = "dashboard/bots/conversations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filters, conversations = self.filtered()
        page = Paginator(conversations, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(filters=filters, page=page, query=self.list_query(), **kwargs)


class ConversationExportView(_ConversationFilters, View):
    """The filtered conversations with their messages, as a CSV or JSON file, streamed."""

    CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

    def get(self, request: HttpRequest, bot_id: uuid.UUID, file_format: str) -> HttpResponseBase:
        if file_format not in self.CONTENT_TYPES:
            raise Http404("Exports are CSV or JSON.")
        filters, conversations = self.filtered()
        if filters.is_bound and not filters.is_valid():
            messages.error(request, "Correct the filters before exporting: the page says what is wrong.")
            url = reverse("dashboard:bot-conversations", kwargs={"bot_id": bot_id})
            return redirect(f"{url}?{self.list_query()}")
        if file_format == "csv":
            chunks = export.export_csv(conversations)
        else:
            applied = (
                {name: str(value) for name, value in filters.cleaned_data.items() if value} if filters.is_bound else {}
            )
            chunks = export.export_json(conversations, bot=self.bot, filters=applied)
        response = StreamingHttpResponse(streamed(request, chunks), content_type=self.CONTENT_TYPES[file_format])
        name = f"{slugify(self.bot.name) or 'bot'}-conversations-{timezone.localdate().isoformat()}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


class ConversationDetailView(OrganizationMixin, TemplateView):
    """The transcript of one conversation of the selected organization (another one's is 404)."""

    template_name = "dashboard/bots/conversation.html"
    kwargs: dict[str, Any]

    def resolve_objects(self) -> None:
        self.conversation: Conversation = selectors.access_conversation_by_id(
            self.actor, self.kwargs["conversation_id"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from bots.views import BOT_SECTIONS

        # Not `messages`: the base template shows the messages framework's notices under that name.
        transcript = list(selectors.conversation_messages(conversation=self.conversation))
        return super().get_context_data(
            conversation=self.conversation,
            bot=self.conversation.bot,
            bot_sections=BOT_SECTIONS,
            transcript=transcript,
            answer_role=MessageRole.ASSISTANT,
            **kwargs,
        )


class AnalyticsView(BotMixin, TemplateView):
    template_name = "dashboard/bots/analytics.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        try:
            days = int(self.request.GET.get("days", 30))
        except ValueError:
            days = 30
        days = days if days in analytics.PERIODS else 30
        figures = analytics.bot_analytics(organization=self.actor.organization, bot=self.bot, days=days)
        label = "%-d %b"
        return super().get_context_data(
            days=days,
            periods=analytics.PERIODS,
            figures=figures,
            questions_chart=bar_chart(
                [Bar(day.day.strftime(label), day.questions) for day in figures.days],
                title=f"Questions per day over the last {days} days",
            ),
            conversations_chart=bar_chart(
                [Bar(day.day.strftime(label), day.conversations) for day in figures.days],
                title=f"Conversations per day over the last {days} days",
                tone="ok",
            ),
            **kwargs,
        )
