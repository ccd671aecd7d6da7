"""Cursor pagination: a page costs the same at the start and deep in a list of 100,000 rows
(no OFFSET, no COUNT), and rows added meanwhile are neither skipped nor repeated."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class APICursorPagination(CursorPagination):
    page_size_query_param = "page_size"
    ordering = "pk"

    def __init__(self):
        self.page_size = settings.KUNDKORT_API_PAGE_SIZE
        self.max_page_size = settings.KUNDKORT_API_MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        # Each list names its own order: a unique, indexed key keeps the cursor exact.
        ordering = getattr(view, "cursor_ordering", self.ordering)
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)
