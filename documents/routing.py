"""WebSocket routes of the documents app."""

from django.urls import path

from documents.consumers import DocumentProgressConsumer

websocket_urlpatterns = [
    path("ws/bots/<uuid:bot_id>/documents/", DocumentProgressConsumer.as_asgi()),  # type: ignore[arg-type]  # an ASGI app: Channels routes with path(), whose stub knows views only
]
