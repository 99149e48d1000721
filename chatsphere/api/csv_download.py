"""Endpoints that stream a CSV file: clients may ask for `text/csv`, and errors stay JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request


class CsvRenderer(BaseRenderer):
    """Lets clients send `Accept: text/csv`; the file itself is written by the view."""

    media_type = "text/csv"
    format = "csv"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return str(data).encode()


class CsvDownloadMixin:
    """For an APIView whose handler answers a streamed CSV file."""

    renderer_classes: Sequence[type[BaseRenderer]] = [JSONRenderer, CsvRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # Errors are JSON; the CSV file is streamed by the handler.
        renderer = JSONRenderer()
        return renderer, renderer.media_type
