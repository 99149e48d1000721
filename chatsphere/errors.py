"""Domain errors raised by services and selectors; every surface turns them into its own shape
(JSON for the API, a message on a page, an `error` event on a socket)."""

from __future__ import annotations

from http import HTTPStatus


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


class NotFound(ApplicationError):
    """Missing, or belongs to another organization: the two are indistinguishable on purpose."""

    status = HTTPStatus.NOT_FOUND
    code = "not_found"

    def __init__(self, message: str = "Not found.", **kwargs) -> None:
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

    def __init__(self, message: str, *, retry_after: int, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


class Unauthenticated(ApplicationError):
    status = HTTPStatus.UNAUTHORIZED
    code = "not_authenticated"
