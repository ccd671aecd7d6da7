"""The reads behind the top bar's search: customers, contacts and projects the user may see.

Each kind is one query, whatever the number of matches: ``global_search`` runs three queries
(none for a kind the user may not see) and reads ``limit + 1`` rows of each to know whether
there are more. Names sort in Swedish order (``customers.collation``).
"""

import re
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery

from core.pagination import by_keys
from customers.collation import swedish
from customers.models import Address, Contact, Customer
from projects.models import Project

# Shorter texts match too much to be worth a query; longer ones are cut (a name is at most 200).
MIN_LENGTH = 2
MAX_LENGTH = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_search_text(text):
    """The text as searched: control characters (NUL included) out, spaces trimmed and cut."""
    return _CONTROL.sub(" ", text or "").strip()[:MAX_LENGTH].strip()


@dataclass
class Hits:
    """Up to ``limit`` rows of one kind, and whether more matched."""

    rows: list = field(default_factory=list)
    more: bool = False

    @classmethod
    def of(cls, queryset, limit, *, keys_first=False):
        """The first ``limit + 1`` rows of ``queryset``. With ``keys_first`` their keys are
        sorted and cut on the searched table alone and the joins are made for those rows only
        (``core.pagination.by_keys``): PostgreSQL otherwise joins every match before the sort
        stops at the limit (5,900 contacts for "öbe" joined to their customers for 6 rows)."""
        if keys_first:
            queryset = by_keys(queryset, queryset.values("pk")[: limit + 1])
        rows = list(queryset[: limit + 1])
        return cls(rows=rows[:limit], more=len(rows) > limit)


@dataclass
class SearchResults:
    text: str
    customers: Hits = field(default_factory=Hits)
    contacts: Hits = field(default_factory=Hits)
    projects: Hits = field(default_factory=Hits)

    @property
    def searched(self):
        return len(self.text) >= MIN_LENGTH

    @property
    def is_empty(self):
        return not (self.customers.rows or self.contacts.rows or self.projects.rows)

    @property
    def any_more(self):
        return self.customers.more or self.contacts.more or self.projects.more


def search_customers(*, user, text):
    """Customers by name, number, organisation or VAT number, city or a phone number."""
    city = Address.objects.filter(customer=OuterRef("pk"), is_head_office=True).values("city")[:1]
    return (
        Customer.objects.visible_to(user)
        .search(text)
        .annotate(head_office_city=Subquery(city))
        .only("id", "name", "number", "organisation_number", "is_active")
        .order_by(swedish("name"), "number", "pk")
    )


def search_contacts(*, user, text):
    """Active contacts by name (every word, any order), email or phone, with their customer."""
    return (
        Contact.objects.visible_to(user)
        .active()
        .search(text)
        .select_related("customer")
        .only(
            "id",
            "first_name",
            "last_name",
            "title",
            "email",
            "phone",
            "mobile",
            "customer__id",
            "customer__name",
            "customer__number",
        )
        .order_by(swedish("last_name"), swedish("first_name"), "pk")
    )


def search_projects(*, user, text):
    """Projects by name or number, with their customer."""
    condition = Q(name__icontains=text)
    if text.isdigit():
        condition |= Q(number=int(text))
    return (
        Project.objects.visible_to(user)
        .filter(condition)
        .select_related("customer")
        .only(
            "id",
            "number",
            "name",
            "kind",
            "is_closed",
            "customer__id",
            "customer__name",
            "customer__number",
        )
        .order_by(swedish("name"), "number")
    )


def global_search(*, user, text, limit):
    """Up to ``limit`` customers, contacts and projects matching ``text`` that ``user`` may
    see; nothing (and no query) for a text shorter than ``MIN_LENGTH``."""
    text = clean_search_text(text)
    results = SearchResults(text=text)
    if not results.searched:
        return results
    results.customers = Hits.of(search_customers(user=user, text=text), limit)
    results.contacts = Hits.of(search_contacts(user=user, text=text), limit, keys_first=True)
    results.projects = Hits.of(search_projects(user=user, text=text), limit)
    return results
