"""The dashboard's home page: every bot of the organization with its document and conversation
counts. It sits above the apps because it shows what several of them own; each count comes from
the app that owns the rows."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from bots.selectors import bot_list
from bots.views import BOT_SECTIONS
from chat.selectors import conversation_counts
from chatsphere.dashboard import OrganizationMixin
from documents.selectors import document_counts


class BotListView(OrganizationMixin, TemplateView):
    template_name = "dashboard/bots/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        organization = self.actor.organization
        documents, conversations = (
            document_counts(organization=organization),
            conversation_counts(organization=organization),
        )
        bots = list(bot_list(organization=organization))
        for bot in bots:
            bot.document_count = documents.get(bot.id, 0)  # type: ignore[attr-defined]  # for the template only
            bot.conversation_count = conversations.get(bot.id, 0)  # type: ignore[attr-defined]  # for the template only
        return super().get_context_data(bots=bots, bot_sections=BOT_SECTIONS, **kwargs)
