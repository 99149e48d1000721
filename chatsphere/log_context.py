"""What every log record says it belongs to: the request (or socket, or task), the organization and
the bot. Carried by context variables, so that code deep in a service needs no logger arguments:
set by the HTTP middleware, the API's and dashboard's tenant resolution, the socket consumers when
they admit a connection, and Celery before each task. `ContextFilter` copies them onto records.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextlib import suppress
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by the Celery app before Django is set up
    from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
#: An incoming request id is kept when it looks like one (a proxy's or a client's); else a new one.
WELL_FORMED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_id: ContextVar[str] = ContextVar("request_id", default="")
organization_id: ContextVar[str] = ContextVar("organization_id", default="")
bot_id: ContextVar[str] = ContextVar("bot_id", default="")
#: The visitor's question being answered: log records never show it (chatsphere.log_redaction).
visitor_text: ContextVar[str] = ContextVar("visitor_text", default="")

_UNSET: Any = object()


def new_request_id() -> str:
    return uuid.uuid4().hex


def bind(*, request: str = _UNSET, organization: object = _UNSET, bot: object = _UNSET, question: str = _UNSET) -> None:
    """Set what is given (ids as any object whose str() is the id; None clears); the rest stays."""
    if request is not _UNSET:
        request_id.set(request or "")
    if organization is not _UNSET:
        organization_id.set(str(organization) if organization else "")
    if bot is not _UNSET:
        bot_id.set(str(bot) if bot else "")
    if question is not _UNSET:
        visitor_text.set(question or "")


def start(*, request: str, organization: object = None, bot: object = None) -> None:
    """A new unit of work (request, socket, task): nothing of the previous one stays bound."""
    bind(request=request, organization=organization, bot=bot, question="")


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.organization_id = organization_id.get()
        record.bot_id = bot_id.get()
        return True


class RequestContextMiddleware:
    """Gives each request its id (the incoming `X-Request-ID` when well-formed, so a proxy's id
    ties its logs to ours) and echoes it in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if WELL_FORMED_REQUEST_ID.match(incoming) else new_request_id()
        # Not reset afterwards: a streamed answer keeps logging under this request after we return.
        start(request=rid)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = rid
        return response


_VARIABLES = (request_id, organization_id, bot_id, visitor_text)
#: What a running task replaced, put back when it ends (an eager task runs inside a request).
_before_task: dict[str, list[Token[str]]] = {}


def bind_task(task_id: str | None = None, kwargs: dict[str, Any] | None = None, **_: object) -> None:
    """Celery's `task_prerun`: a task logs under its id and the tenant ids it was given."""
    given = kwargs or {}
    values = (task_id or new_request_id(), str(given.get("organization_id") or ""), str(given.get("bot_id") or ""), "")
    tokens = [variable.set(value) for variable, value in zip(_VARIABLES, values, strict=True)]
    if task_id:
        _before_task[task_id] = tokens


def unbind_task(task_id: str | None = None, **_: object) -> None:
    """Celery's `task_postrun`."""
    for variable, token in zip(_VARIABLES, _before_task.pop(task_id or "", []), strict=False):
        with suppress(ValueError):  # set in another context: nothing of ours to put back there
            variable.reset(token)
