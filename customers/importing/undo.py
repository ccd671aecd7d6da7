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
"""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from core.history import SOURCE_UNDO_IMPORT, change_source

from ..models import Address, Contact, Customer, CustomerGroupingOption
from .lookups import CHUNK

# Children before parents: contacts point at addresses, everything at the customer.
TRACKED = (CustomerGroupingOption, Contact, Address, Customer)
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


def _undo_model(model, rows, *, user, now):
    created = [pk for pk, row in rows.items() if row["history_type"] == "+"]
    changed = {pk: row for pk, row in rows.items() if row["history_type"] == "~"}
    removed = [row for row in rows.values() if row["history_type"] == "-"]
    for ids in _chunks(created):
        for obj in model._base_manager.filter(pk__in=ids):
            obj._history_user = user
            obj.delete()
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


def import_undo(*, run, user, only_untouched=False):
    """Undo ``run`` (an ``ImportRun`` that was confirmed) in one transaction.

    Returns the customers changed by someone since the import (``[{"id", "name", "by"}]``).
    When there are some and ``only_untouched`` is false, nothing is undone and the run keeps
    the list in ``undo_blocked`` for the page; otherwise the rest is undone and the run is
    marked undone.
    """
    now = timezone.now()
    with transaction.atomic(), change_source(SOURCE_UNDO_IMPORT, run.file_name[:80]):
        run = type(run).objects.select_for_update().get(pk=run.pk)
        plan = _Plan(run.history_reason).load()
        names = dict(
            Customer._base_manager.filter(pk__in=list(plan.touched)).values_list("pk", "name")
        )
        blocked = [
            {"id": pk, "name": names.get(pk, ""), "by": by}
            for pk, by in sorted(plan.touched.items(), key=lambda item: names.get(item[0], ""))
        ]
        if blocked and not only_untouched:
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
            _undo_model(model, by_model[model], user=user, now=now)
        run.undo_blocked = blocked
        run.status = run.UNDONE
        run.undone_at = now
        run.undone_by = user
        run.finished_at = now
        run.save(update_fields=["undo_blocked", "status", "undone_at", "undone_by", "finished_at"])
        return blocked
