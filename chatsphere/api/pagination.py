"""Cursor pagination: listing page N costs the same whatever the collection's size."""

from __future__ import annotations

from typing import Any

from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.request import Request


def _is_datetime(value: str) -> bool:
    try:
        return parse_datetime(value) is not None
    except ValueError:
        return False


class CreatedCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int | None:
        """The asked page size; one that is not a number from 1 to the maximum is refused (400
        naming `page_size`) rather than silently replaced by the default."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None or value == "":
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return int(value)

    def decode_cursor(self, request: Request) -> Cursor | None:
        """A cursor this API did not hand out is bad input (400 naming `cursor`), not a missing page."""
        invalid = ValidationError({self.cursor_query_param: ["Not a cursor from this list: follow `next`."]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise invalid from exc
        if cursor is not None and cursor.position is not None and not _is_datetime(cursor.position):  # type: ignore[arg-type]  # a string (the stub says int)
            raise invalid
        return cursor

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position in the list: take it from `next` or `previous`.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Items per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page; null on the last one."},
                "previous": {**link, "description": "The previous page; null on the first one."},
                "results": schema,
            },
        }


class NumberedPagination(PageNumberPagination):
    """Pages by number, for lists in a fixed order that readers jump around in (a document's
    text part by part). A page or page size that is not valid is refused, naming the parameter."""

    page_size = 1
    page_size_query_param = "page_size"
    max_page_size = 20

    def get_page_size(self, request: Request) -> int | None:
        value = request.query_params.get(self.page_size_query_param)
        if value is None or value == "":
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return int(value)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        value = request.query_params.get(self.page_query_param, "1") or "1"
        if not value.isdigit() or int(value) < 1:
            raise ValidationError({self.page_query_param: ["Must be a whole number from 1."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            count = self.django_paginator_class(queryset, self.get_page_size(request) or 1).num_pages
            raise ValidationError({self.page_query_param: [f"There is no page {value}: the last is {count}."]}) from exc
