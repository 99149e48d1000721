"""Keeps secrets and visitors' words out of log records, whatever a log line or an exception
message contains: Authorization headers, passwords, tokens and API keys are masked, and the
question being answered (chatsphere.log_context.visitor_text) never appears. Installed on the
log handlers, so it applies to every library's records as well as ours."""

from __future__ import annotations

import json
import logging
import re

from chatsphere import log_context

MASK = "[redacted]"
VISITOR_MASK = "[visitor text]"
#: Names whose values are secrets (the pattern itself holds none).
MASKED_NAMES = (
    r"authorization|password|passwd|secret|api[_-]?key|access[_-]?token|refresh[_-]?token|token|session[_-]?id|cookie"
)
SECRET_PATTERNS = [
    # `Authorization: Bearer …`, `Basic …` and bare bearer credentials.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {MASK}"),
    # name=value, name: value, "name": "value" for secret-looking names.
    (re.compile(rf"(?i)(\b(?:{MASKED_NAMES})\b[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,;}})]+"), rf"\1{MASK}"),
    # JSON Web Tokens, ChatSphere API keys, Google API keys.
    (re.compile(r"\beyJ[\w-]+\.[\w-]+\.[\w-]+"), MASK),
    (re.compile(r"\bcsk_[\w-]{8,}"), MASK),
    (re.compile(r"\bAIza[\w-]{30,}"), MASK),
]
SECRET_ATTRIBUTE = re.compile(rf"(?i)^(?:{MASKED_NAMES})$")
#: Attributes every LogRecord has; anything else came in through `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_CONTEXT = {"request_id", "organization_id", "bot_id"}


def redact(text: str) -> str:
    question = log_context.visitor_text.get()
    if question.strip():
        for form in {question, json.dumps(question)[1:-1], repr(question)[1:-1]}:
            text = text.replace(form, VISITOR_MASK)
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # arguments that do not fit the message: logging reports those itself
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in list(vars(record).items()):
            if name in _STANDARD or name in _CONTEXT:
                continue
            if SECRET_ATTRIBUTE.match(name):
                setattr(record, name, MASK)
            elif name == "request" and hasattr(value, "method"):
                # Django's request records: the method and path only (no query string, headers or body).
                setattr(record, name, f"{value.method} {getattr(value, 'path', '')}")
            elif isinstance(value, str):
                setattr(record, name, redact(value))
            elif not isinstance(value, int | float | bool | type(None)):
                setattr(record, name, redact(str(value)))
        return True
