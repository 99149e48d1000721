"""WebSocket routes of the chat app."""

from django.urls import path

from chat.consumers import PlaygroundConsumer, WidgetConsumer

websocket_urlpatterns = [
    path("ws/widget/<str:public_key>/", WidgetConsumer.as_asgi()),
    path("ws/playground/<uuid:bot_id>/", PlaygroundConsumer.as_asgi()),
]
