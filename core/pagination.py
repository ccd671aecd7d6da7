"""Pagination that stays fast on large tables: the count stops at a cap.

``COUNT(*)`` over 100,000 customers (or a search matching most of them) costs more than the
page itself; nobody pages through more than a few thousand rows, they narrow the search. So
the paginator counts at most ``cap + 1`` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``)
and offers pages up to the cap; the template shows "more than 10000" when there are more
(``paginator.is_capped``). Deep pages are then bounded too: the largest OFFSET is the cap.

A page is fetched by key (``WHERE pk IN (SELECT pk ... ORDER BY ... OFFSET n LIMIT 25)``):
the keys come from the filtered table alone, often an index-only scan, and joins and
annotations are computed for the page's rows only, not for every skipped or sorted row (the
list's head-office city subquery ran 10,000 times for page 400; a project search joined
thousands of rows before sorting). Still one query per page.
"""

from django.core.paginator import Page, Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property

# A search's matches are counted up to this many: a user narrows a search rather than paging
# through thousands of matches, and counting all of them costs more than the page.
SEARCH_CAP = 1_000


class CappedPaginator(Paginator):
    """A Paginator whose ``count`` is at most ``cap``; ``is_capped`` says there are more."""

    cap = 10_000

    def __init__(self, *args, cap=None, keys_first=False, **kwargs):
        super().__init__(*args, **kwargs)
        if cap is not None:
            self.cap = cap
        # With a small cap (a search's 1,000) one query reads the keys of the first cap + 1
        # rows in order; the count and every page's keys come from that list, so the search
        # runs once instead of twice (count, then page) and the page is fetched by its keys.
        self.keys_first = keys_first and hasattr(self.object_list, "query")

    @cached_property
    def _keys(self):
        return list(self.object_list.values_list("pk", flat=True)[: self.cap + 1])

    @cached_property
    def _capped_count(self):
        object_list = self.object_list
        if self.keys_first:
            return len(self._keys)
        if hasattr(object_list, "query"):
            # Ordering, select_related and annotations do not change how many rows there are.
            counted = object_list.order_by().values("pk")[: self.cap + 1].count()
        else:
            counted = len(object_list[: self.cap + 1])
        return counted

    @cached_property
    def count(self):
        return min(self._capped_count, self.cap)

    @cached_property
    def is_capped(self):
        return self._capped_count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        object_list = self.object_list
        if self.keys_first:
            keys = self._keys[bottom:top]
            if not keys:
                return self._get_page(object_list.none(), number, self)
            return self._get_page(by_keys(object_list, keys), number, self)
        if hasattr(object_list, "query"):
            keys = object_list.values("pk")[bottom:top]
            return self._get_page(by_keys(object_list, keys), number, self)
        return self._get_page(object_list[bottom:top], number, self)


def by_keys(queryset, keys):
    """``queryset``'s rows whose pk is in ``keys``, keeping its order, joins and annotations.

    The keys subquery already applies every filter; repeating them outside makes the planner
    evaluate a search's UNION, EXISTS or subquery once more over all its matches. They are
    dropped when every join of the query is to at most one row (a foreign key followed forward,
    as ``select_related`` does: a row's join then gives the same columns with or without the
    filters) and the queryset is not empty by construction (``none()``). A join to many rows
    (``filter(contacts__...)``) keeps them: without its condition it would repeat rows.
    """
    query = queryset.query
    if query.is_empty() or not all(map(_to_one, query.alias_map.values())):
        return queryset.filter(pk__in=keys)
    outer = queryset.all()
    outer.query.where = WhereNode()
    return outer.filter(pk__in=keys)


def _to_one(table):
    """Whether an entry of a query's ``alias_map`` gives at most one row per row: the base
    table, or a join along a foreign key or one-to-one relation (not a reverse foreign key
    or many-to-many one)."""
    field = getattr(table, "join_field", None)
    if field is None:  # the query's own table
        return True
    return bool(field.many_to_one or field.one_to_one)


def page_with_count(queryset, page_number, per_page, *, order_by, compiled=None, using=None):
    """Page ``page_number`` of ``queryset`` (a ``values_list`` query, typically a UNION),
    picked as ``Paginator.get_page`` picks it, and its rows as tuples: ``(page, rows)``.

    One query instead of a count and a page: the query, compiled once, is wrapped in
    ``SELECT *, COUNT(*) OVER ()`` with the page's LIMIT and OFFSET, so the rows bring the
    number of all rows with them. For a UNION that halves the work (compiling it and running
    it). Only a page number past the end or below 1 (an old or edited link) costs a count
    first. ``order_by`` is ``[(position of the column, 1-based; descending?)]``; the
    queryset's own ordering is dropped. The values come as the database driver gives them
    (no field converters: on SQLite a datetime is a string). Instead of a queryset the caller
    may give its SQL without ordering, ``compiled=(sql, params)``, and the database alias
    ``using`` (a ``core.prepared.Prepared`` query's ``compiled()``).
    """
    if compiled is None:
        unordered = queryset.order_by()
        using = unordered.db
        compiled = unordered.query.get_compiler(using=using).as_sql()
    connection = connections[using or DEFAULT_DB_ALIAS]
    paginator = Paginator((), per_page)
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        number = 1
    if number < 1:
        paginator.count = _count(connection, compiled)
        number = paginator.num_pages
    fetched = _rows_with_count(connection, compiled, number, per_page, order_by)
    if not fetched and number > 1:
        paginator.count = _count(connection, compiled)
        number = paginator.num_pages
        fetched = _rows_with_count(connection, compiled, number, per_page, order_by)
    # The count came with the rows: the paginator must not run its own COUNT.
    paginator.count = fetched[0][-1] if fetched else 0
    rows = [row[:-1] for row in fetched]
    return Page(rows, number, paginator), rows


def _count(connection, compiled):
    sql, params = compiled
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)
        return cursor.fetchone()[0]


def _rows_with_count(connection, compiled, number, per_page, order_by):
    sql, params = compiled
    ordering = ", ".join(f"{position} {'DESC' if desc else 'ASC'}" for position, desc in order_by)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT *, COUNT(*) OVER () FROM ({sql}) counted ORDER BY {ordering} "
            "LIMIT %s OFFSET %s",
            [*params, per_page, (number - 1) * per_page],
        )
        return cursor.fetchall()
