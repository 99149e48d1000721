"""WebSocket routes of the chat app."""

from django.urls import path

from chat.consumers import PlaygroundConsumer, WidgetConsumer

websocket_urlpatterns = [
    path("ws/widget/<str:public_key>/", WidgetConsumer.as_asgi()),  # type: ignore[arg-type]  # an ASGI app: Channels routes with path(), whose stub knows views only
    path("ws/playground/<uuid:bot_id>/", PlaygroundConsumer.as_asgi()),  # type: ignore[arg-type]  # an ASGI app: Channels routes with path(), whose stub knows views only
]
