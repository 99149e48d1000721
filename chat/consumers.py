"""Chat sockets: the widget (anonymous visitors) and the dashboard playground (members).

Protocol (docs/chat.md): after the handshake the server sends `{"type": "session", …}`;
the client sends `{"type": "message", "text", "conversation_id"?}` and receives the events of
`chat.rag`. Bad frames get an `error` event and the socket stays open. One answer at a time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from contextlib import suppress
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from accounts.models import Membership
from bots.models import Bot
from bots.selectors import bot_get_by_public_key
from chat import rag, selectors, services
from chat.groups import bot_group
from chat.models import Channel
from chat.origins import header, origin_allowed, request_origin, widget_origin_allowed
from chat.participants import Participant
from chat.ratelimit import API, IP, VISITOR, client_ip, rate_limit_hit
from chat.visitors import visitor_token_issue, visitor_token_read, visitor_token_sign
from chatsphere.errors import ApplicationError

logger = logging.getLogger(__name__)

#: Close code sent when the bot stops being available to an open socket.
CLOSE_BOT_UNAVAILABLE = 4404


class ChatConsumer(AsyncWebsocketConsumer):
    channel_kind: Channel
    bot: Bot
    participant: Participant
    public_key: str | None = None

    # --- lifecycle -------------------------------------------------------------------------

    async def connect(self) -> None:
        self.answering: asyncio.Task[None] | None = None
        self.group: str | None = None
        try:
            admitted = await self.admit()
        except Exception:
            logger.exception("chat socket admission failed")
            admitted = False
        if not admitted:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.group = bot_group(self.bot.organization_id, self.bot.id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_event(self.session_event())

    async def disconnect(self, code: int) -> None:
        if self.answering is not None and not self.answering.done():
            self.answering.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self.answering
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    # --- to implement ----------------------------------------------------------------------

    async def admit(self) -> bool:
        """Check the handshake; set `bot` and `participant`."""
        raise NotImplementedError

    def rate_limits(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def session_event(self) -> dict[str, Any]:
        return {"type": "session", "max_message_chars": settings.CHATSPHERE_CHAT_MAX_MESSAGE_CHARS}

    # --- frames ----------------------------------------------------------------------------

    async def send_event(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(event, ensure_ascii=False))

    async def send_error(self, code: str, message: str, **extra: Any) -> None:
        await self.send_event(rag.error_event(code, message, **extra))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self.send_error("invalid_frame", "Send JSON text frames, not binary ones.")
            return
        # Far longer than any valid message: refuse before parsing it.
        if len(text_data) > settings.CHATSPHERE_CHAT_MAX_MESSAGE_CHARS * 6 + 1000:
            await self.send_error("message_too_long", self._too_long_message())
            return
        try:
            data = json.loads(text_data)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            await self.send_error(
                "invalid_json", 'Each frame must be a JSON object like {"type": "message", "text": "Hi"}.'
            )
            return
        handlers = {
            "message": self.on_message,
            "feedback": self.on_feedback,
            "history": self.on_history,
            "ping": self.on_ping,
        }
        kind = data.get("type")
        # A type that is not a string (a list, an object) is unknown too, not a crash.
        handler = handlers.get(kind) if isinstance(kind, str) else None
        if handler is None:
            known = ", ".join(sorted(handlers))
            await self.send_error("unknown_type", f"Unknown message type; use one of: {known}.")
            return
        await handler(data)

    @staticmethod
    def _too_long_message() -> str:
        return f"Messages can be at most {settings.CHATSPHERE_CHAT_MAX_MESSAGE_CHARS} characters long."

    async def on_ping(self, data: dict[str, Any]) -> None:
        await self.send_event({"type": "pong"})

    async def on_message(self, data: dict[str, Any]) -> None:
        text = data.get("text")
        if not isinstance(text, str):
            await self.send_error("invalid", 'A message needs its "text".')
            return
        if len(text) > settings.CHATSPHERE_CHAT_MAX_MESSAGE_CHARS:
            await self.send_error("message_too_long", self._too_long_message())
            return
        conversation_id = None
        if data.get("conversation_id") is not None:
            try:
                conversation_id = uuid.UUID(str(data["conversation_id"]))
            except ValueError:
                await self.send_error("invalid", '"conversation_id" must be the id of one of your conversations.')
                return
        if self.answering is not None and not self.answering.done():
            await self.send_error("busy", "Please wait for the current answer to finish.")
            return
        try:
            await sync_to_async(rate_limit_hit, thread_sensitive=False)(self.rate_limits())
        except ApplicationError as error:
            await self.send_event(rag.application_error_event(error))
            return
        self.answering = asyncio.create_task(self.answer(text, conversation_id))

    async def answer(self, text: str, conversation_id: uuid.UUID | None) -> None:
        try:
            async for event in rag.answer(
                bot=self.bot,
                participant=self.participant,
                text=text,
                conversation_id=conversation_id,
                public_key=self.public_key,
            ):
                await self.send_event(event)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("answering on a chat socket failed")
            with suppress(Exception):
                await self.send_error("server_error", rag.SERVER_ERROR)

    async def on_history(self, data: dict[str, Any]) -> None:
        """The messages of one of the participant's conversations, to show it again after a reload."""
        try:
            conversation_id = uuid.UUID(str(data.get("conversation_id")))
        except ValueError:
            await self.send_error("invalid", '"conversation_id" must be the id of one of your conversations.')
            return
        try:
            messages = await database_sync_to_async(selectors.participant_history)(
                bot=self.bot, participant=self.participant, conversation_id=conversation_id
            )
        except ApplicationError as error:
            await self.send_event(rag.application_error_event(error) | {"request": "history"})
            return
        await self.send_event({"type": "history", "conversation_id": str(conversation_id), "messages": messages})

    async def on_feedback(self, data: dict[str, Any]) -> None:
        try:
            message_id = uuid.UUID(str(data.get("message_id")))
        except ValueError:
            await self.send_error("invalid", '"message_id" must be the id of an answer.')
            return
        rating = data.get("rating")
        try:
            message = await database_sync_to_async(services.message_rate_by_participant)(
                bot=self.bot, participant=self.participant, message_id=message_id, rating=rating
            )
        except ApplicationError as error:
            await self.send_event(rag.application_error_event(error))
            return
        await self.send_event({"type": "feedback", "message_id": str(message.id), "rating": message.feedback})

    # --- group events ----------------------------------------------------------------------

    async def bot_changed(self, event: dict[str, Any]) -> None:
        """The bot was changed, switched off, re-keyed or deleted: close if it no longer serves us."""
        if not await database_sync_to_async(self.still_available)():
            with suppress(Exception):
                await self.send_error("bot_unavailable", "This assistant is not available right now.")
            await self.close(code=CLOSE_BOT_UNAVAILABLE)

    def still_available(self) -> bool:
        raise NotImplementedError


class WidgetConsumer(ChatConsumer):
    """`ws/widget/<public_key>/`: anonymous visitors of the sites in the bot's allowed origins.

    Query parameters: `visitor_token` (from an earlier session, to resume its conversations) and
    `page` (the address of the page the widget is on, kept with new conversations).
    """

    channel_kind = Channel.WIDGET

    async def admit(self) -> bool:
        self.public_key = str(self.scope["url_route"]["kwargs"]["public_key"])
        bot = await database_sync_to_async(bot_get_by_public_key)(public_key=self.public_key)
        if bot is None or not bot.is_active or not widget_origin_allowed(self.scope, bot.allowed_origins):
            return False
        self.bot = bot
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("visitor_token") or [""])[0]
        visitor_id = visitor_token_read(token=token, bot_id=bot.id)
        if visitor_id is None:
            visitor_id, token = visitor_token_issue(bot_id=bot.id)
        else:
            token = visitor_token_sign(visitor_id=visitor_id, bot_id=bot.id)
        self.visitor_token = token
        self.participant = Participant(
            channel=Channel.WIDGET,
            visitor_id=visitor_id,
            origin_page=self._page((query.get("page") or [""])[0]),
            user_agent=(header(self.scope, b"user-agent") or "")[:400],
        )
        self.ip = client_ip(self.scope)
        return True

    def _page(self, page: str) -> str:
        # Only a page of the connecting site is believed; otherwise its origin is all we know.
        origin = request_origin(self.scope) or ""
        if page.startswith(origin + "/") and len(page) <= 2000 and not any(ch.isspace() for ch in page):
            return page
        return origin

    def session_event(self) -> dict[str, Any]:
        return {**super().session_event(), "visitor_token": self.visitor_token}

    def rate_limits(self) -> list[tuple[str, str]]:
        return [(VISITOR, f"{self.bot.id}:{self.participant.visitor_id}"), (IP, self.ip)]

    def still_available(self) -> bool:
        return Bot.objects.filter(id=self.bot.id, public_key=self.public_key, is_active=True).exists()


class PlaygroundConsumer(ChatConsumer):
    """`ws/playground/<bot_id>/`: a signed-in member of the bot's organization, from the dashboard."""

    channel_kind = Channel.PLAYGROUND

    async def admit(self) -> bool:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        # The session cookie rides along cross-site too: only the dashboard's own pages may connect.
        if not origin_allowed(self.scope, []):
            return False
        bot_id = self.scope["url_route"]["kwargs"]["bot_id"]
        bot = await database_sync_to_async(self._member_bot)(user.pk, bot_id)
        if bot is None:
            return False
        self.bot = bot
        self.participant = Participant(channel=Channel.PLAYGROUND, user_id=user.pk)
        return True

    @staticmethod
    def _member_bot(user_id: uuid.UUID, bot_id: uuid.UUID) -> Bot | None:
        organizations = Membership.objects.filter(user_id=user_id).values("organization_id")
        return Bot.objects.filter(id=bot_id, organization_id__in=organizations).first()

    def rate_limits(self) -> list[tuple[str, str]]:
        return [(API, f"user:{self.participant.user_id}")]

    def still_available(self) -> bool:
        return (
            Membership.objects.filter(
                user_id=self.participant.user_id, organization_id=self.bot.organization_id
            ).exists()
            and Bot.objects.filter(id=self.bot.id).exists()
        )
