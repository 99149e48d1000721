"""Cross-origin reads of the widget configuration, only from the bot's allowed origins.

Decided in the view, per bot: the answer names the one requesting origin when it is allowed
(never `*`, never with credentials), and varies on Origin so caches keep answers apart.
"""

from __future__ import annotations

from django.http import HttpRequest

from bots.models import Bot
from bots.origins import origin_header, origin_in


def widget_cors_headers(request: HttpRequest, bot: Bot) -> dict[str, str]:
    origin = origin_header(request.headers.get("Origin"))
    if not origin or not bot.allowed_origins or not origin_in(origin, bot.allowed_origins):
        return {"Vary": "Origin"}
    return {"Access-Control-Allow-Origin": request.headers["Origin"], "Vary": "Origin"}
