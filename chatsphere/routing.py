"""WebSocket routes of every app."""

from chat.routing import websocket_urlpatterns as chat_websockets
from documents.routing import websocket_urlpatterns as documents_websockets

websocket_urlpatterns = [*chat_websockets, *documents_websockets]
