"""Streamed responses that stay streamed under either server: Django buffers a synchronous
iterator whole under ASGI (and an asynchronous one under WSGI), so a large download would be held
in memory. `streamed` hands each server the kind it streams."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest


def _next(chunks: Iterator[str]) -> str | None:
    return next(chunks, None)


async def _one_at_a_time(chunks: Iterator[str]) -> AsyncIterator[str]:
    # Thread-sensitive: the database queries behind the chunks run on the request's own thread.
    take = sync_to_async(_next, thread_sensitive=True)
    while (chunk := await take(chunks)) is not None:
        yield chunk


def streamed(request: HttpRequest, chunks: Iterator[str]) -> Iterator[str] | AsyncIterator[str]:
    """`chunks`, as the server that received `request` streams them."""
    if isinstance(request, ASGIRequest):
        return _one_at_a_time(chunks)
    return chunks
