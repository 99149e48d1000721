"""When the widget offers a visitor the bot's contact form (human handoff), and what it says.

Three reasons, each switched on per bot: the bot could not answer (its fallback), the visitor asked
for a person in plain words, or the visitor has sent the bot's chosen number of messages.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from bots.handoff import handoff_form_data
from chat.models import Message, MessageRole


class Reason:
    FALLBACK = "fallback"
    REQUEST = "request"
    MESSAGES = "messages"


_PERSON = (
    r"(?:a\s+|an\s+|the\s+)?(?:real\s+|live\s+)?"
    r"(?:human(?:\s+being)?|person|agent|operator|representative|rep|someone|somebody|staff(?:\s+member)?"
    r"|member\s+of\s+(?:your\s+)?staff|people)"
)
_ASKS = (
    # "talk to a human", "speak with an agent", "chat with a real person", "connect me to someone"
    rf"\b(?:talk|speak|chat|connect(?:\s+me)?|transfer(?:\s+me)?|put\s+me\s+through)\s+(?:to|with)\s+{_PERSON}\b",
    # "I want a human", "can I get a real person", "I need an agent"
    rf"\b(?:want|need|get|have)\s+{_PERSON}\b",
    # "contact support", "reach customer service", "get in touch with your team"
    r"\b(?:contact|reach|call|email|e-mail|get\s+in\s+touch\s+with)\s+(?:the\s+|your\s+)?"
    r"(?:customer\s+)?(?:support|service|help\s*desk|team|sales|staff)\b",
    # "human please", "agent!", "live agent"
    r"^\s*(?:a\s+)?(?:real\s+|live\s+)?(?:human|agent|operator|person)\s*(?:please|pls|now)?\s*[.!?]*\s*$",
    r"\blive\s+(?:agent|chat|person|support)\b",
)
_ASK_PATTERNS = [re.compile(pattern, re.IGNORECASE) for pattern in _ASKS]
_NEGATED = re.compile(r"\b(?:don'?t|do\s+not|no\s+need\s+to|never)\s+(?:\w+\s+){0,2}(?:want|need|talk|speak)\b", re.I)


def asks_for_person(text: str) -> bool:
    """Whether a visitor's message plainly asks to reach a person (not a question about people)."""
    text = " ".join(text.split())
    if not text or len(text) > 300 or _NEGATED.search(text):
        return False
    return any(pattern.search(text) for pattern in _ASK_PATTERNS)


def handoff_offer(*, message_id: uuid.UUID, question: str) -> dict[str, Any] | None:
    """The `handoff` event to send after the answer `message_id`, or None when the form is not offered.

    Read afresh from the database: the owner may have changed the settings since the socket opened.
    """
    answer = Message.objects.select_related("conversation__bot").filter(id=message_id).first()
    if answer is None:
        return None
    conversation = answer.conversation
    bot = conversation.bot
    if not bot.handoff_enabled or not bot.is_active:
        return None
    reason = None
    if bot.handoff_on_request and asks_for_person(question):
        reason = Reason.REQUEST
    elif bot.handoff_on_fallback and answer.unanswered:
        reason = Reason.FALLBACK
    elif bot.handoff_after_messages:
        sent = Message.objects.filter(conversation=conversation, role=MessageRole.USER).count()
        if sent == bot.handoff_after_messages:
            reason = Reason.MESSAGES
    if reason is None:
        return None
    return {
        "type": "handoff",
        "reason": reason,
        "conversation_id": str(conversation.id),
        "form": handoff_form_data(bot),
    }
