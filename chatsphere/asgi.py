"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chatsphere.settings")

# Django must be set up before the routing imports models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from chatsphere.routing import websocket_urlpatterns  # noqa: E402
from chatsphere.socket_guard import UnavailableSocketGuard  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origin checks are per bot (widget) or same-host (dashboard), done in each consumer.
        # A socket whose dependency (Redis, the database) is down closes with 4503, "try again shortly".
        "websocket": UnavailableSocketGuard(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),  # type: ignore[arg-type]  # plain path() routes, as Channels documents
    }
)
