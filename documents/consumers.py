"""Live document status for the dashboard's Knowledge page: `ws/bots/<bot_id>/documents/`.

A signed-in member of the bot's organization, connecting from the dashboard's own origin, receives
`{"type": "document", "document": {id, bot_id, title, status, stage, progress, error, chunk_count,
page_count}}` for every change of that bot's documents (see `documents.progress`).

Changes made between the page's rendering and the socket's opening are not lost: the page sends
`{"type": "sync", "ids": [...]}` with the documents it shows as unfinished and gets their current
state back.

A member who loses access (removed, logged out everywhere, new password, organization deleted)
is closed with code 4403 as soon as the service that withdrew it commits; and before forwarding
any event the socket re-checks access if its last check is older than
`CHATSPHERE_SOCKET_ACCESS_RECHECK_SECONDS`, so no further title reaches them even if that notice
is lost.
"""

from __future__ import annotations

import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.selectors import member_still_admitted
from bots.origins import origin_allowed
from bots.selectors import access_bot_by_id_for_member
from chatsphere import log_context, shutdown
from chatsphere.errors import NotFound
from chatsphere.sockets import CLOSE_ACCESS_REVOKED, AccessClock, member_group
from documents.models import Document
from documents.progress import documents_group, progress_payload

#: Documents one sync frame may ask about (a page shows at most 50).
MAX_SYNC_IDS = 200


class DocumentProgressConsumer(AsyncJsonWebsocketConsumer):
    bot_id: str = ""
    joined: tuple[str, ...] = ()
    closed: bool = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        # The session cookie rides along cross-site too: only the dashboard's own pages may connect.
        if user is None or not user.is_authenticated or not user.is_active or not origin_allowed(self.scope, []):
            await self.close()
            return
        try:
            bot = await database_sync_to_async(access_bot_by_id_for_member)(
                user_id=user.pk, bot_id=self.scope["url_route"]["kwargs"]["bot_id"]
            )
        except NotFound:
            await self.close()
            return
        self.bot_id = str(bot.id)
        organization_id = self.organization_id = bot.organization_id
        self.user_id: uuid.UUID = user.pk
        # Checked again later: a new password or "log out everywhere" changes it.
        self.session_auth_hash = user.get_session_auth_hash()
        self.access = AccessClock()
        self.joined = (documents_group(organization_id), member_group(organization_id, user.pk))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        shutdown.register(self, kind="progress")
        log_context.start(request=log_context.new_request_id(), organization=organization_id, bot=bot.id)

    async def drain(self, *, force: bool) -> None:
        """The server is stopping; the page reconnects to another process and catches up."""
        await self.close(code=shutdown.SOCKET_SERVER_RESTARTING)

    async def disconnect(self, code: int) -> None:
        shutdown.unregister(self)
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def admitted(self, *, fresh: bool = False) -> bool:
        """Whether the member still has access (re-read when `fresh` or the last check is old);
        closes the socket, once, when not."""
        if self.closed:
            return False
        if not fresh and not self.access.due():
            return True
        still = await database_sync_to_async(member_still_admitted)(
            user_id=self.user_id, organization_id=self.organization_id, session_auth_hash=self.session_auth_hash
        )
        if still:
            self.access.confirmed()
            return True
        self.closed = True
        await self.close(code=CLOSE_ACCESS_REVOKED)
        return False

    async def member_changed(self, event: dict[str, Any]) -> None:
        await self.admitted(fresh=True)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Only `sync` is understood; anything else is ignored."""
        if not await self.admitted():
            return
        if not isinstance(content, dict) or content.get("type") != "sync" or not isinstance(content.get("ids"), list):
            return
        ids = []
        for value in content["ids"][:MAX_SYNC_IDS]:
            try:
                ids.append(uuid.UUID(str(value)))
            except ValueError:
                continue
        for payload in await database_sync_to_async(self._current)(ids):
            await self.send_json({"type": "document", "document": payload})

    def _current(self, ids: list[uuid.UUID]) -> list[dict[str, object]]:
        documents = Document.objects.filter(organization_id=self.organization_id, bot_id=self.bot_id, id__in=ids)
        return [progress_payload(document) for document in documents] if ids else []

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def document_progress(self, event: dict[str, Any]) -> None:
        document = event.get("document") or {}
        if document.get("bot_id") == self.bot_id and await self.admitted():
            await self.send_json({"type": "document", "document": document})
