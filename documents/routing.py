"""WebSocket routes of the documents app."""

from django.urls import path

from documents.consumers import DocumentProgressConsumer

websocket_urlpatterns = [
    path("ws/bots/<uuid:bot_id>/documents/", DocumentProgressConsumer.as_asgi()),
]
