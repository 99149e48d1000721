"""Dashboard pages of the chat app: the playground and the conversations of a bot."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.utils import timezone
from django.views.generic import TemplateView

from bots.views import BotMixin
from chat import analytics, selectors
from chat.charts import Bar, bar_chart
from chat.forms import ConversationFilterForm
from chat.models import Conversation, MessageRole
from chatsphere.dashboard import OrganizationMixin

PAGE_SIZE = 50


class PlaygroundView(BotMixin, TemplateView):
    """Chat with the bot as a visitor would, with the retrieved passages shown for debugging."""

    template_name = "dashboard/bots/playground.html"


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class ConversationListView(BotMixin, TemplateView):
    template_name = "dashboard/bots/conversations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
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
        )
        page = Paginator(conversations, PAGE_SIZE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filters=filters, page=page, query=query.urlencode(), **kwargs)


class ConversationDetailView(OrganizationMixin, TemplateView):
    """The transcript of one conversation of the selected organization (another one's is 404)."""

    template_name = "dashboard/bots/conversation.html"
    kwargs: dict[str, Any]

    def resolve_objects(self) -> None:
        self.conversation: Conversation = selectors.conversation_get(
            organization=self.actor.organization, conversation_id=self.kwargs["conversation_id"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from bots.views import BOT_SECTIONS

        messages = list(selectors.conversation_messages(conversation=self.conversation))
        return super().get_context_data(
            conversation=self.conversation,
            bot=self.conversation.bot,
            bot_sections=BOT_SECTIONS,
            messages=messages,
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
                color="#15803d",
            ),
            **kwargs,
        )
