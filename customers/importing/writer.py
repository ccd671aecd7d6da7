"""Writing a planned import in bulk, inside the confirm's transaction.

New rows go in with ``customers.bulk.insert`` (``COPY`` on PostgreSQL) with their history
records; changes of rows already there with ``bulk_update_with_history``, in batches, each one
version newer through ``services.versioning.stamp``. Every history record carries the change
source current when the confirm runs (``core.history.current_source()``). So the number
of queries grows with the file size divided by the batch size, not with the rows.
"""

from django.conf import settings
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from .. import bulk, rules
from ..models import Address, Contact, Customer, CustomerGroupingOption
from ..numbering import CUSTOMER_SERIES, take_numbers
from ..services import versioning
from .lookups import CHUNK, Pending
from .plan_customer import CUSTOMER_LOOKUPS
from .state import NEW_ADDRESS_FIELDS

BATCH = 2000
# Rows a COPY streams at a time: each COPY ends with a wait for PostgreSQL to catch up, and
# the rows stay in memory until their history records are written.
INSERT_BATCH = 25_000
PENDING_ATTNAMES = frozenset(CUSTOMER_LOOKUPS.values())
ADDRESS_UPDATE_FIELDS = ["is_head_office", "is_default_billing", *rules.ADDRESS_IMPORT_UPDATABLE]
STAMP_FIELDS = ["version", "updated_by", "updated_at"]


class Writer:
    """Writes a planner's plan: customers, addresses, contacts, grouping options, in that
    order (each refers to the ones before); ``progress(phase, done, total)`` hears every
    ``bulk.PROGRESS_ROWS`` rows written ("history" while a batch's history records stream)."""

    def __init__(self, planner, *, user, reason, progress=None):
        self.planner = planner
        self.user = user
        self.user_id = getattr(user, "pk", None)
        self.reason = reason
        self.now = timezone.now()
        self.history = {"default_user": user, "default_change_reason": reason[:100]}
        self.progress = progress

    def resolve(self, value):
        if isinstance(value, Pending):
            return self.created[value]
        return value

    def _report(self, phase, done, total):
        if self.progress is not None:
            self.progress(phase, done, total)

    def insert(self, phase, model, items, build):
        """Insert a row for each item (``build(item)`` gives its values); return the ids."""
        ids = []
        total = len(items)
        # Batches keep the rows kept for the history records' COPY to a bounded size.
        for start in range(0, total, INSERT_BATCH):
            batch = items[start : start + INSERT_BATCH]
            self._report(phase, start, total)
            # The batch's rows, then their history records: ``bulk.insert`` reports both
            # every ``bulk.PROGRESS_ROWS`` rows, also while a COPY streams.
            now_writing = [phase]

            def on_history(now_writing=now_writing):
                now_writing[0] = "history"

            def on_rows(done, start=start, now_writing=now_writing):
                self._report(now_writing[0], start + done, total)

            ids += bulk.insert(
                model,
                batch,
                build,
                user=self.user,
                reason=self.reason,
                now=self.now,
                on_history=on_history,
                on_rows=on_rows,
            )
        self._report(phase, total, total)
        return ids

    def write(self):
        matcher = self.planner.matcher
        self.created = self.planner.lookups.create_missing()
        new_plans = matcher.plans
        existing = list(matcher.customers_by_pk.values())
        self.write_customers(new_plans, existing)
        plans = existing + new_plans
        self.write_addresses(plans)
        self.write_contacts(plans)
        self.write_groupings(plans)

    # -- customers ------------------------------------------------------------------------------
    def write_customers(self, new_plans, existing):
        given = {plan.values["number"] for plan in new_plans if "number" in plan.values}
        numbers = iter(
            take_numbers(
                CUSTOMER_SERIES,
                sum(1 for plan in new_plans if "number" not in plan.values),
                model=Customer,
                start=settings.KUNDKORT_CUSTOMER_NUMBER_START,
                reserved=given,
            )
        )
        user_id = self.user_id

        def customer_row(plan):
            row = plan.values  # the plan is done with it: no copy
            for key in PENDING_ATTNAMES.intersection(row):
                row[key] = self.resolve(row[key])
            if row.get("number") is None:
                row["number"] = next(numbers)
            row["created_by_id"] = row["updated_by_id"] = user_id
            return row

        ids = self.insert("customers", Customer, new_plans, customer_row)
        for plan, pk in zip(new_plans, ids, strict=True):
            plan.pk = pk
        changed = [plan for plan in existing if plan.values]
        fields = sorted({key for plan in changed for key in plan.values})
        for start in range(0, len(changed), BATCH):
            objs = []
            for plan in changed[start : start + BATCH]:
                customer = plan.instance
                for key, value in plan.values.items():
                    setattr(customer, key, self.resolve(value))
                versioning.stamp(customer, user_id=user_id, now=self.now)
                objs.append(customer)
            self._save(Customer, objs, fields)

    def _save(self, model, objs, fields):
        if objs:
            bulk_update_with_history(
                objs, model, [*fields, *STAMP_FIELDS], batch_size=BATCH, **self.history
            )

    # -- addresses ------------------------------------------------------------------------------
    def write_addresses(self, plans):
        # Saved addresses whose head office or default billing flag or own fields change.
        moved = [
            address
            for plan in plans
            for address in plan.addresses.values()
            if address.pk is not None and (address.flags_changed or address.updates)
        ]
        instances = {}
        for start in range(0, len(moved), CHUNK):
            chunk = [address.pk for address in moved[start : start + CHUNK]]
            instances.update((a.pk, a) for a in Address.objects.filter(pk__any_of=chunk))
        # Flags taken away first: the database allows one head office and one default billing
        # address per customer at any moment, and a new address may take them over.
        self._update_addresses([a for a in moved if a.loses_flag], instances)
        user_id = self.user_id

        def address_row(item):
            customer_id, address = item
            row = dict(zip(NEW_ADDRESS_FIELDS, address.fields, strict=True))
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
            new, self.insert("addresses", Address, new, address_row), strict=True
        ):
            address.pk = pk
        self._update_addresses([a for a in moved if not a.loses_flag], instances)

    def _update_addresses(self, addresses, instances):
        objs = []
        for address in addresses:
            instance = instances[address.pk]
            instance.is_head_office = address.is_head_office
            instance.is_default_billing = address.is_default_billing
            for key, value in (address.updates or {}).items():
                setattr(instance, key, value)
            versioning.stamp(instance, user_id=self.user_id, now=self.now)
            objs.append(instance)
        self._save(Address, objs, ADDRESS_UPDATE_FIELDS)

    # -- contacts -------------------------------------------------------------------------------
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
                versioning.stamp(contact, user_id=self.user_id, now=self.now)
            self._save(Contact, objs, rules.CONTACT_IMPORT_UPDATABLE)
        user_id = self.user_id

        def contact_row(item):
            plan, fields, address = item
            row = dict(fields)
            if "role_id" in row:
                row["role_id"] = self.resolve(row["role_id"])
            row.update(
                customer_id=plan.pk,
                address_id=address.pk if address is not None else None,
                created_by_id=user_id,
                updated_by_id=user_id,
            )
            return row

        new = [
            (plan, fields, address) for plan in plans for fields, address, _row in plan.new_contacts
        ]
        self.insert("contacts", Contact, new, contact_row)

    # -- grouping options -----------------------------------------------------------------------
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
            "groupings",
            CustomerGroupingOption,
            new,
            lambda item: {"customer_id": item[0], "option_id": item[1]},
        )
        # Existing customers whose options changed are one version newer, so a settings form
        # opened before the import cannot save the old options back (lost update). Those whose
        # own fields were updated got their new version in write_customers.
        touched = [
            plan.pk
            for plan in plans
            if not plan.is_new and not plan.values and (plan.new_options or plan.removed_options)
        ]
        for start in range(0, len(touched), BATCH * 5):
            versioning.bump_rows(
                Customer.objects.filter(pk__any_of=touched[start : start + BATCH * 5]),
                user_id=self.user_id,
                now=self.now,
            )
