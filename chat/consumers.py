"""Chat sockets: the widget (anonymous visitors) and the dashboard playground (members).

Protocol (docs/chat.md): after the handshake the server sends `{"type": "session", …}`;
the client sends `{"type": "message", "text", "conversation_id"?}` and receives the events of
`chat.rag`, each numbered within its answer's stream (`stream_id`, `seq`). Bad frames get an
`error` event and the socket stays open. One answer at a time.

An answer outlives its socket: when the socket drops mid-answer, the answer goes on into its
stream (chat.answer_streams) and is saved whole; the same participant, reconnected (to any web
process), sends `{"type": "resume", "stream_id", "after"}` and receives the rest.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from accounts.selectors import member_still_admitted
from bots.identity import Identity, identity_rejection
from bots.models import Bot
from bots.origins import header, origin_allowed, request_origin, widget_origin_allowed
from bots.selectors import access_bot_by_id_for_member, bot_get_by_public_key
from chat import rag, selectors, services
from chat.answer_streams import StreamGone, StreamWriter, answer_streams
from chat.handoff import handoff_offer
from chat.models import Channel
from chat.participants import Participant
from chat.ratelimit import API, IP, VISITOR, client_ip, rate_limit_hit
from chat.token_merge import TokenMerger
from chat.visitors import visitor_token_issue, visitor_token_read, visitor_token_sign
from chatsphere import log_context, shutdown
from chatsphere.errors import ApplicationError, NotFound
from chatsphere.sockets import CLOSE_ACCESS_REVOKED, AccessClock, bot_group, member_group

logger = logging.getLogger(__name__)

#: Close code sent when the bot stops being available to an open socket (switched off, deleted,
#: re-keyed, or the widget's site removed from its allowed origins).
CLOSE_BOT_UNAVAILABLE = 4404


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an open socket may not go on: the close code and the error event sent before closing."""

    close_code: int
    code: str
    message: str


BOT_UNAVAILABLE = Refusal(CLOSE_BOT_UNAVAILABLE, "bot_unavailable", "This assistant is not available right now.")
ACCESS_REVOKED = Refusal(
    CLOSE_ACCESS_REVOKED, "access_revoked", "You no longer have access to this organization; sign in again."
)


class ChatConsumer(AsyncWebsocketConsumer):
    channel_kind: Channel
    bot: Bot
    participant: Participant
    public_key: str | None = None
    #: The server is stopping: close once the answer in progress is sent.
    close_when_answered = False
    #: Send the `retrieval` event (passages, scores, the strictness bar): never to visitors.
    explain_answers = False

    # --- lifecycle -------------------------------------------------------------------------

    #: The answer this socket is sending: generated here, or relayed from a resumed stream.
    answering: asyncio.Task[None] | None = None
    #: `answering` relays a stream generated elsewhere (a `resume`), rather than generating one.
    relaying = False
    #: The socket is open: events are sent to it (an answer goes on into its stream without it).
    attached = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Also when the socket ended without `disconnect` (a dependency failed).
            shutdown.unregister(self)
            await self.detach()

    async def detach(self) -> None:
        """The socket is gone: an answer being generated goes on into its stream, to be resumed
        (and is saved whole); relaying someone else's stream stops."""
        self.attached = False
        answering = self.answering
        if answering is None or answering.done():
            return
        if not self.relaying:
            shutdown.detached(answering)
            return
        answering.cancel()
        with suppress(asyncio.CancelledError, Exception):
            await answering

    async def connect(self) -> None:
        self.answering = None
        self.joined: list[str] = []
        try:
            admitted = await self.admit()
        except Exception:
            logger.exception("chat socket admission failed")
            admitted = False
        if not admitted:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        self.access = AccessClock()
        for group in self.socket_groups():
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.append(group)
        await self.accept()
        self.attached = True
        shutdown.register(self, kind=self.channel_kind.value)
        log_context.start(request=log_context.new_request_id(), organization=self.bot.organization_id, bot=self.bot.id)
        await self.send_event(self.session_event())

    async def disconnect(self, code: int) -> None:
        shutdown.unregister(self)
        await self.detach()
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def drain(self, *, force: bool) -> None:
        """The server is stopping: close now when idle, else once the answer in progress ends;
        `force`d, the answer is cut short (and saved as interrupted)."""
        self.close_when_answered = True
        if self.answering is not None and not self.answering.done():
            if not force:
                return
            self.answering.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self.answering
        await self.close(code=shutdown.SOCKET_SERVER_RESTARTING)

    def socket_groups(self) -> list[str]:
        """The groups whose notices may close this socket."""
        return [bot_group(self.bot.organization_id, self.bot.id)]

    # --- to implement ----------------------------------------------------------------------

    async def admit(self) -> bool:
        """Check the handshake; set `bot` and `participant`."""
        raise NotImplementedError

    def rate_limits(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def refusal(self) -> Refusal | None:
        """Read from the database whether this socket may go on; None if it may."""
        raise NotImplementedError

    def session_event(self) -> dict[str, Any]:
        return {"type": "session", "max_message_chars": settings.CHATSPHERE_CHAT_MAX_MESSAGE_CHARS}

    # --- frames ----------------------------------------------------------------------------

    async def send_event(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(event, ensure_ascii=False))

    async def send_error(self, code: str, message: str, **extra: Any) -> None:
        await self.send_event(rag.error_event(code, message, **extra))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.access.due() and not await self.recheck():
            return  # access was withdrawn: the frame is refused and the socket closed
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
            "conversations": self.on_conversations,
            "identify": self.on_identify,
            "ping": self.on_ping,
            "resume": self.on_resume,
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

    def stream_owner(self) -> str:
        """Who may resume this socket's answers: the same visitor of the same bot, or the same member."""
        who = self.participant.visitor_id or str(self.participant.user_id)
        return f"{self.bot.id}:{self.channel_kind.value}:{who}"

    async def answer(self, text: str, conversation_id: uuid.UUID | None) -> None:
        self.relaying = False
        stream = await StreamWriter.start(owner=self.stream_owner())

        async def deliver(event: dict[str, Any]) -> None:
            numbered = await stream.write(event)
            if self.attached:
                try:
                    await self.send_event(numbered)
                except Exception:  # the socket went away between two events
                    self.attached = False

        merger = TokenMerger(deliver)
        answered: str | None = None
        try:
            async for event in rag.answer(
                bot=self.bot,
                participant=self.participant,
                text=text,
                conversation_id=conversation_id,
                public_key=self.public_key,
                explain=self.explain_answers,
            ):
                await merger.put(event)
                if event.get("type") == "done":
                    answered = event.get("message_id")
            await merger.flush()
            if answered and self.attached:
                await self._after_answer(text, uuid.UUID(answered))
        except asyncio.CancelledError:
            merger.cancel()
            # Cut short (access withdrawn, the server stopping; the socket is told why and
            # closed): a client resuming the stream learns that it ended.
            with suppress(Exception):
                await stream.write(rag.error_event("interrupted", rag.INTERRUPTED))
            raise
        except Exception:
            logger.exception("answering on a chat socket failed")
            with suppress(Exception):
                await merger.flush()
                await deliver(rag.error_event("server_error", rag.SERVER_ERROR))
        if self.close_when_answered and self.attached:
            await self.close(code=shutdown.SOCKET_SERVER_RESTARTING)

    async def on_resume(self, data: dict[str, Any]) -> None:
        """The rest of an answer whose socket dropped: its events numbered above `after`, then
        the live ones up to `done`. Only for the participant who asked; for anyone else, and for
        a stream no longer kept, the same `stream_expired` error (the client loads the history)."""
        stream_id, after = data.get("stream_id"), data.get("after", 0)
        if not isinstance(stream_id, str) or not 0 < len(stream_id) <= 64:
            await self.send_error("invalid", '"stream_id" must be the id of an answer of yours.', request="resume")
            return
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            await self.send_error(
                "invalid",
                '"after" must be the number of the last event received (0 or more).',
                request="resume",
                stream_id=stream_id,
            )
            return
        if self.answering is not None and not self.answering.done():
            await self.send_error("busy", "Please wait for the current answer to finish.", request="resume")
            return
        store = answer_streams()
        try:
            owner = await store.owner(stream_id)
        except Exception:  # Redis unreachable: the client falls back to the history
            logger.warning("answer stream %s could not be read", stream_id, exc_info=True)
            owner = None
        if owner != self.stream_owner():
            await self.send_event(_stream_expired(stream_id))
            return
        self.relaying = True
        self.answering = asyncio.create_task(self.relay(store.follow(stream_id, after=after), stream_id))

    async def relay(self, events: AsyncIterator[dict[str, Any]], stream_id: str) -> None:
        try:
            async for event in events:
                await self.send_event(event)
        except StreamGone:
            await self.send_event(_stream_expired(stream_id))
        except Exception:
            logger.warning("answer stream %s could not be read to the end", stream_id, exc_info=True)
            with suppress(Exception):
                await self.send_event(_stream_expired(stream_id))
        if self.close_when_answered:
            await self.close(code=shutdown.SOCKET_SERVER_RESTARTING)

    async def _after_answer(self, question: str, message_id: uuid.UUID) -> None:
        # What follows a full answer (a contact form offered) is extra: its failure is logged, never
        # turned into an error event on the answer's stream.
        try:
            await self.after_answer(question, message_id)
        except Exception:
            logger.exception("following up an answer on a chat socket failed")

    async def after_answer(self, question: str, message_id: uuid.UUID) -> None:
        """Called once an answer was sent in full to a socket still attached."""

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

    async def on_conversations(self, data: dict[str, Any]) -> None:
        """The participant's own conversations with this bot, newest first."""
        conversations = await database_sync_to_async(selectors.participant_conversations)(
            bot=self.bot, participant=self.participant
        )
        await self.send_event({"type": "conversations", "conversations": conversations})

    async def on_identify(self, data: dict[str, Any]) -> None:
        await self.send_error("unknown_type", "Only the widget identifies its visitors.")

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
        await self.recheck()

    async def member_changed(self, event: dict[str, Any]) -> None:
        """The member was removed, logged out everywhere or changed password: close if access is gone."""
        await self.recheck()

    async def recheck(self) -> bool:
        """Re-read access; if it is gone, stop any answer, say why and close. False when closed."""
        refusal = await database_sync_to_async(self.refusal)()
        if refusal is None:
            self.access.confirmed()
            return True
        if self.answering is not None and not self.answering.done():
            self.answering.cancel()
        with suppress(Exception):
            await self.send_error(refusal.code, refusal.message)
        await self.close(code=refusal.close_code)
        return False


def _stream_expired(stream_id: str) -> dict[str, Any]:
    return rag.error_event(
        "stream_expired",
        "This answer can no longer be resumed; load the conversation's history to see it.",
        request="resume",
        stream_id=stream_id,
    )


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

    #: The identity secret the visitor's identity was verified with ("" while anonymous).
    verified_with = ""

    async def on_identify(self, data: dict[str, Any]) -> None:
        """`{"type": "identify", "user_id", "user_hash", "email"?, "name"?}` (docs/identity.md): a
        valid signature makes the visitor that user, on every browser; anything else (or no user id:
        signing out) makes them this browser's anonymous visitor. Answered with an `identity` event
        that lists the visitor's conversations."""
        # An answer in progress keeps the participant it started with.
        identity: Identity | None = None
        secret = ""
        if data.get("user_id") not in (None, ""):
            secret = await database_sync_to_async(self._identity_secret)()
            identity, reason = identity_rejection(
                secret=secret,
                user_id=data.get("user_id"),
                user_hash=data.get("user_hash"),
                email=data.get("email") or "",
                name=data.get("name") or "",
            )
            if identity is None:
                # Neither the hash nor the secret: only which bot and why, for the site's developers.
                logger.info("widget identity not verified, visitor stays anonymous: %s", reason)
        self._become(identity, secret)
        conversations = await database_sync_to_async(selectors.participant_conversations)(
            bot=self.bot, participant=self.participant
        )
        await self.send_event(self._identity_event() | {"conversations": conversations})

    def _identity_secret(self) -> str:
        return Bot.objects.filter(id=self.bot.id).values_list("identity_secret", flat=True).first() or ""

    def _become(self, identity: Identity | None, secret: str) -> None:
        self.participant = replace(
            self.participant,
            verified_user_id=identity.user_id if identity else "",
            verified_email=identity.email if identity else "",
            verified_name=identity.name if identity else "",
        )
        self.verified_with = secret if identity else ""

    def _identity_event(self) -> dict[str, Any]:
        if not self.participant.verified_user_id:
            return {"type": "identity", "verified": False}
        return {
            "type": "identity",
            "verified": True,
            "user_id": self.participant.verified_user_id,
            "email": self.participant.verified_email,
            "name": self.participant.verified_name,
        }

    async def recheck(self) -> bool:
        was_verified = bool(self.verified_with)
        still_open = await super().recheck()
        if still_open and was_verified and not self.verified_with:
            await self.send_event(self._identity_event())  # the widget forgets the verified user's chat
        return still_open

    async def after_answer(self, question: str, message_id: uuid.UUID) -> None:
        # The contact form is for visitors; the playground's members are the team it reaches.
        offer = await database_sync_to_async(handoff_offer)(message_id=message_id, question=question)
        if offer is not None:
            await self.send_event(offer)

    def rate_limits(self) -> list[tuple[str, str]]:
        return [(VISITOR, f"{self.bot.id}:{self.participant.visitor_id}"), (IP, self.ip)]

    def refusal(self) -> Refusal | None:
        allowed_origins = (
            Bot.objects.filter(id=self.bot.id, public_key=self.public_key, is_active=True)
            .values_list("allowed_origins", flat=True)
            .first()
        )
        if allowed_origins is None or not widget_origin_allowed(self.scope, allowed_origins):
            return BOT_UNAVAILABLE
        if self.verified_with and self._identity_secret() != self.verified_with:
            # The identity secret was rotated: signatures made with the old one verify no more.
            self._become(None, "")
        return None


class PlaygroundConsumer(ChatConsumer):
    """`ws/playground/<bot_id>/`: a signed-in member of the bot's organization, from the dashboard."""

    channel_kind = Channel.PLAYGROUND
    explain_answers = True

    async def admit(self) -> bool:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        # The session cookie rides along cross-site too: only the dashboard's own pages may connect.
        if not origin_allowed(self.scope, []):
            return False
        bot_id = self.scope["url_route"]["kwargs"]["bot_id"]
        try:
            self.bot = await database_sync_to_async(access_bot_by_id_for_member)(user_id=user.pk, bot_id=bot_id)
        except NotFound:
            return False
        self.participant = Participant(channel=Channel.PLAYGROUND, user_id=user.pk)
        self.user_id: uuid.UUID = user.pk
        # Checked again later: a new password or "log out everywhere" changes it.
        self.session_auth_hash = user.get_session_auth_hash()
        return True

    def socket_groups(self) -> list[str]:
        return [*super().socket_groups(), member_group(self.bot.organization_id, self.user_id)]

    def rate_limits(self) -> list[tuple[str, str]]:
        return [(API, f"user:{self.participant.user_id}")]

    def refusal(self) -> Refusal | None:
        if not member_still_admitted(
            user_id=self.user_id,
            organization_id=self.bot.organization_id,
            session_auth_hash=self.session_auth_hash,
        ):
            return ACCESS_REVOKED
        if not Bot.objects.filter(id=self.bot.id).exists():
            return BOT_UNAVAILABLE
        return None
