"""Domain errors raised by services and selectors; every surface turns them into its own shape
(JSON for the API, a message on a page, an `error` event on a socket)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

#: The `errors` key of a message about the input as a whole (DRF's name for it).
NON_FIELD_ERRORS = "non_field_errors"


class ApplicationError(Exception):
    status = HTTPStatus.BAD_REQUEST
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        #: Field name -> messages, when the error concerns given fields.
        self.errors = errors or {}
        #: More facts for clients, e.g. the id of the document a duplicate upload matches.
        self.extra = extra or {}

    @property
    def display_message(self) -> str:
        """The message for a page that shows it alone, above everything (a banner, an admin notice)."""
        return self.message


def first_field_message(errors: dict[str, list[str]]) -> str:
    """One line for a set of field errors: the first message, after the field it is about."""
    for field, messages in errors.items():
        if messages:
            return messages[0] if field == NON_FIELD_ERRORS else f"{field}: {messages[0]}"
    return "Invalid input."


class InvalidInput(ApplicationError):
    """Values that break a rule; `errors` names each field (the message is the first of them)."""

    code = "invalid"

    def __init__(self, errors: dict[str, list[str]], *, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(message or first_field_message(errors), errors=errors, **kwargs)

    @property
    def display_message(self) -> str:
        # Away from the form, field names mean nothing to a person: every message, without them.
        return "; ".join(message for messages in self.errors.values() for message in messages) or self.message

    @classmethod
    def from_django(cls, error: DjangoValidationError, *, field: str | None = None) -> InvalidInput:
        """A Django validator's or model's verdict as our own error: services raise one family.

        `field` names the field the messages are about when the validator did not say."""
        if field is not None or not hasattr(error, "error_dict"):
            return cls({field or NON_FIELD_ERRORS: list(error.messages)})
        return cls({name: list(messages) for name, messages in error.message_dict.items()})


class NotFound(ApplicationError):
    """Missing, or belongs to another organization: the two are indistinguishable on purpose."""

    status = HTTPStatus.NOT_FOUND
    code = "not_found"

    def __init__(self, message: str = "Not found.", **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class PermissionDenied(ApplicationError):
    status = HTTPStatus.FORBIDDEN
    code = "permission_denied"


class Conflict(ApplicationError):
    status = HTTPStatus.CONFLICT
    code = "conflict"


class PayloadTooLarge(ApplicationError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    code = "file_too_large"


class RateLimited(ApplicationError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


class ServiceUnavailable(ApplicationError):
    """Something the action needs (e.g. the file storage) does not answer: worth trying again shortly."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    code = "service_unavailable"

    def __init__(self, message: str, *, retry_after: int = 5, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


class Unauthenticated(ApplicationError):
    status = HTTPStatus.UNAUTHORIZED
    code = "not_authenticated"


# --- the error vocabulary ------------------------------------------------------------------------

#: Every `code` an API error body can carry: code -> (HTTP statuses, meaning). docs/api.md lists
#: the same table; a test keeps the two, and the codes raised across the code base, in step.
ERROR_CODES: dict[str, tuple[tuple[int, ...], str]] = {
    "invalid": ((400,), "a field or parameter is wrong; `errors` names each one"),
    "parse_error": ((400,), "the body is not valid JSON or multipart"),
    "bad_request": ((400,), "the request is malformed (e.g. an unknown `Host`)"),
    "organization_required": ((400,), "you belong to several organizations: send `X-Organization`"),
    "last_owner": ((400,), "the change would leave the organization without an owner"),
    "invalid_invitation": ((400,), "the invitation link expired, was used or was revoked"),
    "invalid_verification_token": ((400,), "the e-mail verification link expired, was used or is not valid"),
    "unsupported_file": ((400,), "the file's content is not a supported document type"),
    "encrypted_pdf": ((400,), "the PDF is password-protected"),
    "private_url": ((400,), "the web page is on a private or local address"),
    "empty_message": ((400,), "the question is blank"),
    "message_too_long": ((400,), "the question is longer than the limit"),
    "bot_unavailable": ((400,), "the bot was deleted or switched off"),
    "not_an_answer": ((400,), "only the bot's answers can be rated"),
    "not_authenticated": ((401,), "no credentials, or an access or refresh token that is invalid or expired"),
    "invalid_credentials": ((401,), "no active account matches this e-mail and password"),
    "invalid_api_key": ((401,), "the API key is unknown or revoked"),
    "token_revoked": ((401,), "the token was revoked by a logout or a new password: log in again"),
    "permission_denied": ((403,), "your role, or an API key, may not do this"),
    "no_organization": ((403,), "you are not a member of any organization"),
    "email_unverified": ((403,), "the account's e-mail address is not verified yet: follow the link mailed at sign-up"),
    "not_found": ((404,), "it does not exist or belongs to another organization; also unknown paths"),
    "method_not_allowed": ((405,), "the path does not take this method"),
    "not_acceptable": ((406,), "the `Accept` header asks for something other than JSON"),
    "conflict": ((409,), "the current state forbids it (e.g. a document being processed, an accepted invitation)"),
    "duplicate_document": ((409,), "the bot already has this content; `document_id` names it"),
    "duplicate_website": ((409,), "the bot already crawls this site (the same start address)"),
    "knowledge_quota_exceeded": (
        (409,),
        "the bot or organization is at a knowledge quota; `scope`, `quota`, `used` and `limit` say which",
    ),
    "duplicate_question": ((409,), "the bot already has an answer to this question; `curated_answer_id` names it"),
    "stream_expired": (
        (410,),
        "a socket's `resume` asked for an answer no longer kept, or not yours: load the conversation's `history`",
    ),
    "file_too_large": ((413,), "the upload is over `CHATSPHERE_MAX_UPLOAD_MB`"),
    "body_too_large": ((413,), "the body is over the limit; `limit` gives it in bytes"),
    "text_too_long": ((413,), "the pasted text is over `CHATSPHERE_MAX_TEXT_CHARS` characters"),
    "unsupported_media_type": ((415,), "the body's `Content-Type` is not JSON, multipart or form data"),
    "rate_limited": ((429,), "too many requests: wait the seconds in `Retry-After`"),
    "quota_exceeded": ((429,), "the organization has used this month's questions"),
    "server_error": ((500, 502), "something failed on our side"),
    "answer_failed": ((502,), "the language model failed; the question is saved"),
    "answer_blocked": ((502,), "the language model refused to answer; the question is saved"),
    "retrieval_failed": ((502,), "searching the bot's knowledge failed; the question is saved"),
    "interrupted": (
        (503,),
        "the answer was cut short (the server stopping, or access withdrawn); what was sent is saved",
    ),
    "service_unavailable": (
        (503,),
        "the database, the cache or the file storage does not answer: wait the seconds in `Retry-After`",
    ),
}
