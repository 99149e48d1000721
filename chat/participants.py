"""Who is asking: a widget visitor, a member in the playground, or an API client."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from chat.models import Channel


@dataclass(frozen=True, slots=True)
class Participant:
    channel: Channel
    #: The signed visitor id of a widget visitor (the browser's, also when its identity is verified).
    visitor_id: str = ""
    #: A widget visitor's verified identity (bots.identity): the site's user id, e-mail and name.
    verified_user_id: str = ""
    verified_email: str = ""
    verified_name: str = ""
    #: The signed-in member of a playground chat.
    user_id: uuid.UUID | None = None
    #: Page and browser of a widget chat, kept for the bot owner's analytics.
    origin_page: str = ""
    user_agent: str = ""

    def __post_init__(self) -> None:
        if self.channel == Channel.WIDGET and not self.visitor_id:
            raise ValueError("A widget participant needs a visitor id.")
        if self.channel == Channel.PLAYGROUND and self.user_id is None:
            raise ValueError("A playground participant needs a user.")

    def conversation_filter(self) -> dict[str, Any]:
        """The conversations this participant may continue (within one bot)."""
        if self.channel == Channel.WIDGET and self.verified_user_id:
            # From any browser: the signature, not the browser's token, says who this is.
            return {"channel": Channel.WIDGET, "verified_user_id": self.verified_user_id}
        if self.channel == Channel.WIDGET:
            # Never a verified visitor's, even in the browser they used: after signing out, the
            # page's anonymous visitor is someone else as far as anyone can tell.
            return {"channel": Channel.WIDGET, "visitor_id": self.visitor_id, "verified_user_id": ""}
        if self.channel == Channel.PLAYGROUND:
            return {"channel": Channel.PLAYGROUND, "user_id": self.user_id}
        return {"channel": Channel.API}
