"""Cursor pagination: listing page N costs the same whatever the collection's size."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class CreatedCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """The asked page size; one that is not a number from 1 to the maximum is refused (400
        naming `page_size`) rather than silently replaced by the default."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None or value == "":
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return int(value)
