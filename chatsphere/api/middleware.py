"""Refuse an API request whose declared body is over the limit before anything reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

#: Room for the form fields and part headers around an uploaded file.
MULTIPART_OVERHEAD_BYTES = 65536


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def body_limit(request: HttpRequest) -> tuple[int, str, str]:
    """(limit in bytes, error code, readable sentence) for the body of this request."""
    if request.content_type == "multipart/form-data":
        mb = settings.CHATSPHERE_MAX_UPLOAD_MB
        return (
            mb * 1024 * 1024 + MULTIPART_OVERHEAD_BYTES,
            "file_too_large",
            f"Files up to {mb} MB are accepted.",
        )
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit, "body_too_large", f"Request bodies up to {_megabytes(limit)} ({limit:,} bytes) are accepted."


class ApiBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit, code, sentence = body_limit(request)
            if length > limit:
                return JsonResponse(
                    {"detail": f"The request body is {_megabytes(length)}. {sentence}", "code": code, "limit": limit},
                    status=413,
                )
        return self.get_response(request)
