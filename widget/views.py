"""The hosted chat page: the embeddable widget (static/chatsphere/widget.js) shown full-page at
`/chat/<public_key>/`, a link a bot owner can share. The widget fetches the bot's configuration
and opens its socket itself; this view only checks that the bot exists and is switched on."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from bots.selectors import bot_get_by_public_key


def _content_security_policy(request: HttpRequest) -> str:
    host = request.get_host()
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            # The widget's styles live in its Shadow DOM (a <style> element it creates).
            "style-src 'self' 'unsafe-inline'",
            f"connect-src 'self' ws://{host} wss://{host}",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


@require_safe
def hosted_chat(request: HttpRequest, public_key: str) -> HttpResponse:
    bot = bot_get_by_public_key(public_key=public_key)
    if bot is None or not bot.is_active:
        raise Http404("No chat here.")
    response = render(request, "widget/hosted_chat.html", {"bot": bot, "title": bot.display_title})
    response["Content-Security-Policy"] = _content_security_policy(request)
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-cache"
    return response
