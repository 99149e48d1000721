"""Data for the browser tests, written and read in a subprocess against the database the test
server (daphne) uses — never through the test process's own (pytest-django) database.

    python -m tests.browser.seed '{"action": "bot", ...}'

prints one JSON object. `python -m tests.browser.seed --serve` answers one such request per line
of standard input, so the browser tests pay Django's start-up once, not once per request.
Ingestion runs eagerly here (the caller leaves REDIS_URL unset for this process), so a document
is searchable when the command returns.
"""

from __future__ import annotations

import json
import sys
import traceback
import uuid
from typing import Any


def _setup() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsphere.settings")
    django.setup()


def create_bot(
    *,
    allowed_origins: list[str],
    documents: list[dict[str, str]] | None = None,
    suggested_questions: list[str] | None = None,
    welcome_message: str | None = None,
    widget_title: str = "Acme help",
    primary_color: str = "#2563EB",
    position: str = "right",
    theme: str = "auto",
    is_active: bool = True,
    source_previews: bool = True,
    identity_secret: bool = False,
) -> dict[str, Any]:
    from django.utils import timezone

    from accounts.models import Membership, Organization, Role, User
    from accounts.tenancy import Actor
    from bots.services import bot_create, bot_rotate_identity_secret
    from documents.models import Document, DocumentSource
    from documents.services import document_create_from_text

    suffix = uuid.uuid4().hex[:10]
    organization = Organization.objects.create(name=f"Browser {suffix}", slug=f"browser-{suffix}")
    user = User.objects.create_user(
        email=f"owner-{suffix}@example.com", password=uuid.uuid4().hex, email_verified_at=timezone.now()
    )
    Membership.objects.create(organization=organization, user=user, role=Role.OWNER)
    actor = Actor(organization=organization, role=Role.OWNER, user=user)
    fields: dict[str, Any] = {
        "name": f"Bot {suffix}",
        "allowed_origins": allowed_origins,
        "widget_title": widget_title,
        "primary_color": primary_color,
        "position": position,
        "theme": theme,
        "suggested_questions": suggested_questions or [],
        "is_active": is_active,
        "source_previews": source_previews,
    }
    if welcome_message is not None:
        fields["welcome_message"] = welcome_message
    bot = bot_create(actor=actor, **fields)
    ids = []
    for document in documents or []:
        created = document_create_from_text(actor=actor, bot=bot, title=document["title"], text=document["text"])
        if document.get("url"):
            # A web page as its text was read from it (the browser tests have no internet to fetch from).
            Document.objects.filter(id=created.id).update(source=DocumentSource.URL, url=document["url"])
        ids.append(str(created.id))
    statuses = {str(d.id): d.status for d in Document.objects.filter(id__in=ids)}
    made = {"public_key": bot.public_key, "bot_id": str(bot.id), "documents": statuses}
    if identity_secret:
        made["identity_secret"] = bot_rotate_identity_secret(actor=actor, bot=bot)[1]
    return made


def conversations(*, public_key: str) -> dict[str, Any]:
    from chat.models import Conversation

    rows = Conversation.objects.filter(bot__public_key=public_key).prefetch_related("messages")
    return {
        "conversations": [
            {
                "id": str(conversation.id),
                "channel": conversation.channel,
                "origin_page": conversation.origin_page,
                "verified_user_id": conversation.verified_user_id,
                "verified_email": conversation.verified_email,
                "verified_name": conversation.verified_name,
                "messages": [
                    {"id": str(m.id), "role": m.role, "content": m.content, "feedback": m.feedback}
                    for m in conversation.messages.all()
                ],
            }
            for conversation in rows
        ]
    }


ACTIONS = {"bot": create_bot, "conversations": conversations}


def run(request: dict[str, Any]) -> dict[str, Any]:
    return ACTIONS[request.pop("action")](**request)


def serve() -> None:
    """One request per line of standard input; one `SEED-RESULT` or `SEED-ERROR` line each."""
    from django.db import close_old_connections

    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = "SEED-RESULT " + json.dumps(run(json.loads(line)))
        except Exception:  # noqa: BLE001 - reported to the test, which fails with it
            reply = "SEED-ERROR " + json.dumps(traceback.format_exc())
        finally:
            close_old_connections()
        print(reply, flush=True)  # noqa: T201


def main(argv: list[str]) -> None:
    _setup()
    if argv[1] == "--serve":
        serve()
        return
    print("SEED-RESULT " + json.dumps(run(json.loads(argv[1]))))  # noqa: T201


if __name__ == "__main__":
    main(sys.argv)
