"""Events an organization can subscribe to, and how the services that make a change announce it.

A service calls `emit_on_commit` in its transaction; once the transaction commits (never if it
rolls back) every registered listener hears of the event. The webhooks app listens (registered
when it starts), so the apps that make changes (`documents`, `chat`) never import it: they sit in
lower layers. The event's data is built only when a listener wants it, so an organization without
subscribers pays one query, not the payload's.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any, Protocol

from django.db import models, transaction

logger = logging.getLogger(__name__)


class EventType(models.TextChoices):
    CONVERSATION_FINISHED = "conversation.finished", "A conversation went quiet"
    MESSAGE_UNANSWERED = "message.unanswered", "The bot could not answer a question"
    DOCUMENT_READY = "document.ready", "A document is ready to answer from"
    DOCUMENT_FAILED = "document.failed", "A document could not be processed"
    FEEDBACK_CREATED = "feedback.created", "Someone rated an answer"
    LEAD_CREATED = "lead.created", "A visitor left their contact details"


#: Builds the event's `data` object (JSON-serializable) when a listener needs it.
DataBuilder = Callable[[], dict[str, Any]]


class Listener(Protocol):
    def __call__(
        self, *, event_id: uuid.UUID, organization_id: uuid.UUID, event_type: EventType, build_data: DataBuilder
    ) -> object: ...


_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Register a listener (once: a second registration of the same function is ignored)."""
    if listener not in _listeners:
        _listeners.append(listener)


def emit_on_commit(*, organization_id: uuid.UUID, event_type: EventType, build_data: DataBuilder) -> None:
    """Tell the listeners after the current transaction commits. A failing listener is logged and
    never undoes or breaks the change that caused the event."""
    event_id = uuid.uuid4()

    def notify() -> None:
        for listener in list(_listeners):
            try:
                listener(
                    event_id=event_id, organization_id=organization_id, event_type=event_type, build_data=build_data
                )
            except Exception:
                logger.exception("a listener of %s failed for organization %s", event_type.value, organization_id)

    transaction.on_commit(notify)
