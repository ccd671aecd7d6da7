"""Query shapes compiled to SQL once per process, then run with each request's values.

Django compiles a queryset to SQL every time it is evaluated. For a query that joins a few
tables (the card's customer with its owner, industry and the users who created and last
changed it) that is about a millisecond of Python, as long as the database takes to answer it,
and the card pays it on every tab, on every request, for the same SQL with another id.

``Prepared(build)`` compiles the queryset ``build`` returns once per database and *shape*,
with marker values in the place of the values that change between calls, and remembers the
SQL and the compiler's column layout. A call builds the queryset with the real values (cheap:
no SQL is made), hands Django the remembered compiler with the real values put where the
markers were, and evaluates it: Django reads the rows into model instances or dicts as it
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
from django.db import connections
from django.utils import timezone

# Within the range of every integer column (a small positive one's too): Django drops a value
# outside a column's range from the SQL. A constant equal to a marker is caught by the second
# compile (it would not change with the marker).
_INT_MARKER_BASE = 29_173
_STR_MARKER = "\x1fkundkort-prepared:{name}\x1f"


class _Compiled:
    """One shape's compiled SQL, its compiler (the column layout Django reads rows with) and
    where each value goes among the parameters."""

    __slots__ = ("compiler", "sql", "params", "positions")

    def __init__(self, compiler, sql, params, positions):
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.positions = positions

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
    """A query shape compiled once; ``prepared(*shape, **values)`` runs it (a list)."""

    def __init__(self, build):
        self.build = build
        self._compiled = {}
        self._lock = threading.Lock()

    def _compile(self, shape, values, using):
        """Compile the shape twice, with two sets of markers: each marker must sit where its
        value goes, and nothing else may differ (a value Django rewrote, into a LIKE pattern
        say, would differ somewhere else: it is refused, not run with a stale copy)."""
        connection = connections[using]
        names = sorted(values)
        runs = []
        for variant in (0, 1):
            markers = {
                name: _marker(index, name, values[name], variant)
                for index, name in enumerate(names)
            }
            compiler = self.build(*shape, **markers).query.get_compiler(using=using)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                raise ValueError(
                    "Prepared query matches nothing with its markers: make the values that "
                    "decide it part of the shape"
                ) from None
            runs.append((compiler, sql, tuple(params), markers))
        (compiler, sql, params, markers), (_c, other_sql, other_params, other_markers) = runs
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
        expected = _Compiled(compiler, sql, params, positions).params_for(connection, other_markers)
        if other_sql != sql or other_params != expected:
            raise ValueError(
                "Prepared query values change the SQL or reach it rewritten: make them part of "
                "the shape"
            )
        return _Compiled(compiler, sql, params, positions)

    def compiled(self, *shape, using="default", **values):
        """The shape's compiled SQL (compiled now if it was not yet) for ``values``:
        ``(sql, params)``, the same Django would make from ``build(*shape, **values)``."""
        compiled = self._get(shape, values, using)
        return compiled.sql, compiled.params_for(connections[using], values)

    def _get(self, shape, values, using):
        _check(values)
        connection = connections[using]
        key = (using, connection.vendor, shape, tuple(sorted(values)))
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compile(shape, values, using)
            with self._lock:
                self._compiled[key] = compiled
        return compiled

    def __call__(self, *shape, **values):
        _check(values)
        queryset = self.build(*shape, **values)
        if queryset.query.is_empty():
            return []
        using = queryset.db
        compiled = self._get(shape, values, using)
        # A compiler of this query's own, holding the remembered layout: Django's iterables
        # ask the query for its compiler and run its execute_sql, which asks as_sql for the
        # SQL. Only this evaluated queryset gets it; it is not kept.
        compiler = copy.copy(compiled.compiler)
        compiler.query = queryset.query
        compiler.connection = connections[using]
        compiler.using = using
        sql, params = compiled.sql, compiled.params_for(compiler.connection, values)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        try:
            return list(queryset)
        finally:
            del queryset.query.get_compiler
