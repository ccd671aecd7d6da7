"""Query shapes compiled to SQL once per process, then run with each request's values.

Django compiles a queryset to SQL every time it is evaluated. For a query that joins a few
tables (the card's customer with its owner, industry and the users who created and last
changed it) that is about a millisecond of Python, as long as the database takes to answer it,
and the card pays it on every tab, on every request, for the same SQL with another id.

``Prepared(build)`` compiles the queryset ``build`` returns once per database and *shape*,
with marker values in the place of the values that change between calls, and remembers the
SQL and the compiler's column layout. A call clones that queryset (cheaper than building
it again), hands Django the remembered compiler with the real values put where the markers
were, and evaluates it: Django reads the rows into model instances or dicts as it
always does, select_related and prefetch_related included.

What may vary between calls:

- **values** (keyword arguments): ints, strings and aware datetimes that the query compares
  as they are (``pk=``, ``customer_id=``, ``starts_at__gte=``). A value Django rewrites
  before it reaches the SQL (a LIKE pattern for ``icontains``, a date of a ``__date``
  lookup) cannot be found among the compiled parameters, and the first compile says so with
  a ``ValueError`` rather than running the wrong SQL. ``None`` and booleans are refused:
  ``=None`` compiles to ``IS NULL``, another shape.
- **shape** (positional arguments, hashable): whatever changes the SQL itself, such as a
  right that adds a filter, a sort order or how many ids an ``IN`` holds. Each shape is
  compiled once.

A queryset that can match nothing (``none()``, for a user without the right) is not compiled
at all: the call returns an empty list, as Django would without a query. The result is always
a list; ``build`` slices for ``LIMIT``. Tests compare every prepared query with the plain
queryset (``tests/test_prepared.py`` and the query-count tests of the pages that use one).
"""

import copy
import datetime
import threading

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

# Within the range of every integer column (a small positive one's too): Django drops a value
# outside a column's range from the SQL. A constant equal to a marker is caught by the second
# compile (it would not change with the marker).
_INT_MARKER_BASE = 29_173
_STR_MARKER = "\x1fkundkort-prepared:{name}\x1f"


class _Compiled:
    """One shape's compiled SQL, its compiler (the column layout Django reads rows with), where
    each value goes among the parameters, and the queryset it was compiled from (cloned for
    each call: it tells Django how to read the rows; its own SQL is never made again). A shape
    that matches nothing by construction has no SQL (``queryset`` only)."""

    __slots__ = ("queryset", "compiler", "sql", "params", "positions")

    def __init__(self, queryset, compiler=None, sql=None, params=(), positions=None):
        self.queryset = queryset
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.positions = positions or {}

    def params_for(self, connection, values):
        params = list(self.params)
        for name, places in self.positions.items():
            value = _as_param(connection, values[name])
            for place in places:
                # The type Django gave the marker there: on PostgreSQL an int compared with a
                # bigint column comes as psycopg's Int8 (an int), and must again.
                kind = type(params[place])
                params[place] = value if kind is type(value) else kind(value)
        return tuple(params)


def _check(values):
    for name, value in values.items():
        if isinstance(value, datetime.datetime):
            if timezone.is_naive(value):
                raise TypeError(f"Prepared query value {name!r} must be an aware datetime")
        elif isinstance(value, bool) or not isinstance(value, int | str):
            raise TypeError(
                f"Prepared query value {name!r} must be an int, a str or an aware datetime, "
                f"not {type(value)!r}"
            )


def _marker(index, name, value, variant):
    """A value that cannot occur in a real query, one of two variants."""
    if isinstance(value, datetime.datetime):
        return datetime.datetime(
            1901 + variant, 2, 3, 4, 5, index % 60, 678_901, tzinfo=datetime.UTC
        )
    if isinstance(value, int):
        return _INT_MARKER_BASE + 1009 * variant + index
    return _STR_MARKER.format(name=f"{name}:{variant}")


def _same(param, wanted):
    """Is ``param`` of the marker's kind: its type, or an int wrapped by the driver's adapter
    (psycopg's Int4/Int8)?"""
    if type(param) is type(wanted):
        return True
    return type(wanted) is int and isinstance(param, int) and not isinstance(param, bool)


def _as_param(connection, value):
    """A value as Django puts it among a query's parameters (a datetime is adapted: on SQLite
    it becomes text)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


class Prepared:
    """A query shape compiled once; ``prepared(*shape, **values)`` runs it (a list).

    ``build(*shape, **values)`` must give the same SQL for the same shape whatever the
    values, and read nothing else (it is called with markers, twice per shape, and never
    again); ``using`` names the database."""

    def __init__(self, build, *, using=DEFAULT_DB_ALIAS):
        self.build = build
        self.using = using
        self._compiled = {}
        self._lock = threading.Lock()

    def _compile(self, shape, values):
        """Compile the shape twice, with two sets of markers: each marker must sit where its
        value goes, and nothing else may differ (a value Django rewrote, into a LIKE pattern
        say, would differ somewhere else: it is refused, not run with a stale copy)."""
        connection = connections[self.using]
        names = sorted(values)
        runs = []
        for variant in (0, 1):
            markers = {
                name: _marker(index, name, values[name], variant)
                for index, name in enumerate(names)
            }
            queryset = self.build(*shape, **markers)
            if queryset._known_related_objects:
                # Rows of a related manager get its instance, which would be the markers'.
                raise ValueError("Prepared queries are built from a model's manager")
            if queryset.query.is_empty():  # none(): no SQL, no rows
                return _Compiled(queryset)
            compiler = queryset.query.get_compiler(using=self.using)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                raise ValueError(
                    "Prepared query matches nothing with its markers: make the values that "
                    "decide it part of the shape"
                ) from None
            runs.append((queryset, compiler, sql, tuple(params), markers))
        (queryset, compiler, sql, params, markers), other = runs
        _other_queryset, _other_compiler, other_sql, other_params, other_markers = other
        positions = {}
        for name, marker in markers.items():
            wanted = _as_param(connection, marker)
            positions[name] = [
                i for i, param in enumerate(params) if _same(param, wanted) and param == wanted
            ]
            if not positions[name]:
                raise ValueError(
                    f"Prepared query value {name!r} does not reach the SQL as it is: "
                    "make it part of the shape"
                )
        compiled = _Compiled(queryset, compiler, sql, params, positions)
        if other_sql != sql or other_params != compiled.params_for(connection, other_markers):
            raise ValueError(
                "Prepared query values change the SQL or reach it rewritten: make them part of "
                "the shape"
            )
        return compiled

    def compiled(self, *shape, **values):
        """The shape's compiled SQL (compiled now if it was not yet) for ``values``:
        ``(sql, params)``, the same Django would make from ``build(*shape, **values)``; None
        for a shape that matches nothing by construction."""
        compiled = self._get(shape, values)
        if compiled.sql is None:
            return None
        return compiled.sql, compiled.params_for(connections[self.using], values)

    def _get(self, shape, values):
        _check(values)
        connection = connections[self.using]
        # The values' types too: an id given as text is another query than one given as a
        # number (Django adapts each its own way).
        key = (
            connection.vendor,
            shape,
            tuple((name, type(values[name])) for name in sorted(values)),
        )
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(shape, values)
            with self._lock:
                self._compiled[key] = compiled
        return compiled

    def __call__(self, *shape, **values):
        compiled = self._get(shape, values)
        if compiled.sql is None:
            return []
        # A clone of the compiled queryset with a compiler of its own, holding the remembered
        # layout: Django's iterables ask the query for its compiler and run its execute_sql,
        # which asks as_sql for the SQL. Only this clone gets it; it is not kept.
        queryset = compiled.queryset.all()
        compiler = copy.copy(compiled.compiler)
        compiler.query = queryset.query
        compiler.connection = connections[self.using]
        sql, params = compiled.sql, compiled.params_for(compiler.connection, values)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)
