"""Planning an import: every row of the file checked and turned into changes in memory.

The plan is built the same way for the review (dry run) and for the confirm, so what the
review shows is what the confirm writes; the confirm plans again inside its transaction,
against the data as it is then. Each row goes through the same steps, each in its own module
and each given the row's ``RowState`` explicitly:

1. ``matching.Matcher.customer_for``: which customer the row is about (existing or new);
2. ``plan_customer``: the customer's own columns;
3. ``plan_address``: the row's address, with the head office and billing rules;
4. ``plan_contact``: the row's contact;
5. ``plan_groupings``: the row's grouping options, with the single-choice rule.

The rules themselves are ``customers/rules.py``'s, the ones the forms' services call.
"""

from django.utils.translation import gettext as _

from . import parallel
from .cells import CellValidator
from .matching import Matcher
from .plan_address import plan_address
from .plan_contact import plan_contact
from .plan_customer import own_new_customers, plan_customer
from .plan_groupings import plan_groupings
from .report import DETAIL_ROWS, ImportResult, RowReport, RowState

# Rows between two calls of the progress callback.
PROGRESS_ROWS = 1000


class Planner:
    """Reads the rows of a table against the database and plans every change in memory.

    What the steps share lives here: the options, the result being counted, the matched and
    new customers (``matcher``), the look-up values (``lookups``) and the cell validator.
    Nothing of a single row is kept on it."""

    def __init__(self, table, options, *, lock=False, user=None, memo=None, progress=None):
        self.table = table
        self.options = options
        self.user = user
        self.keys = [column.key for column in table.columns]
        self.result = ImportResult(options=options)
        self.matcher = Matcher(lock=lock, user=user)
        self.cells = CellValidator(memo)
        self.progress = progress
        self.phase = "matching" if lock else "checking"
        # Translated once: gettext per row would cost more than the row's validation.
        self.t_address = _("address added: %(address)s")
        self.t_contact = _("contact added: %(name)s")
        self.t_grouping = _("grouping added: %(name)s")

    @property
    def memo(self):
        return self.cells.memo

    def may_change(self, state, label, old, new):
        """Whether the import may change a detail of something already saved ("Update
        existing customers' details"); either way the review lists it."""
        if self.options.update_existing:
            state.note(f"{label}: {old or '–'} → {new}")
            return True
        self.result.skipped_changes += 1
        state.note(
            _("%(field)s not changed (%(old)s → %(new)s): updating details is off")
            % {"field": label, "old": old or "–", "new": new},
            skipped=True,
        )
        return False

    def plan(self):
        keys = self.keys
        rows = self.table.rows
        total = len(rows)
        # A large file's second half is validated by a helper process meanwhile.
        helper, helped_from = None, None
        if not self.memo:  # a memo from the review covers every row already
            helper, helped_from = parallel.start(keys, self.table)
        self._report(0, total)
        self.lookups = self.matcher.load(keys, rows)
        result = self.result
        headers = self.table.headers
        for index, (row, values) in enumerate(rows):
            if index == helped_from and helper is not None:
                self.memo.update(helper.memo())
            if index and not index % PROGRESS_ROWS:
                self._report(index, total)
            cells = {key: value for key, value in zip(keys, values, strict=False) if value}
            state = RowState(row, headers=headers, detail=len(result.rows) < DETAIL_ROWS)
            plan, found = self.matcher.customer_for(state, cells)
            if plan is not None:
                plan_customer(self, state, plan, cells)
                address = plan_address(self, state, plan, cells)
                plan_contact(self, state, plan, cells, address)
                plan_groupings(self, state, plan, cells)
            result.errors.extend(state.errors)
            label = plan.label if plan is not None else cells.get("name", "")
            result.rows.append(RowReport(row, state.action(found), label, state.changes))
        result.row_count = total
        own_new_customers(self)
        # The rows are planned: let their memory go before the writes need some.
        self.table.rows = []
        for plan in self.matcher.customers_by_pk.values():
            if plan.changed or plan.added:
                result.updated_customers += 1
            else:
                result.unchanged_customers += 1
        result.new_customers = len(self.matcher.plans)
        result.values_created = self.lookups.values_to_create()
        self._report(total, total)
        return result

    def _report(self, done, total):
        if self.progress is not None:
            self.progress(self.phase, done, total)
