"""Plan an import in memory, report it, and write it in bulk in one transaction.

The plan is built the same way for the review (dry run) and for the confirm, so what the review
shows is what the confirm writes; the confirm plans again inside its transaction, against the
data as it is then, and writes nothing when that plan has errors.

Speed: a row costs dictionary look-ups and the validators its filled cells need. Customers,
addresses, contacts and grouping assignments are read for the whole file in chunked queries
(``__any_of``: one array parameter per chunk); new rows go in with ``bulk.insert`` (``COPY``
on PostgreSQL) and changes with ``bulk_update_with_history``, in batches, so the number of
queries grows with the file size divided by the batch size, not with the rows. README
"Customer import" has the figures and what each measure gained.
"""

import contextlib
import gc
import json
import time
import zlib
from dataclasses import dataclass, field
from itertools import repeat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ..history import SOURCE_IMPORT, change_source, current_source
from ..models import Address, Contact, Customer, CustomerGroupingOption, NumberSequence
from ..permissions import is_restricted_to_own, may_edit_customers
from . import bulk, parallel
from . import values as v
from .columns import COLUMN_BY_KEY
from .lookups import CHUNK, Lookups, Pending
from .reader import ImportFileError, read_table

BATCH = 2000
# Rows a COPY streams at a time (``Writer.insert``): each COPY ends with a wait for PostgreSQL
# to catch up, and the rows stay in memory until their history records are written.
INSERT_BATCH = 25_000
DETAIL_ROWS = 2000
CUSTOMER_SEQUENCE = "customer"  # the key customers/services/customers.py numbers from
NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
# Prefix of a change the review reports but the import does not make (updating is off).
SKIPPED = "\u2298 "
NO_COUNTRY = object()  # a validator that takes no country (Planner.validated)
EMAILS = "emails"  # the memo's entry for the set of valid email addresses (Planner.valid_email)

# Customer columns and the model field each one fills.
CUSTOMER_TEXT = {
    "name": 200,
    "einvoice_address": 100,
    "description": 100_000,
}
CUSTOMER_LOOKUPS = {
    "industry": "industry_id",
    "payment_term": "payment_term_id",
    "invoice_template": "invoice_template_id",
    "price_list": "price_list_id",
    "currency": "currency_id",
    "einvoice_operator": "einvoice_operator_id",
    "owner": "owner_id",
}
CUSTOMER_WRITE_FIELDS = [
    "number",
    "name",
    "organisation_number",
    "vat_number",
    "country",
    "website",
    "email",
    "description",
    "einvoice_address",
    *CUSTOMER_LOOKUPS.values(),
]
PENDING_ATTNAMES = frozenset(CUSTOMER_LOOKUPS.values())
# Fields of a contact already there that "Update existing customers' details" may change.
CONTACT_UPDATABLE = ("title", "role_id", "phone", "mobile")
ADDRESS_FIELDS = (
    "line1",
    "line2",
    "postal_code",
    "city",
    "country",
    "is_postal",
    "is_visiting",
    "is_billing",
)
ADDRESS_COLUMNS = ("line1", "line2", "postal_code", "city")
CONTACT_COLUMNS = (
    "contact_first_name",
    "contact_last_name",
    "contact_title",
    "contact_role",
    "contact_email",
    "contact_phone",
    "contact_mobile",
)


@dataclass
class ImportOptions:
    """The two switches of the import form."""

    create_missing: bool = False
    update_existing: bool = False


@dataclass(slots=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


@dataclass(slots=True)
class RowReport:
    row: int
    action: str
    customer: str
    changes: list = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did or would do: counts, a report per row, errors by row and column."""

    file_name: str = ""
    options: ImportOptions = field(default_factory=ImportOptions)
    committed: bool = False
    file_error: str = ""
    encoding: str = ""
    delimiter: str = ""
    file_format: str = ""
    row_count: int = 0
    new_customers: int = 0
    updated_customers: int = 0
    unchanged_customers: int = 0
    addresses_added: int = 0
    contacts_added: int = 0
    groupings_added: int = 0
    skipped_changes: int = 0
    values_created: list = field(default_factory=list)  # [(label, [names])]
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    # The review's validated cells (``encode_validated``), kept with the upload for the confirm.
    validated: bytes = b""

    @property
    def has_errors(self):
        return bool(self.file_error or self.errors)

    @property
    def values_created_count(self):
        return sum(len(names) for _label, names in self.values_created)


class _Address:
    __slots__ = (
        "pk",
        "fields",
        "is_head_office",
        "was_head_office",
        "explicit_head_office",
        "is_billing",
        "is_default_billing",
        "was_default_billing",
        "row",
        "updates",
    )

    def __init__(self, pk=None, fields=None, *, head=False, billing=False, default=False, row=0):
        self.pk = pk
        self.updates = None  # field -> value, for an existing address the file changes
        self.fields = fields
        self.is_head_office = head
        self.was_head_office = head
        self.explicit_head_office = False
        self.is_billing = billing
        self.is_default_billing = default
        self.was_default_billing = default
        self.row = row


class _Customer:
    __slots__ = (
        "instance",
        "values",
        "value_rows",
        "first_row",
        "addresses",
        "head_office",
        "contacts",
        "new_contacts",
        "options",
        "single",
        "new_options",
        "removed_options",
        "changed",
        "added",
        "label",
        "pk",
        "country",
        "existing_contacts",
        "contact_updates",
    )

    def __init__(self, instance=None, row=0, label=""):
        self.instance = instance  # None for a customer the file creates
        self.pk = instance.pk if instance is not None else None
        self.existing_contacts = None  # identity -> {"pk", "title", "role_id", ...} (existing)
        self.contact_updates = None  # contact pk -> {field: value}
        # The stored code, not ``instance.country``: django-countries builds a Country object
        # and checks the active language on each read, 40 µs a customer.
        self.country = instance.__dict__["country"] if instance is not None else "SE"
        self.values = {}  # field attname -> new value
        self.value_rows = None  # attname -> row, only for values from a later row
        self.first_row = row
        self.addresses = {}  # identity -> _Address
        self.head_office = None
        self.contacts = []  # identities (a list: a customer has few, and a set costs 216 bytes)
        self.new_contacts = []  # (fields, _Address or None, row)
        self.options = []  # option keys held (existing and planned)
        self.single = None  # folded single-choice category -> option key (when any)
        self.new_options = []
        self.removed_options = ()  # option pks to take off (single-choice replaced)
        self.changed = False
        self.added = False
        self.label = label

    @property
    def is_new(self):
        return self.instance is None


def address_identity(line1, postal_code, city, country):
    """Two addresses are the same when line 1, postal code, city and country match."""
    # One string rather than a tuple of four: the plan holds one per address.
    return "\x1f".join(
        (v.fold(line1), postal_code.replace(" ", "").casefold(), v.fold(city), str(country))
    )


def contact_identity(email, first_name, last_name):
    """A contact is the same person by email, or by first and last name when there is none."""
    if email:
        return "@\x1f" + email.casefold()
    return "\x1f".join((v.fold(first_name), v.fold(last_name)))


class Planner:
    """Reads the rows of a table against the database and plans every change in memory."""

    def __init__(self, table, options, *, lock=False, user=None, memo=None, progress=None):
        self.table = table
        self.progress = progress
        self.progress_phase = "checking"
        self.options = options
        self.lock = lock
        self.user = user
        self.not_editable = set()  # pks of matched customers the user may not change
        self.keys = [column.key for column in table.columns]
        self.result = ImportResult(options=options)
        self.customers_by_pk = {}
        self.new_by_number = {}
        self.new_by_name = {}
        self.plans = []  # every _Customer, in file order
        # (kind, cell, country) -> stored value: see ``validated``.
        self.memo = memo if memo is not None else {}
        # Valid email addresses (a set: cheaper in memory than memo entries for 100,000 rows).
        self.valid_emails = self.memo.pop(EMAILS, None) or set()
        self.country_keys = {}  # one key string per country, not one per cell
        # Translated once: gettext per row would cost more than the row's validation.
        self.t_new = _("new customer")
        self.t_address = _("address added: %(address)s")
        self.t_contact = _("contact added: %(name)s")
        self.t_grouping = _("grouping added: %(name)s")

    # -- loading ---------------------------------------------------------------------------
    def load(self):
        keys = self.keys
        idx = {key: i for i, key in enumerate(keys)}
        numbers, names, owners = set(), set(), set()
        i_number, i_name, i_owner = idx.get("number"), idx.get("name"), idx.get("owner")
        for _row, values in self.table.rows:
            if i_number is not None and values[i_number]:
                with contextlib.suppress(ValidationError):
                    numbers.add(v.clean_number(values[i_number]))
            elif i_name is not None and values[i_name]:
                names.add(v.fold(values[i_name]))
            if i_owner is not None and values[i_owner]:
                owners.add(values[i_owner])
        self.lookups = Lookups(owners)

        self.existing_by_number = {}
        matched = set()
        numbers = sorted(numbers)
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            found = Customer.objects.filter(number__any_of=chunk).values_list("pk", "number")
            for pk, number in found:
                self.existing_by_number[number] = pk
                matched.add(pk)
        # Names are compared case-insensitively in Python (SQLite's lower() leaves Å alone), so
        # read every customer's name once instead of asking the database per name.
        self.existing_by_name = {}
        if names:
            for pk, name in Customer.objects.values_list("pk", "name").iterator(chunk_size=20000):
                key = name.casefold()
                if "  " in key or key != key.strip():
                    key = v.fold(name)
                if key in names:
                    self.existing_by_name.setdefault(key, []).append(pk)
            for pks in self.existing_by_name.values():
                if len(pks) == 1:
                    matched.add(pks[0])
        matched = sorted(matched)
        self._find_not_editable(matched)
        queryset = Customer.objects.all()
        if self.lock:
            queryset = queryset.select_for_update()
        for start in range(0, len(matched), CHUNK):
            chunk = matched[start : start + CHUNK]
            for customer in queryset.filter(pk__any_of=chunk):
                plan = _Customer(customer, label=f"{customer.name} ({customer.number})")
                self.customers_by_pk[customer.pk] = plan
            for address in Address.objects.filter(customer_id__any_of=chunk).values(
                "pk",
                "customer_id",
                "line1",
                "line2",
                "is_postal",
                "is_visiting",
                "postal_code",
                "city",
                "country",
                "is_billing",
                "is_head_office",
                "is_default_billing",
            ):
                plan = self.customers_by_pk[address["customer_id"]]
                ref = _Address(
                    address["pk"],
                    # What the file may change of an existing address (see ``_update_address``).
                    fields=(
                        address["line2"],
                        address["is_postal"],
                        address["is_visiting"],
                        address["is_billing"],
                    ),
                    head=address["is_head_office"],
                    billing=address["is_billing"],
                    default=address["is_default_billing"],
                )
                identity = address_identity(
                    address["line1"], address["postal_code"], address["city"], address["country"]
                )
                plan.addresses.setdefault(identity, ref)
                if ref.is_head_office:
                    plan.head_office = ref
            for contact in Contact.objects.filter(customer_id__any_of=chunk).values(
                "pk", "customer_id", "email", "first_name", "last_name", *CONTACT_UPDATABLE
            ):
                plan = self.customers_by_pk[contact["customer_id"]]
                identity = contact_identity(
                    contact["email"], contact["first_name"], contact["last_name"]
                )
                plan.contacts.append(identity)
                if plan.existing_contacts is None:
                    plan.existing_contacts = {}
                plan.existing_contacts.setdefault(identity, contact)
            groupings = self.lookups.groupings
            for customer_id, option_id in CustomerGroupingOption.objects.filter(
                customer_id__any_of=chunk
            ).values_list("customer_id", "option_id"):
                plan = self.customers_by_pk[customer_id]
                key = groupings.option_keys[option_id]
                plan.options.append(key)
                category = groupings.categories.get(key[0])
                if category and category[2]:
                    plan.single = plan.single or {}
                    plan.single[key[0]] = key

    # -- planning --------------------------------------------------------------------------
    def plan(self):
        keys = self.keys
        # A large file's second half is validated by a helper process meanwhile.
        helper, helped_from = None, None
        if not self.memo:  # a memo from the review covers every row already
            helper, helped_from = parallel.start(keys, self.table)
        self.load()
        result = self.result
        total = len(self.table.rows)
        for index, (row, values) in enumerate(self.table.rows):
            if self.progress is not None and index % 1000 == 0:
                self.progress(self.progress_phase, index, total)
            if index == helped_from and helper is not None:
                self.memo.update(helper.memo())
            cells = {key: value for key, value in zip(keys, values, strict=False) if value}
            self.errors = []
            # The review lists the changes of the first DETAIL_ROWS rows (and every error);
            # beyond that a row keeps its action only, which keeps memory flat.
            self.detail = len(result.rows) < DETAIL_ROWS
            self.changes = [] if self.detail else None
            self.row_changed = False
            plan, action = self.customer_for(row, cells)
            if plan is not None:
                self.customer_fields(plan, row, cells)
                address = self.address(plan, row, cells)
                self.contact(plan, row, cells, address)
                self.groupings(plan, row, cells)
            if self.errors:
                result.errors.extend(self.errors)
                action = ERROR
            elif action is None:
                action = UPDATE if self.row_changed else UNCHANGED
            label = plan.label if plan is not None else cells.get("name", "")
            result.rows.append(RowReport(row, action, label, self.changes))
        result.row_count = len(self.table.rows)
        if self.progress is not None:
            self.progress(self.progress_phase, total, total)
        # The rows are planned: let their memory go before the writes need some.
        self.table.rows = []
        for plan in self.plans:
            self.finish_addresses(plan)
        for plan in self.customers_by_pk.values():
            if plan.changed or plan.added:
                self.finish_addresses(plan)
        for plan in self.customers_by_pk.values():
            if plan.changed or plan.added:
                result.updated_customers += 1
            else:
                result.unchanged_customers += 1
        result.new_customers = sum(1 for plan in self.plans if plan.is_new)
        result.values_created = self.lookups.values_to_create()
        return result

    def validated(self, kind, value, clean, country=NO_COUNTRY):
        """``clean(value, country)`` (``clean(value)`` without a country), remembered.

        The validators are pure functions of the cell and the country, so a value the helper
        process or the review already validated is taken from the memo (see ``parallel``).
        """
        if country is NO_COUNTRY:
            key = (kind, value, "")
        else:
            country_key = self.country_keys.get(country)
            if country_key is None:
                country_key = self.country_keys[country] = f"={country or ''}"
            key = (kind, value, country_key)
        found = self.memo.get(key)
        if found is None:
            found = clean(value) if country is NO_COUNTRY else clean(value, country)
            self.memo[key] = found
        return found

    def valid_email(self, value):
        """``clean_email(value)``, remembered in a set: a valid address is stored as written."""
        if value not in self.valid_emails:
            v.clean_email(value)
            self.valid_emails.add(value)
        return value

    def note(self, text, *, skipped=False):
        """Report a change of the row (``skipped``: reported, not made)."""
        if not skipped:
            self.row_changed = True
        if self.detail:
            self.changes.append(SKIPPED + text if skipped else text)

    def error(self, row, key, value, exc):
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        # The column as the file names it, so the user finds it in their spreadsheet.
        column = self.table.headers.get(key) or (str(COLUMN_BY_KEY[key].label) if key else "")
        for message in messages:
            self.errors.append(RowError(row, column, value, message))

    def _find_not_editable(self, matched):
        """Note the matched customers the importing user may not change: the "Edit own
        customers only" restriction holds in the importer too (their rows become errors)."""
        if self.user is None:
            return
        if may_edit_customers(self.user) and not is_restricted_to_own(self.user):
            return
        for start in range(0, len(matched), CHUNK):
            chunk = matched[start : start + CHUNK]
            editable = set(
                Customer.objects.editable_by(self.user)
                .filter(pk__any_of=chunk)
                .values_list("pk", flat=True)
            )
            self.not_editable.update(pk for pk in chunk if pk not in editable)

    def _existing(self, row, key, value, pk):
        """The plan of an existing customer, or None (and a row error) when out of reach."""
        if pk in self.not_editable:
            plan = self.customers_by_pk[pk]
            self.error(
                row,
                key,
                value,
                ValidationError(
                    (
                        _("You may not change %(customer)s: you edit only customers you own.")
                        if may_edit_customers(self.user)
                        else _("You may not change %(customer)s: you may only add new customers.")
                    )
                    % {"customer": plan.label}
                ),
            )
            return None
        return self.customers_by_pk[pk]

    def customer_for(self, row, cells):
        """Find or start the row's customer; return (plan, "new" or None)."""
        name = cells.get("name", "")
        raw_number = cells.get("number")
        number = None
        if raw_number:
            try:
                number = v.clean_number(raw_number)
            except ValidationError as exc:
                self.error(row, "number", raw_number, exc)
                return None, None
            pk = self.existing_by_number.get(number)
            if pk is not None:
                return self._existing(row, "number", raw_number, pk), None
            if number in self.new_by_number:
                return self.new_by_number[number], None
        elif not name:
            self.error(row, "name", "", ValidationError(_("Give the customer's number or name.")))
            return None, None
        else:
            key = v.fold(name)
            pks = self.existing_by_name.get(key, ())
            if len(pks) > 1:
                self.error(
                    row,
                    "name",
                    name,
                    ValidationError(
                        _(
                            "%(count)s customers have this name: give the customer number to "
                            "say which one."
                        )
                        % {"count": len(pks)}
                    ),
                )
                return None, None
            if pks:
                return self._existing(row, "name", name, pks[0]), None
            if key in self.new_by_name:
                return self.new_by_name[key], None
        if not name:
            self.error(
                row,
                "name",
                "",
                ValidationError(_("A new customer needs a name (no customer has this number).")),
            )
            return None, None
        plan = _Customer(row=row, label=name)
        if number is not None:
            plan.values["number"] = number
            self.new_by_number[number] = plan
        self.new_by_name.setdefault(v.fold(name), plan)
        self.plans.append(plan)
        self.note(self.t_new)
        return plan, NEW

    def _country(self, plan):
        if "country" in plan.values:
            return plan.values["country"]
        return plan.country

    def customer_fields(self, plan, row, cells):
        """Validate the customer's own columns and plan (or skip) their changes."""
        found = {}
        if "country" in cells:
            try:
                found["country"] = v.clean_country(cells["country"])
            except ValidationError as exc:
                self.error(row, "country", cells["country"], exc)
        country = found.get("country") or self._country(plan)
        for key, value in cells.items():
            try:
                if key == "name" and (
                    ("number" not in cells and not plan.is_new)
                    or v.fold(value) == v.fold(plan.values.get("name", ""))
                ):
                    continue  # the name identified the customer; nothing to change
                if key in CUSTOMER_TEXT:
                    found[key] = v.clean_text(value, CUSTOMER_TEXT[key])
                elif key == "organisation_number":
                    found[key] = self.validated(
                        parallel.ORGANISATION, value, v.clean_organisation_number, country
                    )
                elif key == "vat_number":
                    found[key] = self.validated(parallel.VAT, value, v.clean_vat_number, country)
                elif key == "website":
                    found[key] = self.validated(parallel.WEBSITE, value, v.clean_website)
                elif key == "email":
                    found[key] = self.valid_email(value)
                elif key in CUSTOMER_LOOKUPS:
                    index = getattr(self.lookups, key)
                    found[CUSTOMER_LOOKUPS[key]] = index.resolve(
                        value, create=self.options.create_missing
                    )
            except ValidationError as exc:
                self.error(row, key, value, exc)
        if "einvoice_address" in found or "einvoice_operator_id" in found:
            self._check_einvoice(plan, row, cells, found)
        for attname, value in found.items():
            self._set(plan, row, attname, value)

    def _check_einvoice(self, plan, row, cells, found):
        operator_id = found.get(
            "einvoice_operator_id",
            plan.values.get(
                "einvoice_operator_id",
                plan.instance.einvoice_operator_id if plan.instance else None,
            ),
        )
        if operator_id is None or isinstance(operator_id, Pending):
            return
        from ..models import EInvoiceOperator

        probe = Customer(
            country=self._country(plan),
            einvoice_operator=EInvoiceOperator(
                pk=operator_id, address_format=self._operator_format(operator_id)
            ),
            einvoice_address=found.get(
                "einvoice_address",
                plan.values.get(
                    "einvoice_address", plan.instance.einvoice_address if plan.instance else ""
                ),
            ),
        )
        try:
            probe.clean()
        except ValidationError as exc:
            for message in exc.message_dict.get("einvoice_address", []):
                self.error(
                    row,
                    "einvoice_address",
                    cells.get("einvoice_address", ""),
                    ValidationError(message),
                )
            found.pop("einvoice_address", None)
        else:
            if "einvoice_address" in found:
                found["einvoice_address"] = probe.einvoice_address

    def _operator_format(self, pk):
        if not hasattr(self, "_operator_formats"):
            from ..models import EInvoiceOperator

            self._operator_formats = dict(
                EInvoiceOperator.objects.values_list("pk", "address_format")
            )
        return self._operator_formats.get(pk, "free")

    def _display(self, attname, value):
        for key, name in CUSTOMER_LOOKUPS.items():
            if name == attname:
                return getattr(self.lookups, key).display(value)
        return "" if value is None else str(value)

    def _label(self, attname):
        key = {name: key for key, name in CUSTOMER_LOOKUPS.items()}.get(attname, attname)
        return str(COLUMN_BY_KEY[key].label)

    def _set(self, plan, row, attname, value):
        if attname in plan.values and attname != "number":
            if plan.values[attname] != value:
                key = {n: k for k, n in CUSTOMER_LOOKUPS.items()}.get(attname, attname)
                self.error(
                    row,
                    key,
                    self._display(attname, value),
                    ValidationError(
                        _("Row %(row)s gives this customer %(value)s; a customer has one value.")
                        % {
                            "row": (plan.value_rows or {}).get(attname, plan.first_row),
                            "value": self._display(attname, plan.values[attname]),
                        }
                    ),
                )
            return
        if plan.is_new:
            plan.values[attname] = value
            if row != plan.first_row:
                plan.value_rows = plan.value_rows or {}
                plan.value_rows[attname] = row
            return
        current = getattr(plan.instance, attname)
        if attname == "country":
            current = str(current)
        if current == value:
            return
        old, new = self._display(attname, current), self._display(attname, value)
        if self.options.update_existing:
            plan.values[attname] = value
            if row != plan.first_row:
                plan.value_rows = plan.value_rows or {}
                plan.value_rows[attname] = row
            plan.changed = True
            self.note(f"{self._label(attname)}: {old or '–'} → {new}")
        else:
            self.result.skipped_changes += 1
            self.note(
                _("%(field)s not changed (%(old)s → %(new)s): updating details is off")
                % {"field": self._label(attname), "old": old or "–", "new": new},
                skipped=True,
            )

    def address(self, plan, row, cells):
        """Plan the row's address; return the _Address it names (new or matched) or None."""
        if cells.keys().isdisjoint(ADDRESS_COLUMNS):
            for key in ("address_types", "head_office", "address_country"):
                if key in cells:
                    self.error(
                        row,
                        key,
                        cells[key],
                        ValidationError(_("The row has no address for this value to belong to.")),
                    )
            return None
        ok = True
        fields = {}
        for key, limit in (("line1", 200), ("line2", 200), ("postal_code", 20), ("city", 100)):
            try:
                fields[key] = v.clean_text(cells.get(key, ""), limit)
            except ValidationError as exc:
                self.error(row, key, cells[key], exc)
                ok = False
        try:
            country = (
                v.clean_country(cells["address_country"])
                if "address_country" in cells
                else self._country(plan)
            )
        except ValidationError as exc:
            self.error(row, "address_country", cells["address_country"], exc)
            ok = False
            country = "SE"
        fields["country"] = country
        flags = set()
        if "address_types" in cells:
            try:
                flags = v.clean_address_types(cells["address_types"])
            except ValidationError as exc:
                self.error(row, "address_types", cells["address_types"], exc)
                ok = False
        head = None
        if "head_office" in cells:
            try:
                head = v.clean_yes_no(cells["head_office"])
            except ValidationError as exc:
                self.error(row, "head_office", cells["head_office"], exc)
                ok = False
        if not ok:
            return None
        identity = address_identity(fields["line1"], fields["postal_code"], fields["city"], country)
        existing = plan.addresses.get(identity)
        if existing is not None:
            if existing.pk is not None:
                self._update_address(plan, row, existing, cells, flags)
            if head and existing.is_head_office:
                existing.explicit_head_office = True
            elif head:
                self._move_head_office(plan, row, existing, cells["head_office"])
            return existing
        fields = (
            fields["line1"],
            fields["line2"],
            fields["postal_code"],
            fields["city"],
            country,
            "is_postal" in flags,
            "is_visiting" in flags,
            "is_billing" in flags,
        )  # ADDRESS_FIELDS; a tuple, as the plan holds one per address of the file
        address = _Address(fields=fields, billing="is_billing" in flags, row=row)
        plan.addresses[identity] = address
        plan.added = True
        self.result.addresses_added += 1
        self.row_changed = True
        if self.detail:
            self.changes.append(self.t_address % {"address": _short(fields)})
        if plan.head_office is None:
            address.is_head_office = True
            address.explicit_head_office = bool(head)
            plan.head_office = address
        elif head:
            self._move_head_office(plan, row, address, cells["head_office"])
        return address

    def _move_head_office(self, plan, row, address, cell):
        current = plan.head_office
        if current.explicit_head_office:
            self.error(
                row,
                "head_office",
                cell,
                ValidationError(
                    _("Row %(row)s already makes another address the head office.")
                    % {"row": current.row}
                ),
            )
            return
        if current.pk is not None and not plan.is_new and not self.options.update_existing:
            self.result.skipped_changes += 1
            self.note(
                _("head office not moved to this address: updating details is off"), skipped=True
            )
            return
        current.is_head_office = False
        address.is_head_office = True
        address.explicit_head_office = True
        plan.head_office = address
        if address.pk is not None:
            plan.changed = True
        self.note(_("head office moved to this address"))

    def contact(self, plan, row, cells, address):
        if cells.keys().isdisjoint(CONTACT_COLUMNS):
            return
        ok = True
        first = cells.get("contact_first_name", "")
        last = cells.get("contact_last_name", "")
        fields = {}
        for key, attname in (
            ("contact_first_name", "first_name"),
            ("contact_last_name", "last_name"),
        ):
            if not cells.get(key):
                self.error(
                    row, key, "", ValidationError(_("A contact needs a first and a last name."))
                )
                ok = False
                continue
            try:
                fields[attname] = v.clean_text(cells[key], 100)
            except ValidationError as exc:
                self.error(row, key, cells[key], exc)
                ok = False
        country = address.fields[4] if address and address.pk is None else self._country(plan)
        for key, attname, kind, clean, cell_country in (
            ("contact_title", "title", None, lambda x: v.clean_text(x, 100), NO_COUNTRY),
            ("contact_email", "email", None, self.valid_email, NO_COUNTRY),
            ("contact_phone", "phone", parallel.PHONE, v.clean_phone, country),
            ("contact_mobile", "mobile", parallel.PHONE, v.clean_phone, country),
        ):
            if key in cells:
                try:
                    if kind is None:
                        fields[attname] = clean(cells[key])
                    else:
                        fields[attname] = self.validated(kind, cells[key], clean, cell_country)
                except ValidationError as exc:
                    self.error(row, key, cells[key], exc)
                    ok = False
        if "contact_role" in cells:
            try:
                fields["role_id"] = self.lookups.contact_role.resolve(
                    cells["contact_role"], create=self.options.create_missing
                )
            except ValidationError as exc:
                self.error(row, "contact_role", cells["contact_role"], exc)
                ok = False
        if not ok:
            return
        identity = contact_identity(fields.get("email", ""), first, last)
        if identity in plan.contacts:
            current = (plan.existing_contacts or {}).get(identity)
            if current is not None:
                self._update_contact(plan, current, fields)
            return
        plan.contacts.append(identity)
        plan.new_contacts.append((fields, address, row))
        plan.added = True
        self.result.contacts_added += 1
        self.row_changed = True
        if self.detail:
            self.changes.append(
                self.t_contact % {"name": f"{fields['first_name']} {fields['last_name']}"}
            )

    def _changed(self, label, old, new):
        """Note one change of an address or contact: made, or skipped when updating is off."""
        if self.options.update_existing:
            self.note(f"{label}: {old or '–'} → {new}")
            return True
        self.result.skipped_changes += 1
        self.note(
            _("%(field)s not changed (%(old)s → %(new)s): updating details is off")
            % {"field": label, "old": old or "–", "new": new},
            skipped=True,
        )
        return False

    def _update_address(self, plan, row, address, cells, flags):
        """An existing address the file names again: its line 2 and types may differ."""
        line2, is_postal, is_visiting, is_billing = address.fields
        updates = {}
        where = _("Address %(address)s") % {"address": cells.get("line1", "")}
        if (
            cells.get("line2")
            and cells["line2"] != line2
            and self._changed("{}, {}".format(where, _("line 2")), line2, cells["line2"])
        ):
            updates["line2"] = cells["line2"]
        if "address_types" in cells:
            new = {
                "is_postal": "is_postal" in flags,
                "is_visiting": "is_visiting" in flags,
                "is_billing": "is_billing" in flags,
            }
            old = {"is_postal": is_postal, "is_visiting": is_visiting, "is_billing": is_billing}
            if new != old and self._changed(
                "{}, {}".format(where, _("types")), _types_text(old), _types_text(new)
            ):
                updates.update(new)
                address.is_billing = new["is_billing"]
                if not address.is_billing:
                    address.is_default_billing = False
        if updates:
            address.updates = {**(address.updates or {}), **updates}
            address.fields = (
                updates.get("line2", line2),
                updates.get("is_postal", is_postal),
                updates.get("is_visiting", is_visiting),
                updates.get("is_billing", is_billing),
            )
            plan.changed = True

    def _update_contact(self, plan, current, fields):
        """A contact already there that the file names again: title, role, phones may differ."""
        updates = {}
        name = f"{current['first_name']} {current['last_name']}"
        labels = {
            "title": _("title"),
            "role_id": _("role"),
            "phone": _("phone"),
            "mobile": _("mobile"),
        }
        for attname in CONTACT_UPDATABLE:
            if attname not in fields or fields[attname] == current[attname]:
                continue
            if attname == "role_id":
                index = self.lookups.contact_role
                old, new = index.display(current[attname]), index.display(fields[attname])
            else:
                old, new = current[attname], fields[attname]
            if self._changed(f"{name}, {labels[attname]}", old, new):
                updates[attname] = fields[attname]
        if updates:
            current.update(updates)
            plan.contact_updates = plan.contact_updates or {}
            plan.contact_updates.setdefault(current["pk"], {}).update(updates)
            plan.changed = True

    def groupings(self, plan, row, cells):
        if "groupings" not in cells:
            return
        value = cells["groupings"]
        try:
            pairs = v.parse_groupings(value)
        except ValidationError as exc:
            self.error(row, "groupings", value, exc)
            return
        groupings = self.lookups.groupings
        for category, option in pairs:
            try:
                key, single = groupings.resolve(
                    category, option, create=self.options.create_missing
                )
            except ValidationError as exc:
                self.error(row, "groupings", value, exc)
                continue
            if key in plan.options:
                continue
            if single and plan.single and key[0] in plan.single:
                held = plan.single[key[0]]
                if held in plan.new_options:
                    self.error(
                        row,
                        "groupings",
                        value,
                        ValidationError(
                            _(
                                "%(category)s allows one option per customer; the file already "
                                "gives %(option)s."
                            )
                            % {"category": category, "option": groupings.name(held)}
                        ),
                    )
                    continue
                if not self.options.update_existing:
                    self.result.skipped_changes += 1
                    self.note(
                        _("%(old)s not replaced by %(new)s: updating details is off")
                        % {"old": groupings.name(held), "new": groupings.name(key)},
                        skipped=True,
                    )
                    continue
                plan.removed_options = [*plan.removed_options, groupings.options[held]]
                plan.options.remove(held)
                plan.changed = True
                self.note(
                    _("%(old)s replaced by %(new)s")
                    % {"old": groupings.name(held), "new": groupings.name(key)}
                )
            else:
                self.row_changed = True
                if self.detail:
                    self.changes.append(self.t_grouping % {"name": groupings.name(key)})
            if single:
                plan.single = plan.single or {}
                plan.single[key[0]] = key
            plan.options.append(key)
            plan.new_options.append(key)
            plan.added = True
            self.result.groupings_added += 1

    def finish_addresses(self, plan):
        """A customer's billing address becomes the default one when it has none."""
        addresses = list(plan.addresses.values())
        if any(a.is_default_billing for a in addresses):
            return
        billing = [a for a in addresses if a.is_billing]
        if billing:
            billing.sort(key=lambda a: (not a.is_head_office, a.pk is not None))
            billing[0].is_default_billing = True


def _loses_flag(address):
    return (address.was_head_office and not address.is_head_office) or (
        address.was_default_billing and not address.is_default_billing
    )


def _types_text(flags):
    names = (("is_postal", "postal"), ("is_visiting", "visiting"), ("is_billing", "billing"))
    return ",".join(name for key, name in names if flags[key])


def _short(fields):
    line1, _line2, postal_code, city = fields[:4]
    return ", ".join(p for p in (line1, f"{postal_code} {city}".strip()) if p)


# -- writing -------------------------------------------------------------------------------


def reserve_customer_numbers(count, taken_in_file):
    """Take ``count`` free customer numbers from the sequence in one step (row locked)."""
    if not count:
        return []
    NumberSequence.objects.get_or_create(
        key=CUSTOMER_SEQUENCE, defaults={"next_value": settings.KUNDKORT_CUSTOMER_NUMBER_START}
    )
    sequence = NumberSequence.objects.select_for_update().get(key=CUSTOMER_SEQUENCE)
    numbers = []
    candidate = sequence.next_value
    while len(numbers) < count:
        end = candidate + (count - len(numbers)) + 1000
        taken = set(
            Customer.objects.filter(number__gte=candidate, number__lt=end).values_list(
                "number", flat=True
            )
        )
        while candidate < end and len(numbers) < count:
            if candidate not in taken and candidate not in taken_in_file:
                numbers.append(candidate)
            candidate += 1
    sequence.next_value = candidate
    sequence.save(update_fields=["next_value"])
    return numbers


class Writer:
    """Writes a planned import in bulk: new rows with ``bulk.insert``, changes with
    ``bulk_update_with_history``; every row gets its history record, marked as the import's."""

    def __init__(self, planner, *, user, reason, progress=None):
        self.planner = planner
        self.progress = progress or (lambda phase, done, total: None)
        self.user = user
        self.user_id = getattr(user, "pk", None)
        self.reason = reason[:100]
        self.now = timezone.now()
        self.history = {"default_user": user, "default_change_reason": self.reason}

    def resolve(self, value):
        if isinstance(value, Pending):
            return self.created[value]
        return value

    def insert(self, model, items, build):
        """Insert a row for each item (``build(item)`` gives its values); return the ids."""
        ids = []
        # Batches keep the rows kept for the history records' COPY to a bounded size.
        for start in range(0, len(items), INSERT_BATCH):
            batch = items[start : start + INSERT_BATCH]
            ids += bulk.insert(
                model, batch, build, user=self.user, reason=self.reason, now=self.now
            )
        return ids

    def write(self):
        planner = self.planner
        self.created = planner.lookups.create_missing()
        user_id = self.user_id

        new_plans = [plan for plan in planner.plans if plan.is_new]
        numbers = iter(
            reserve_customer_numbers(
                sum(1 for plan in new_plans if "number" not in plan.values),
                {plan.values["number"] for plan in new_plans if "number" in plan.values},
            )
        )

        def customer_row(plan):
            row = plan.values  # the plan is done with it: no copy
            for key in PENDING_ATTNAMES.intersection(row):
                row[key] = self.resolve(row[key])
            if row.get("number") is None:
                row["number"] = next(numbers)
            row["created_by_id"] = row["updated_by_id"] = user_id
            return row

        steps = 4
        self.progress("customers", 0, steps)
        ids = self.insert(Customer, new_plans, customer_row)
        for plan, pk in zip(new_plans, ids, strict=True):
            plan.pk = pk

        self.update_customers([plan for plan in planner.customers_by_pk.values() if plan.values])
        all_plans = list(planner.customers_by_pk.values()) + new_plans
        self.progress("addresses", 1, steps)
        self.write_addresses(all_plans)
        self.progress("contacts", 2, steps)
        self.write_contacts(all_plans)
        self.progress("groupings", 3, steps)
        self.write_groupings(all_plans)

    def update_customers(self, changed):
        fields = sorted({key for plan in changed for key in plan.values})
        for start in range(0, len(changed), BATCH):
            objs = []
            for plan in changed[start : start + BATCH]:
                customer = plan.instance
                for key, value in plan.values.items():
                    setattr(customer, key, self.resolve(value))
                customer.version += 1
                customer.updated_by_id = self.user_id
                customer.updated_at = self.now
                objs.append(customer)
            bulk_update_with_history(
                objs,
                Customer,
                [*fields, "version", "updated_by", "updated_at"],
                batch_size=BATCH,
                **self.history,
            )

    def write_addresses(self, plans):
        # Existing addresses whose head office or default billing flag or own fields change.
        moved = [
            address
            for plan in plans
            for address in plan.addresses.values()
            if address.pk is not None
            and (
                address.is_head_office != address.was_head_office
                or address.is_default_billing != address.was_default_billing
                or address.updates
            )
        ]
        instances = {}
        for start in range(0, len(moved), CHUNK):
            chunk = [address.pk for address in moved[start : start + CHUNK]]
            instances.update((a.pk, a) for a in Address.objects.filter(pk__any_of=chunk))
        # Clear the old head office and default billing flags first: the database allows one
        # of each per customer, and a new address may take them over.
        lowered = [a for a in moved if _loses_flag(a)]
        self._update_addresses(lowered, instances)
        user_id = self.user_id

        def address_row(item):
            customer_id, address = item
            row = dict(zip(ADDRESS_FIELDS, address.fields, strict=True))
            row.update(
                customer_id=customer_id,
                is_head_office=address.is_head_office,
                is_default_billing=address.is_default_billing,
                created_by_id=user_id,
                updated_by_id=user_id,
            )
            return row

        new = [
            (plan.pk, address)
            for plan in plans
            for address in plan.addresses.values()
            if address.pk is None
        ]
        for (_customer_id, address), pk in zip(
            new, self.insert(Address, new, address_row), strict=True
        ):
            address.pk = pk
        raised = [a for a in moved if not _loses_flag(a)]
        self._update_addresses(raised, instances)

    def _update_addresses(self, addresses, instances):
        objs = []
        for address in addresses:
            instance = instances[address.pk]
            instance.is_head_office = address.is_head_office
            instance.is_default_billing = address.is_default_billing
            for key, value in (address.updates or {}).items():
                setattr(instance, key, value)
            instance.version += 1
            instance.updated_by_id = self.user_id
            instance.updated_at = self.now
            objs.append(instance)
        if objs:
            bulk_update_with_history(
                objs,
                Address,
                [
                    "is_head_office",
                    "is_default_billing",
                    "line2",
                    "is_postal",
                    "is_visiting",
                    "is_billing",
                    "version",
                    "updated_by",
                    "updated_at",
                ],
                batch_size=BATCH,
                **self.history,
            )

    def write_contacts(self, plans):
        updates = {
            pk: fields for plan in plans for pk, fields in (plan.contact_updates or {}).items()
        }
        pks = sorted(updates)
        for start in range(0, len(pks), CHUNK):
            objs = list(Contact.objects.filter(pk__any_of=pks[start : start + CHUNK]))
            for contact in objs:
                for key, value in updates[contact.pk].items():
                    setattr(contact, key, self.resolve(value))
                contact.version += 1
                contact.updated_by_id = self.user_id
                contact.updated_at = self.now
            bulk_update_with_history(
                objs,
                Contact,
                [*CONTACT_UPDATABLE, "version", "updated_by", "updated_at"],
                batch_size=BATCH,
                **self.history,
            )
        user_id = self.user_id

        def contact_row(item):
            plan, fields, address = item
            target = address or plan.head_office
            row = dict(fields)
            if "role_id" in row:
                row["role_id"] = self.resolve(row["role_id"])
            row.update(
                customer_id=plan.pk,
                address_id=target.pk if target is not None else None,
                created_by_id=user_id,
                updated_by_id=user_id,
            )
            return row

        new = [
            (plan, fields, address) for plan in plans for fields, address, _row in plan.new_contacts
        ]
        self.insert(Contact, new, contact_row)

    def write_groupings(self, plans):
        option_ids = self.planner.lookups.groupings.options
        for plan in plans:
            for option_id in plan.removed_options:
                for assignment in CustomerGroupingOption.objects.filter(
                    customer_id=plan.pk, option_id=option_id
                ):
                    assignment.delete()  # rare: one by one, so each removal gets its history
        new = [(plan.pk, option_ids[key]) for plan in plans for key in plan.new_options]
        self.insert(
            CustomerGroupingOption, new, lambda item: {"customer_id": item[0], "option_id": item[1]}
        )
        # Existing customers whose options changed are one version newer, so a settings form
        # opened before the import cannot save the old options back (lost update). Those whose
        # own fields were updated got their new version in update_customers.
        touched = [
            plan.pk
            for plan in plans
            if not plan.is_new and not plan.values and (plan.new_options or plan.removed_options)
        ]
        for start in range(0, len(touched), BATCH * 5):
            Customer.objects.filter(pk__any_of=touched[start : start + BATCH * 5]).update(
                version=F("version") + 1, updated_by_id=self.user_id, updated_at=self.now
            )


VALIDATED_CHUNK = 5000


def encode_validated(memo, emails=()):
    """The planner's memo of validated cells as compact bytes: zlib-compressed JSON lines.

    The memo maps ``(kind, cell, country)`` to the stored value. Each line holds up to
    ``VALIDATED_CHUNK`` cells of one kind and country, column-wise: ``[kind, country, cells
    stored as written, other cells, their stored values]``, so decoding builds the keys with
    ``zip`` instead of a Python loop per cell (it runs inside the confirm, which is timed).
    Written and read a line at a time, so a 100,000-row file adds little to peak memory."""
    groups = {}
    for (kind, value, country), stored in memo.items():
        same, cells, values = groups.setdefault((kind, country), ([], [], []))
        if stored == value:
            same.append(value)
        else:
            cells.append(value)
            values.append(stored)
    groups[("email", "")] = (list(emails), [], [])
    compressor = zlib.compressobj(1)
    parts = []
    for (kind, country), (same, cells, values) in groups.items():
        for start in range(0, max(len(same), len(cells), 1), VALIDATED_CHUNK):
            end = start + VALIDATED_CHUNK
            line = [kind, country, same[start:end], cells[start:end], values[start:end]]
            parts.append(compressor.compress(json.dumps(line).encode() + b"\n"))
    parts.append(compressor.flush())
    return b"".join(parts)


def decode_validated(data):
    """The memo ``encode_validated`` wrote, or None for missing or unreadable data."""
    if not data:
        return None
    memo = {}
    emails = set()
    countries = {}
    decompressor = zlib.decompressobj()
    pending = b""
    try:
        view = memoryview(data)
        for start in range(0, len(view), 1 << 16):
            pending += decompressor.decompress(view[start : start + (1 << 16)])
            *lines, pending = pending.split(b"\n")
            for line in lines:
                kind, country, same, cells, values = json.loads(line)
                if kind == "email":
                    emails.update(same)
                    continue
                if not all(isinstance(value, str) for value in values):
                    raise TypeError("a stored value is not text")
                country = countries.setdefault(country, country)
                for keys, stored in ((same, same), (cells, values)):
                    triples = zip(repeat(kind), keys, repeat(country), strict=False)
                    memo.update(zip(triples, stored, strict=True))
    except (ValueError, TypeError, zlib.error):
        return None
    memo[EMAILS] = emails
    return memo


# Any number: the key of the PostgreSQL advisory lock that lets one import write at a time.
IMPORT_LOCK_KEY = 4_711_001


def _serialise_imports():
    """Let one confirm plan and write at a time: a second one (a double click, a colleague)
    waits, then plans against what the first wrote, so nothing is created twice. (SQLite, the
    development database, has no such lock; PostgreSQL is the production engine.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Pause Python's cyclic garbage collector for the block.

    A 100,000-row plan holds millions of live objects, and each full collection walks all of
    them: twenty of those took a quarter of the confirm's Python time, and found almost nothing
    (the plan's objects are freed by reference counting). The pause is process-wide, so other
    threads of the process also go without cyclic collection for those seconds; it is turned
    back on (if it was on) when the import ends, whatever happens."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_import(content, *, file_name, options, user, commit, validated=None, progress=None):
    """Review (``commit=False``) or import (``commit=True``) one file; return the result.

    The admin's review and confirm steps, the tests and ``bench_import`` all call this. With
    ``commit`` the whole import is one transaction: any error leaves the database untouched.
    A review without errors returns its validated cells in ``result.validated``; the confirm
    of the same file may pass them back as ``validated`` and skips validating those cells
    again (they depend on the cell and its country only; matching customers, addresses and
    contacts against the database is always done anew, inside the confirm's transaction).
    ``progress(phase, done, total)``, when given, is called as the work goes (background jobs
    show it): review phases "reading", "checking"; confirm phases "matching", "customers",
    "addresses", "contacts", "groupings", "history". A caller that runs the confirm inside
    ``change_source(SOURCE_IMPORT, ...)`` keeps its own detail on the history rows.
    """
    with _cyclic_gc_paused():
        return _run_import(
            content,
            file_name=file_name,
            options=options,
            user=user,
            commit=commit,
            validated=validated,
            progress=progress,
        )


def _run_import(content, *, file_name, options, user, commit, validated=None, progress=None):
    started = time.perf_counter()
    if progress is not None:
        progress("reading", 0, 0)
    cpu_started = time.process_time()
    timings = {}
    try:
        table = read_table(content, file_name)
    except ImportFileError as exc:
        result = ImportResult(file_name=file_name, options=options, file_error=exc.message)
        result.seconds = time.perf_counter() - started
        return result
    del content
    timings["read"] = time.perf_counter() - started
    if not commit:
        planner = Planner(table, options, user=user, progress=progress)
        planner.progress_phase = "checking"
        result = planner.plan()
        if not result.has_errors:
            result.validated = encode_validated(planner.memo, planner.valid_emails)
        timings["plan"] = time.perf_counter() - started - timings["read"]
    else:
        memo = decode_validated(validated)
        outer = current_source()
        source = (
            contextlib.nullcontext()
            if outer.startswith(f"{SOURCE_IMPORT}: ")
            else change_source(SOURCE_IMPORT, detail=file_name)
        )
        with source:
            with transaction.atomic():
                _serialise_imports()
                planner = Planner(
                    table, options, lock=True, user=user, memo=memo, progress=progress
                )
                planner.progress_phase = "matching"
                result = planner.plan()
                timings["plan"] = time.perf_counter() - started - timings["read"]
                if not result.has_errors:
                    Writer(planner, user=user, reason=current_source(), progress=progress).write()
                    if progress is not None:
                        progress("history", 4, 4)
                    result.committed = True
                written = time.perf_counter()
                timings["write"] = written - started - timings["read"] - timings["plan"]
            # The deferred foreign-key checks run at commit.
            timings["commit"] = time.perf_counter() - written
    result.file_name = file_name
    result.encoding = table.encoding
    result.delimiter = table.delimiter
    result.file_format = table.file_format
    result.seconds = time.perf_counter() - started
    timings["cpu"] = time.process_time() - cpu_started
    result.timings = timings
    return result
