"""WebSocket routes of every app."""

from chat.routing import websocket_urlpatterns as chat_websockets

websocket_urlpatterns = [*chat_websockets]
