"""Page-number pagination with a hard cap, stable ordering and JSON errors.

`?page=` (from 1) and `?page_size=` (1 to 100, default 20). A malformed value is a 400 naming
the parameter; a page past the end is a 404. Two queries per page: the count and the rows.
"""

import base64
import binascii
import hashlib
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db.models import Q
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

from claimcheck import freshness

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _positive(request, name, default, maximum=None):
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if raw.isascii() and raw.strip().isdigit() else None
    except ValueError:
        value = None
    if value is None or value < 1:
        raise ValidationError({name: [f"{name} must be a whole number from 1."]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [f"{name} must be at most {maximum}."]})
    return value


def page_params(request):
    page = _positive(request, "page", 1, maximum=10_000_000)
    size = _positive(request, "page_size", DEFAULT_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    return page, size


class Page:
    def __init__(self, request, rows, count, page, size):
        self.request, self.rows, self.count, self.page, self.size = (
            request,
            rows,
            count,
            page,
            size,
        )

    def _link(self, page):
        url = self.request.build_absolute_uri()
        if page == 1:
            return remove_query_param(url, "page")
        return replace_query_param(url, "page", page)

    cursor_next = None  # set on cursor pages: the URL of the next page, or None at the end
    cursor_mode = False

    def envelope(self, results, **extra):
        if self.cursor_mode:
            return {
                "count": self.count,
                "next": self.cursor_next,
                "previous": None,
                **extra,
                "results": results,
            }
        has_next = self.page * self.size < self.count
        return {
            "count": self.count,
            "next": self._link(self.page + 1) if has_next else None,
            "previous": self._link(self.page - 1) if self.page > 1 else None,
            **extra,
            "results": results,
        }


def paginate(request, queryset, *, count_key=None):
    """One page of `queryset` (already ordered): a count query and a rows query. For
    anonymous readers the count is kept per content version (counting every published row is
    the one part of a list that grows with the catalogue), so later pages cost one query.
    `count_key` names what the queryset selects (filters.selection_key); without it, the SQL
    is compiled to name it."""
    page, size = page_params(request)
    count = _count(request, queryset, key=count_key)
    offset = (page - 1) * size
    if page > 1 and offset >= count:
        raise NotFound(f"There is no page {page}: the last page is {max(1, -(-count // size))}.")
    rows = list(queryset[offset : offset + size])
    return Page(request, rows, count, page, size)


def _count(request, queryset, *, key=None):
    if getattr(request, "content_version", None) is None:  # keys and staff: always live
        return queryset.count()
    if key is None:
        try:
            sql, params = queryset.order_by().query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing: Django answers 0, no query
            return queryset.count()
        key = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    return freshness.document(f"count:{key}", queryset.count)


def paginate_list(request, items):
    """The same, over an already ranked list (search hits)."""
    page, size = page_params(request)
    count = len(items)
    offset = (page - 1) * size
    if page > 1 and offset >= count:
        raise NotFound(f"There is no page {page}: the last page is {max(1, -(-count // size))}.")
    return Page(request, items[offset : offset + size], count, page, size)


def _encode_cursor(moment, pk):
    raw = f"{moment.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(value):
    try:
        padded = value + "=" * (-len(value) % 4)
        moment, pk = base64.urlsafe_b64decode(padded.encode("ascii")).decode().split("|")
        parsed = datetime.fromisoformat(moment)
        number = int(pk)
        if parsed.tzinfo is None or not 0 < number < 2**63:
            raise ValueError(value)
        return parsed, number
    except (ValueError, UnicodeError, binascii.Error) as error:
        raise ValidationError(
            {"cursor": ["Not a cursor from this API: start with cursor= and follow next."]}
        ) from error


def paginate_by_cursor(request, queryset, *, field="updated_at"):
    """Keyset pages for sync: rows in (field, id) order after the cursor, so rows changed while
    a client pages through are neither skipped nor repeated. `?cursor=` (empty) starts; each
    page links the next, until a page is not full. Two queries: the count left and the rows."""
    _, size = page_params(request)
    raw = request.query_params.get("cursor", "")
    if raw:
        moment, pk = _decode_cursor(raw)
        queryset = queryset.filter(
            Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "pk__gt": pk})
        )
    queryset = queryset.order_by(field, "pk")
    count = queryset.count()
    rows = list(queryset[:size])
    page = Page(request, rows, count, 1, size)
    page.cursor_mode = True
    if count > size:
        last = rows[-1]
        page.cursor_next = replace_query_param(
            request.build_absolute_uri(), "cursor", _encode_cursor(getattr(last, field), last.pk)
        )
    return page
