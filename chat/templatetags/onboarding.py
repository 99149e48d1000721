"""Template tags of the guidance shown to new owners: the checklist, the no-knowledge and engine notices."""

from __future__ import annotations

from typing import Any

from django import template

from chat import onboarding
from chatsphere.ai.providers import llm_kind

register = template.Library()

#: Session key prefix of a hidden checklist, per organization.
DISMISSED_KEY = "onboarding_dismissed:"


@register.inclusion_tag("dashboard/_checklist.html", takes_context=True)
def onboarding_checklist(context: Any) -> dict[str, Any]:
    actor = context.get("actor")
    request = context["request"]
    if actor is None or request.session.get(DISMISSED_KEY + str(actor.organization.id)):
        return {"progress": None}
    progress = onboarding.onboarding_progress(organization=actor.organization)
    return {"progress": None if progress.complete else progress, "csrf_token": context.get("csrf_token")}


@register.simple_tag(takes_context=True)
def ready_bot_ids(context: Any) -> set[Any]:
    return onboarding.ready_bot_ids(organization=context["actor"].organization)


@register.simple_tag
def bot_has_ready_documents(bot: Any) -> bool:
    return onboarding.bot_has_ready_documents(bot=bot)


@register.simple_tag
def answer_engine_offline() -> bool:
    return llm_kind() == "offline"
