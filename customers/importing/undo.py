"""Undo a confirmed import: remove what it created, give back what it changed.

Every history row a confirm writes carries the run's reason (``ImportRun.history_reason``), so
the history tables say exactly what the import did: ``+`` rows are created objects (deleted
again), ``~`` rows changed objects (their fields from the history row before get restored) and
``-`` rows grouping assignments the import removed (put back). A customer is *changed since*
when any object of it that the import wrote has a later history row with another reason, or,
when the import created the customer, when other rows (an address, a project, an activity…)
refer to it now. Those customers are listed and nothing is undone, unless the administrator
chooses to undo only the customers nobody touched. It all happens in one transaction, and the
history rows it writes say "undo import: <file>".

Two undos of one run (a retry racing a worker that was thought dead) are serialised with a
lock of their own, not by locking the run's row: the worker writes its progress and heartbeat to
that row through a second connection while the undo's transaction is open, and such a write
would otherwise wait for the undo's commit (the heartbeat would stop, and a long undo would be
taken for a crashed one). The undo reports its progress, table by table every 1,000 rows, and
closes the reporter before it writes the run's row itself, the last thing it does.
"""

from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from core.history import SOURCE_UNDO_IMPORT, change_source

from ..models import Address, Contact, Customer, CustomerGroupingOption
from .lookups import CHUNK

# Children before parents: contacts point at addresses, everything at the customer.
TRACKED = (CustomerGroupingOption, Contact, Address, Customer)
# The undo's phase for each model, in the order they are undone.
PHASES = {
    CustomerGroupingOption: "undo_groupings",
    Contact: "undo_contacts",
    Address: "undo_addresses",
    Customer: "undo_customers",
}
# Progress is reported every this many rows (the reporter writes at most twice a second).
PROGRESS_ROWS = 1000
# The first key of the PostgreSQL advisory lock an undo holds for its run (the second is the
# run's id): any number no other lock in the project uses.
UNDO_LOCK = 0x4B4B5544
# Stamps an undo sets itself rather than restoring.
NOT_RESTORED = {"id", "version", "updated_at", "updated_by_id", "created_at", "created_by_id"}


def _customer_of(model, row):
    return row["id"] if model is Customer else row["customer_id"]


def _chunks(values):
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


class _Plan:
    """What the import wrote, per model: history rows by object id, and who changed what since."""

    def __init__(self, reason):
        self.reason = reason
        self.rows = {}  # model -> {object id: the import's history row (dict)}
        self.customers = set()
        self.created_customers = set()
        self.touched = {}  # customer id -> name of who changed it since (or "")

    def load(self):
        for model in TRACKED:
            history = model.history.model
            rows = {}
            for row in history.objects.filter(history_change_reason=self.reason).values():
                rows[row["id"]] = row
            self.rows[model] = rows
            for row in rows.values():
                self.customers.add(_customer_of(model, row))
                if model is Customer and row["history_type"] == "+":
                    self.created_customers.add(row["id"])
        self._later_changes()
        self._foreign_children()
        return self

    def _later_changes(self):
        for model, rows in self.rows.items():
            history = model.history.model
            for ids in _chunks(rows):
                later = (
                    history.objects.filter(
                        id__in=ids, history_id__gt=min(rows[pk]["history_id"] for pk in ids)
                    )
                    .exclude(history_change_reason=self.reason)
                    .select_related("history_user")
                )
                for record in later:
                    mine = rows[record.id]
                    if record.history_id <= mine["history_id"]:
                        continue
                    row = {"id": record.id, "customer_id": getattr(record, "customer_id", None)}
                    user = record.history_user
                    self.touched.setdefault(
                        _customer_of(model, row), user.get_username() if user else ""
                    )

    def _foreign_children(self):
        """Rows that refer to a customer the import created but that the import did not
        create (an address added later, a project, an activity): the customer is in use."""
        if not self.created_customers:
            return
        mine = {model: set(rows) for model, rows in self.rows.items()}
        for relation in Customer._meta.related_objects:
            related = relation.related_model
            if not (relation.one_to_many or relation.one_to_one):
                continue
            if getattr(related, "_meta", None) and related._meta.model_name.startswith(
                "historical"
            ):
                continue
            column = relation.field.attname
            for ids in _chunks(self.created_customers):
                refs = related._base_manager.filter(**{f"{column}__in": ids}).values_list(
                    "pk", column
                )
                own = mine.get(related, set())
                for pk, customer_id in refs:
                    if pk not in own:
                        self.touched.setdefault(customer_id, "")


def _restore_values(model, record, previous):
    """The fields the import changed (``record`` against ``previous``), previous values."""
    values = {}
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in NOT_RESTORED:
            continue
        if record.get(name) != previous.get(name):
            values[name] = previous.get(name)
    return values


def _previous_rows(model, rows):
    """For each changed object, its history row just before the import's."""
    history = model.history.model
    previous = {}
    for ids in _chunks(rows):
        for row in (
            history.objects.filter(
                id__in=ids, history_id__lt=max(rows[pk]["history_id"] for pk in ids)
            )
            .order_by("id", "history_id")
            .values()
        ):
            if row["history_id"] < rows[row["id"]]["history_id"]:
                previous[row["id"]] = row  # ordered by history_id: the last one wins
    return previous


def _no_progress(phase, done, total):
    pass


class _Counter:
    """Rows undone of one model, reported every ``PROGRESS_ROWS`` and at the end."""

    def __init__(self, progress, model, total):
        self.progress, self.phase, self.total, self.done = progress, PHASES[model], total, 0
        progress(self.phase, 0, total)

    def step(self):
        self.done += 1
        if self.done % PROGRESS_ROWS == 0:
            self.progress(self.phase, self.done, self.total)

    def end(self):
        self.progress(self.phase, self.total, self.total)


def _undo_model(model, rows, *, user, now, progress=_no_progress):
    created = [pk for pk, row in rows.items() if row["history_type"] == "+"]
    changed = {pk: row for pk, row in rows.items() if row["history_type"] == "~"}
    removed = [row for row in rows.values() if row["history_type"] == "-"]
    counter = _Counter(progress, model, len(rows))
    for ids in _chunks(created):
        for obj in model._base_manager.filter(pk__in=ids):
            obj._history_user = user
            obj.delete()
            counter.step()
    if changed:
        previous = _previous_rows(model, changed)
        restores = []
        for pk, row in changed.items():
            if pk in previous:
                restores.append((pk, _restore_values(model, row, previous[pk])))
        # Flags under a one-per-customer constraint are cleared before they are set again.
        restores.sort(
            key=lambda item: (
                item[1].get("is_head_office", False),
                item[1].get("is_default_billing", False),
            )
        )
        objects = model._base_manager.in_bulk([pk for pk, _values in restores])
        for pk, values in restores:
            counter.step()
            obj = objects.get(pk)
            if obj is None or not values:
                continue
            for name, value in values.items():
                setattr(obj, name, value)
            fields = list(values)
            if hasattr(obj, "version"):
                obj.version += 1
                obj.updated_by = user
                obj.updated_at = now
                fields += ["version", "updated_by", "updated_at"]
            obj._history_user = user
            obj.save(update_fields=[model._meta.get_field(n).name for n in fields])
    for row in removed:
        obj = model(**{key: row[key] for key in ("customer_id", "option_id")})
        obj._history_user = user
        obj.save()
        counter.step()
    counter.end()


def _lock(run):
    """Hold the undo's lock for ``run`` until the transaction ends (PostgreSQL; SQLite lets
    one transaction write at a time anyway). Not the run's row: see the module."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [UNDO_LOCK, run.pk])


def _close(progress):
    close = getattr(progress, "close", None)
    if close is not None:
        close()


def import_undo(*, run, user, only_untouched=False, progress=_no_progress):
    """Undo ``run`` (an ``ImportRun`` that was confirmed) in one transaction.

    Returns the customers changed by someone since the import (``[{"id", "name", "by"}]``).
    When there are some and ``only_untouched`` is false, nothing is undone and the run keeps
    the list in ``undo_blocked`` for the page; otherwise the rest is undone and the run is
    marked undone. Returns None, doing nothing, when another undo of ``run`` has undone it
    meanwhile. ``progress(phase, done, total)`` is told how far it is; when it has a
    ``close()`` (a job's ``Reporter``), that is called before the run's row is written.
    """
    now = timezone.now()
    with transaction.atomic(), change_source(SOURCE_UNDO_IMPORT, run.file_name[:80]):
        _lock(run)
        run = type(run).objects.get(pk=run.pk)
        if run.undone_at is not None:
            _close(progress)
            return None
        progress("undo_checking", 0, len(TRACKED))
        plan = _Plan(run.history_reason).load()
        progress("undo_checking", len(TRACKED), len(TRACKED))
        names = dict(
            Customer._base_manager.filter(pk__in=list(plan.touched)).values_list("pk", "name")
        )
        blocked = [
            {"id": pk, "name": names.get(pk, ""), "by": by}
            for pk, by in sorted(plan.touched.items(), key=lambda item: names.get(item[0], ""))
        ]
        if blocked and not only_untouched:
            _close(progress)  # the run's row is written next, in this transaction
            run.undo_blocked = blocked
            run.stage = "confirm"
            run.status = run.DONE
            run.finished_at = now
            run.save(update_fields=["undo_blocked", "stage", "status", "finished_at"])
            return blocked
        skip = set(plan.touched)
        by_model = defaultdict(dict)
        for model, rows in plan.rows.items():
            for pk, row in rows.items():
                if _customer_of(model, row) not in skip:
                    by_model[model][pk] = row
        for model in TRACKED:
            _undo_model(model, by_model[model], user=user, now=now, progress=progress)
        _close(progress)  # the run's row is written next, in this transaction
        run.undo_blocked = blocked
        run.status = run.UNDONE
        run.undone_at = now
        run.undone_by = user
        run.finished_at = now
        run.save(update_fields=["undo_blocked", "status", "undone_at", "undone_by", "finished_at"])
        return blocked
