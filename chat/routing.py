"""WebSocket routes of the chat app."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
