"""The one bulk writer: many new rows, and their django-simple-history records, fast.

The importer, the report's grouping bulk actions and the scale seed write through it, so every
bulk path leaves the same history a form would (who, when, and the change's source from
``core.history.current_source()``), and none types out a table's columns.

``insert(model, items, build, ...)`` writes one row per item (``build(item)`` gives its values,
a dict of attname -> value; the model's other columns get their defaults) and returns the new
ids in the items' order. On PostgreSQL the rows go in with ``COPY`` (ids taken from the
table's sequence first, so the caller learns them), and their history records with a second
``COPY`` into the historical table: the same columns ``bulk_create_with_history`` writes (the
row's fields, history_date, history_change_reason, history_type "+", history_user). Each row
is built while the ``COPY`` streams: PostgreSQL inserts the rows already sent while Python
builds the next ones, so the two processes work at the same time instead of in turn. Django's
``bulk_create`` compiles every value through the ORM, which caps an import at about 1,000 rows
a second with history; COPY takes a 100,000-row file in seconds. On other databases (SQLite in
development and tests) ``bulk_create_with_history`` does the same job.

``delete(queryset, ...)`` deletes rows of a table nothing cascades from, writing their "-"
history records first with one ``INSERT ... SELECT``.

Progress: ``on_rows(done)`` hears every ``PROGRESS_ROWS`` rows, also while a ``COPY`` streams.
While it streams the connection is busy (psycopg holds its lock until the ``COPY`` ends), so
nothing may run a query on it then: ``in_copy(connection)`` tells a progress reporter that
writes on the same connection to keep the figures and write them after the ``COPY``
(``customers.background.progress``). ``on_rows`` is called once more after each ``COPY`` ends.
"""

import contextlib
import operator

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.history import current_source

BATCH = 2000
# Rows between two calls of ``on_rows``.
PROGRESS_ROWS = 1000
# The most a history record's change reason holds (simple-history's column).
REASON_LENGTH = 100


def _defaults(model, now):
    """Every column's value for a row that does not give it (NOT NULL text: empty)."""
    defaults = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.attname] = now
        elif field.has_default():
            defaults[field.attname] = field.get_default()
        elif field.null:
            defaults[field.attname] = None
        else:
            defaults[field.attname] = ""
    return defaults


_IN_COPY = "kundkort_in_copy"


def in_copy(connection):
    """Is ``connection`` (a Django connection wrapper) streaming a ``COPY`` right now?"""
    return getattr(connection, _IN_COPY, False)


@contextlib.contextmanager
def _copying(connection, cursor, sql):
    setattr(connection, _IN_COPY, True)
    try:
        with cursor.copy(sql) as copy:
            yield copy
    finally:
        setattr(connection, _IN_COPY, False)


def _call(callback, *args):
    if callback is not None:
        callback(*args)


def insert(
    model,
    items,
    build,
    *,
    user,
    now=None,
    history=True,
    reason=None,
    on_history=None,
    on_rows=None,
):
    """Insert a row for each of ``items`` and return their ids in order.

    ``history`` writes each row's "+" history record, marked with ``reason`` (by default the
    current change source) and ``user``. The scale seed passes ``history=False`` and writes
    a dated past with ``copy_to_history`` afterwards. ``on_history()`` is called when the
    history records start and ``on_rows(done)`` every ``PROGRESS_ROWS`` rows (progress
    reports; ``done`` counts the rows, then again their history records, so it goes up to
    ``len(items)`` twice with history).
    """
    if not items:
        return []
    now = now or timezone.now()
    reason = (reason if reason is not None else current_source())[:REASON_LENGTH]
    if connection.vendor == "postgresql":
        return _copy_insert(
            model,
            items,
            build,
            user=user,
            reason=reason,
            now=now,
            history=history,
            on_history=on_history,
            on_rows=on_rows,
        )
    ids = []
    for start in range(0, len(items), BATCH):
        objs = [model(**build(item)) for item in items[start : start + BATCH]]
        if history:
            bulk_create_with_history(
                objs,
                model,
                batch_size=BATCH,
                default_user=user,
                default_change_reason=reason,
                default_date=now,
            )
        else:
            model._default_manager.bulk_create(objs, batch_size=BATCH)
        ids.extend(obj.pk for obj in objs)
        _call(on_rows, len(ids))
    if history:
        # bulk_create_with_history wrote each batch's history records with it.
        _call(on_history)
        _call(on_rows, len(ids))
    return ids


def _pg_type(field):
    """The type name psycopg knows for a column ("varchar(200)" -> "varchar")."""
    name = field.db_type(connection).split("(")[0].strip()
    return {"timestamp with time zone": "timestamptz"}.get(name, name)


def _copy_insert(model, items, build, *, user, reason, now, history, on_history, on_rows):
    defaults = _defaults(model, now)
    columns = list(defaults)
    # A row's values in column order: its own over the defaults (a C-level dict merge and
    # itemgetter, three times faster than a comprehension of row.get per column).
    pick = operator.itemgetter(*columns)
    table = model._meta.db_table
    quote = connection.ops.quote_name
    fields = [model._meta.pk] + [model._meta.get_field(c) for c in columns]
    types = [_pg_type(f) for f in fields]
    column_sql = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        # The sequence's name first: pg_get_serial_sequence inside the nextval() would be
        # evaluated once per row, ten times the cost of nextval itself.
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, len(items)]
        )
        ids = [row[0] for row in cursor.fetchall()]
        values = []
        sql = f"COPY {quote(table)} ({column_sql}) FROM STDIN (FORMAT BINARY)"
        with _copying(connection, cursor, sql) as copy:
            copy.set_types(types)
            for done, (item, pk) in enumerate(zip(items, ids, strict=True), start=1):
                value = (pk, *pick({**defaults, **build(item)}))
                copy.write_row(value)
                if history:
                    values.append(value)
                if on_rows is not None and not done % PROGRESS_ROWS:
                    on_rows(done)
        _call(on_rows, len(items))  # the COPY has ended: a buffered report may be written
        if not history:
            return ids
        _call(on_history)
        history_model = model.history.model
        history_types = types + [
            "timestamptz",
            "varchar",
            "varchar",
            _pg_type(history_model._meta.get_field("history_user")),
        ]
        history_sql = column_sql + ", history_date, history_change_reason, history_type, "
        history_sql += "history_user_id"
        extra = (now, reason, "+", getattr(user, "pk", None))
        sql = (
            f"COPY {quote(history_model._meta.db_table)} ({history_sql}) FROM STDIN (FORMAT BINARY)"
        )
        with _copying(connection, cursor, sql) as copy:
            copy.set_types(history_types)
            for done, value in enumerate(values, start=1):
                copy.write_row(value + extra)
                if on_rows is not None and not done % PROGRESS_ROWS:
                    on_rows(done)
        _call(on_rows, len(values))
    return ids


def copy_to_history(queryset, *, history_type, user, now=None, date=None, values=None):
    """Write a history record of each row of ``queryset`` with one ``INSERT ... SELECT``;
    return how many were written.

    For writes that bypass ``save()``/``delete()`` (so simple-history's signals do not see
    them): copying in the database keeps 100,000 rows within seconds, where building model
    instances for them took most of a minute. The copied columns are the ones the historical
    model tracks, read from it, so a field added to the model is copied too.

    By default every record is dated ``now`` and holds the row's values as they are. The scale
    seed writes a past: ``date`` is an expression giving each record's ``history_date`` from
    its row (``Greatest(F("created_at"), Value(day))``), ``values`` maps field names to
    expressions for values the record holds instead of the row's (``{"title": Value("")}``),
    and ``user`` may be an expression too (``F("owner_id")``).
    """
    model = queryset.model
    history_model = model.history.model
    tracked = [f.attname for f in model._meta.concrete_fields]
    quote = connection.ops.quote_name
    replaced = {model._meta.get_field(name).attname: expr for name, expr in (values or {}).items()}
    # Replaced values and the date are annotations with names of their own (an annotation may
    # not shadow a field); the outer SELECT names every column, so their order does not matter.
    aliases = {f"hist_{name}": expr for name, expr in replaced.items()}
    if date is not None:
        aliases["hist_date"] = date
    user_is_expression = hasattr(user, "resolve_expression")
    if user_is_expression:
        aliases["hist_user"] = user
    plain = [name for name in tracked if name not in replaced]
    try:
        select_sql, params = queryset.order_by().values(*plain, **aliases).query.sql_with_params()
    except EmptyResultSet:  # filtered by an empty list: no rows
        return 0
    picked = ", ".join(
        f"sub.{quote('hist_' + name if name in replaced else model._meta.get_field(name).column)}"
        for name in tracked
    )
    columns = ", ".join(quote(history_model._meta.get_field(name).column) for name in tracked)
    head = [current_source()[:REASON_LENGTH], history_type]
    if user_is_expression:
        user_sql = f"sub.{quote('hist_user')}"
    else:
        user_sql = "%s"
        head.append(getattr(user, "pk", None))
    if date is None:
        date_sql = "%s"
        head.insert(0, connection.ops.adapt_datetimefield_value(now or timezone.now()))
    else:
        date_sql = f"sub.{quote('hist_date')}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history_model._meta.db_table)} "
            "(history_date, history_change_reason, history_type, history_user_id, "
            f"{columns}) SELECT {date_sql}, %s, %s, {user_sql}, {picked} FROM ({select_sql}) sub",
            [*head, *params],
        )
        return cursor.rowcount


def delete(queryset, *, user):
    """Delete the rows of ``queryset`` (a table nothing cascades from, such as a through
    table) with their "-" history records; return how many there were."""
    copy_to_history(queryset, history_type="-", user=user)
    queryset = queryset.order_by()
    # _raw_delete skips the per-row signals: the history records were written above, and
    # nothing cascades from the table.
    return queryset._raw_delete(queryset.db)
