"""A URLconf with a view that fails the way a careless one would: its error quotes the visitor's
question and the caller's credentials, and a log line before it does too (a Sentry breadcrumb)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.urls import path

from chatsphere import log_context

logger = logging.getLogger("chat.rag")


def explode(request: HttpRequest) -> HttpResponse:
    question = request.POST["message"]
    log_context.bind(organization="0b8e5f3c-1111-4222-8333-944445555666", question=question)  # as chat.rag does
    logger.warning("answer failed: the provider refused %r", question)
    raise RuntimeError(f"could not answer {question!r} with {request.headers['Authorization']}")


urlpatterns = [path("explode/", explode)]
