"""Scale data for the benchmark: the History tab's records (see ``ops.scale_seed.customers``).

The History tab reads the django-simple-history tables of the customer, its addresses, contacts
and grouping assignments; a benchmark without those rows would time an empty tab. So every
seeded customer gets a past, written by the project's one bulk writer
(``customers.bulk.copy_to_history``, one ``INSERT ... SELECT`` per kind of record and chunk):

- a "+" record of the customer and of each of its addresses, contacts and groupings, dated when
  the row was created, from an import (the customer's website and industry, the contacts'
  titles and mobile numbers, the addresses' phone numbers filled in later);
- a "~" change of the customer by its account manager, and of its first contact (a form);
- a big account (20 contacts or more: the first customer of every 1,000) also gets a change of
  every address and two of every contact, some 500 records in all; an ordinary customer has
  about 10.

Idempotent: the ``seed_scale_history`` row of NumberSequence holds the highest customer id
done, and only customers without any history record of their own get one, so a second run adds
nothing and customers made through the app (which have their history already) are left alone.
Each chunk is one transaction.
"""

import datetime

from django.db import models, transaction
from django.db.models import Count, F, Min, Value
from django.db.models.functions import Cast, Greatest

from core.history import SOURCE_FORM, SOURCE_IMPORT, change_source
from customers import bulk
from customers.models import Address, Contact, Customer, CustomerGroupingOption, NumberSequence
from ops.scale_seed.customers import CHUNK_SIZE, NOW

MARKER_KEY = "seed_scale_history"  # NumberSequence row: next_value = highest customer id done
BIG_ACCOUNT_CONTACTS = 20  # a customer with this many contacts gets a big account's history
IMPORT_FILE = "kundregister.csv"

_EMPTY = Value("", output_field=models.CharField())
# Typed: a bare NULL in a subquery's SELECT is text to PostgreSQL.
_NO_ID = Cast(Value(None), output_field=models.BigIntegerField())


def _when(days_ago):
    """A record's date: ``days_ago`` before the seed, but never before its row was created."""
    day = NOW - datetime.timedelta(days=days_ago)
    return Greatest(F("created_at"), Value(day, output_field=models.DateTimeField()))


def customers_without_history(after, limit):
    """Ids of up to ``limit`` customers above id ``after`` that have no history record."""
    history = Customer.history.model.objects.filter(id=models.OuterRef("pk"))
    return list(
        Customer.objects.filter(pk__gt=after)
        .exclude(models.Exists(history))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def seed_history(ids):
    """Write the history records of the customers ``ids`` (none of which has any); return how
    many records were written."""
    contacts = Contact.objects.filter(customer_id__in=ids)
    per_customer = (
        contacts.order_by().values("customer_id").annotate(n=Count("id"), first=Min("id"))
    )
    big = [row["customer_id"] for row in per_customer if row["n"] >= BIG_ACCOUNT_CONTACTS]
    first_contacts = [row["first"] for row in per_customer if row["customer_id"] not in big]
    customers = Customer.objects.filter(pk__in=ids)
    addresses = Address.objects.filter(customer_id__in=ids)
    big_contacts = Contact.objects.filter(customer_id__in=big)
    written = 0

    def copy(queryset, history_type, **kwargs):
        nonlocal written
        written += bulk.copy_to_history(queryset, history_type=history_type, **kwargs)

    with change_source(SOURCE_IMPORT, IMPORT_FILE):
        created = F("created_at")
        copy(
            customers,
            "+",
            user=None,
            date=created,
            values={"website": _EMPTY, "industry": _NO_ID},
        )
        copy(addresses, "+", user=None, date=created, values={"phone": _EMPTY})
        copy(contacts, "+", user=None, date=created, values={"title": _EMPTY, "mobile": _EMPTY})
        copy(
            CustomerGroupingOption.objects.filter(customer_id__in=ids), "+", user=None, date=created
        )
    with change_source(SOURCE_FORM):
        copy(customers, "~", user=F("owner_id"), date=_when(400))
        copy(Contact.objects.filter(pk__in=first_contacts), "~", user=None, date=_when(200))
        # A big account's addresses and contacts were all looked after: the mobile numbers
        # first (the title still empty), the titles later.
        copy(Address.objects.filter(customer_id__in=big), "~", user=None, date=_when(300))
        copy(big_contacts, "~", user=None, date=_when(250), values={"title": _EMPTY})
        copy(big_contacts, "~", user=None, date=_when(100))
    return written


def seed_all(stdout=None):
    """Give every customer without history its records, chunk by chunk; return how many."""
    total = chunks = 0
    while True:
        with transaction.atomic():
            marker, _created = NumberSequence.objects.select_for_update().get_or_create(
                key=MARKER_KEY, defaults={"next_value": 0}
            )
            ids = customers_without_history(marker.next_value, CHUNK_SIZE)
            if not ids:
                return total
            total += seed_history(ids)
            marker.next_value = ids[-1]
            marker.save(update_fields=["next_value"])
        chunks += 1
        if stdout is not None and chunks % 10 == 0:
            stdout.write(f"History up to customer id {ids[-1]}: {total} records")
