"""Matching a file's rows to the customers already in the database.

``Matcher.load`` reads, in chunked queries (``__any_of``: one array parameter per chunk), the
customers the file names by number or by name, with their addresses, contacts and grouping
options, into ``PlannedCustomer`` objects; ``Matcher.customer_for`` finds a row's customer
among them, or among the new customers earlier rows started, or starts a new one.

A row names its customer by number when the number column is filled, else by name (trimmed,
case-insensitive); a name two existing customers share is a row error.
"""

import contextlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import rules
from ..models import Address, Contact, Customer, CustomerGroupingOption
from ..permissions import is_restricted_to_own, may_edit_customers
from . import values as v
from .lookups import CHUNK, Lookups
from .state import PlannedAddress, PlannedCustomer, address_identity, contact_identity

NEW = "new"


class Matcher:
    """The file's customers: those it matches in the database and those it creates."""

    def __init__(self, *, lock=False, user=None):
        self.lock = lock  # confirm: lock the matched customer rows until the import commits
        self.user = user
        self.not_editable = set()  # pks of matched customers the user may not change
        self.customers_by_pk = {}
        self.existing_by_number = {}
        self.existing_by_name = {}
        self.new_by_number = {}
        self.new_by_name = {}
        self.plans = []  # the customers the file creates, in file order
        self.t_new = _("new customer")  # translated once, not per row

    # -- loading --------------------------------------------------------------------------------
    def load(self, keys, rows):
        """Read what the rows match in the database; return the file's ``Lookups``."""
        idx = {key: i for i, key in enumerate(keys)}
        numbers, names, owners = set(), set(), set()
        i_number, i_name, i_owner = idx.get("number"), idx.get("name"), idx.get("owner")
        for _row, values in rows:
            if i_number is not None and values[i_number]:
                with contextlib.suppress(ValidationError):
                    numbers.add(v.clean_number(values[i_number]))
            elif i_name is not None and values[i_name]:
                names.add(v.fold(values[i_name]))
            if i_owner is not None and values[i_owner]:
                owners.add(values[i_owner])
        self.lookups = Lookups(owners)
        matched = self._match_numbers(sorted(numbers)) | self._match_names(names)
        matched = sorted(matched)
        self._find_not_editable(matched)
        for start in range(0, len(matched), CHUNK):
            self._load_chunk(matched[start : start + CHUNK])
        return self.lookups

    def _match_numbers(self, numbers):
        matched = set()
        for start in range(0, len(numbers), CHUNK):
            chunk = numbers[start : start + CHUNK]
            found = Customer.objects.filter(number__any_of=chunk).values_list("pk", "number")
            for pk, number in found:
                self.existing_by_number[number] = pk
                matched.add(pk)
        return matched

    def _match_names(self, names):
        # Names are compared case-insensitively in Python (SQLite's lower() leaves Å alone), so
        # read every customer's name once instead of asking the database per name; in no
        # order (the model's default order would sort the whole register first).
        matched = set()
        if not names:
            return matched
        for pk, name in (
            Customer.objects.order_by().values_list("pk", "name").iterator(chunk_size=20000)
        ):
            key = name.casefold()
            if "  " in key or key != key.strip():
                key = v.fold(name)
            if key in names:
                self.existing_by_name.setdefault(key, []).append(pk)
        for pks in self.existing_by_name.values():
            if len(pks) == 1:
                matched.add(pks[0])
        return matched

    def _load_chunk(self, chunk):
        queryset = Customer.objects.all()
        if self.lock:
            queryset = queryset.select_for_update()
        for customer in queryset.filter(pk__any_of=chunk):
            plan = PlannedCustomer(customer, label=f"{customer.name} ({customer.number})")
            self.customers_by_pk[customer.pk] = plan
        # By id: the rules take a customer's addresses in the order they were added.
        addresses = Address.objects.filter(customer_id__any_of=chunk).order_by("id")
        for address in addresses.values(
            "pk",
            "customer_id",
            "line1",
            "postal_code",
            "city",
            "country",
            "is_head_office",
            "is_default_billing",
            *rules.ADDRESS_IMPORT_UPDATABLE,
        ):
            plan = self.customers_by_pk[address["customer_id"]]
            ref = PlannedAddress(
                address["pk"],
                fields=tuple(address[name] for name in rules.ADDRESS_IMPORT_UPDATABLE),
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
            "pk", "customer_id", "email", "first_name", "last_name", *rules.CONTACT_IMPORT_UPDATABLE
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
            self.customers_by_pk[customer_id].options.append(groupings.option_keys[option_id])

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

    # -- matching a row -------------------------------------------------------------------------
    def _existing(self, state, key, value, pk):
        """The plan of an existing customer, or None (and a row error) when out of reach."""
        if pk in self.not_editable:
            plan = self.customers_by_pk[pk]
            message = (
                _("You may not change %(customer)s: you edit only customers you own.")
                if may_edit_customers(self.user)
                else _("You may not change %(customer)s: you may only add new customers.")
            )
            state.error(key, value, ValidationError(message % {"customer": plan.label}))
            return None
        return self.customers_by_pk[pk]

    def customer_for(self, state, cells):
        """Find or start the row's customer; return (plan, "new" or None)."""
        name = cells.get("name", "")
        raw_number = cells.get("number")
        number = None
        if raw_number:
            try:
                number = v.clean_number(raw_number)
            except ValidationError as exc:
                state.error("number", raw_number, exc)
                return None, None
            pk = self.existing_by_number.get(number)
            if pk is not None:
                return self._existing(state, "number", raw_number, pk), None
            if number in self.new_by_number:
                return self.new_by_number[number], None
        elif not name:
            state.error("name", "", ValidationError(_("Give the customer's number or name.")))
            return None, None
        else:
            key = v.fold(name)
            pks = self.existing_by_name.get(key, ())
            if len(pks) > 1:
                message = _(
                    "%(count)s customers have this name: give the customer number to say which one."
                ) % {"count": len(pks)}
                state.error("name", name, ValidationError(message))
                return None, None
            if pks:
                return self._existing(state, "name", name, pks[0]), None
            if key in self.new_by_name:
                return self.new_by_name[key], None
        if not name:
            message = _("A new customer needs a name (no customer has this number).")
            state.error("name", "", ValidationError(message))
            return None, None
        plan = PlannedCustomer(row=state.row, label=name)
        if number is not None:
            plan.values["number"] = number
            self.new_by_number[number] = plan
        self.new_by_name.setdefault(v.fold(name), plan)
        self.plans.append(plan)
        state.note(self.t_new)
        return plan, NEW
