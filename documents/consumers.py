"""Live document status for the dashboard's Knowledge page: `ws/bots/<bot_id>/documents/`.

A signed-in member of the bot's organization, connecting from the dashboard's own origin, receives
`{"type": "document", "document": {id, bot_id, title, status, stage, progress, error, chunk_count,
page_count}}` for every change of that bot's documents (see `documents.progress`).

Changes made between the page's rendering and the socket's opening are not lost: the page sends
`{"type": "sync", "ids": [...]}` with the documents it shows as unfinished and gets their current
state back.
"""

from __future__ import annotations

import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.models import Membership
from bots.models import Bot
from chat.origins import origin_allowed
from documents.models import Document
from documents.progress import documents_group, progress_payload

#: Documents one sync frame may ask about (a page shows at most 50).
MAX_SYNC_IDS = 200


class DocumentProgressConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    bot_id: str = ""

    async def connect(self) -> None:
        user = self.scope.get("user")
        # The session cookie rides along cross-site too: only the dashboard's own pages may connect.
        if user is None or not user.is_authenticated or not user.is_active or not origin_allowed(self.scope, []):
            await self.close()
            return
        organization_id = await database_sync_to_async(self._member_bot_organization)(
            user.pk, self.scope["url_route"]["kwargs"]["bot_id"]
        )
        if organization_id is None:
            await self.close()
            return
        self.bot_id = str(self.scope["url_route"]["kwargs"]["bot_id"])
        self.organization_id = organization_id
        self.group = documents_group(organization_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    @staticmethod
    def _member_bot_organization(user_id: uuid.UUID, bot_id: uuid.UUID) -> uuid.UUID | None:
        organizations = Membership.objects.filter(user_id=user_id).values("organization_id")
        return (
            Bot.objects.filter(id=bot_id, organization_id__in=organizations)
            .values_list("organization_id", flat=True)
            .first()
        )

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Only `sync` is understood; anything else is ignored."""
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

    async def decode_json(self, text_data: str) -> Any:
        try:
            return await super().decode_json(text_data)
        except ValueError:
            return None

    async def document_progress(self, event: dict[str, Any]) -> None:
        document = event.get("document") or {}
        if document.get("bot_id") == self.bot_id:
            await self.send_json({"type": "document", "document": document})
