"""seed_scale: consistent, idempotent scale data; the indexes and the capped count it needs.

Runs on SQLite (bulk_create) and on PostgreSQL (COPY) alike:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/kk_scale pytest tests/test_seed_scale.py``.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse

from activities.models import Activity
from core.pagination import CappedPaginator
from customers.models import Address, Contact, Customer, CustomerGroupingOption, NumberSequence
from customers.validators import normalise_organisation_number, normalise_vat_number
from ops.scale_seed import customers as scale_seed
from projects.models import Project, ProjectNote
from tests.factories import CustomerFactory, ProjectFactory, ProjectNoteFactory

pytestmark = pytest.mark.django_db

SCALE = 20


def seed(customers):
    call_command("seed_scale", customers=customers, stdout=io.StringIO())


@pytest.fixture
def seeded(db):
    seed(SCALE)
    return SCALE


def test_seed_makes_the_promised_numbers_of_rows(seeded):
    assert Customer.objects.count() == SCALE
    assert Contact.objects.count() == 3 * SCALE
    assert Address.objects.count() == SCALE * 3 // 2
    assert Activity.objects.count() == 10 * SCALE
    assert Project.objects.count() == SCALE
    assert ProjectNote.objects.count() == SCALE
    assert CustomerGroupingOption.objects.exists()


def test_every_owner_is_an_account_manager_the_owner_filter_offers(seeded):
    from customers.selectors.customers import customer_owner_choices

    owners = set(Customer.objects.exclude(owner=None).values_list("owner_id", flat=True))
    assert owners
    assert owners <= set(customer_owner_choices().values_list("pk", flat=True))


def test_every_contacts_address_belongs_to_its_customer(seeded):
    assert Contact.objects.filter(address__isnull=False).exists()
    assert not Contact.objects.filter(address__isnull=False).exclude(
        address__customer=F("customer")
    )


def test_every_customer_with_addresses_has_exactly_one_head_office(seeded):
    offices = Customer.objects.annotate(
        n_addresses=Count("addresses"),
        n_head=Count("addresses", filter=Q(addresses__is_head_office=True)),
    )
    assert all(c.n_addresses >= 1 for c in offices)
    assert all(c.n_head == 1 for c in offices)


def test_every_customer_has_one_default_billing_address_among_its_billing_ones(seeded):
    assert Address.objects.filter(is_default_billing=True).count() == SCALE
    assert not Address.objects.filter(is_default_billing=True, is_billing=False).exists()


def test_projects_and_activities_stay_within_their_customer(seeded):
    assert not Project.objects.filter(contact__isnull=False).exclude(
        contact__customer=F("customer")
    )
    assert Activity.objects.filter(project__isnull=False).exists()
    assert not Activity.objects.filter(project__isnull=False).exclude(
        project__customer=F("customer")
    )
    participants = Activity.participant_contacts.through.objects.all()
    assert participants.exists()
    assert not participants.exclude(contact__customer=F("activity__customer"))


def test_customer_numbers_are_unique_and_the_sequence_is_past_them(seeded):
    numbers = list(Customer.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    assert NumberSequence.objects.get(key="customer").next_value > max(numbers)
    project_numbers = list(Project.objects.values_list("number", flat=True))
    assert NumberSequence.objects.get(key="project").next_value > max(project_numbers)


def test_seeded_numbers_follow_customers_made_before(db):
    existing = CustomerFactory(number=900_000)
    seed(3)
    seeded = Customer.objects.exclude(pk=existing.pk).values_list("number", flat=True)
    assert min(seeded) > existing.number


def test_organisation_and_vat_numbers_pass_the_validators(seeded):
    for customer in Customer.objects.all():
        org = normalise_organisation_number(customer.organisation_number, customer.country)
        assert org == customer.organisation_number
        if customer.vat_number:
            assert normalise_vat_number(customer.vat_number, customer.country) == (
                customer.vat_number
            )


def test_names_are_nordic(seeded):
    text = " ".join(Contact.objects.values_list("last_name", flat=True))
    text += " ".join(Address.objects.values_list("city", flat=True))
    assert any(ch in text for ch in "åäöÅÄÖøæ")


def test_running_again_with_the_same_scale_adds_nothing(seeded):
    before = (Customer.objects.count(), Contact.objects.count(), Activity.objects.count())
    seed(SCALE)
    after = (Customer.objects.count(), Contact.objects.count(), Activity.objects.count())
    assert after == before


def test_a_larger_scale_adds_only_the_difference(seeded):
    seed(SCALE + 5)
    assert Customer.objects.count() == SCALE + 5
    assert Contact.objects.count() == 3 * (SCALE + 5)
    assert NumberSequence.objects.get(key=scale_seed.MARKER_KEY).next_value == SCALE + 5


def test_the_first_customer_of_a_chunk_has_many_rows_and_the_rest_few(db):
    seed(200)
    counts = sorted(Customer.objects.annotate(n=Count("activities")).values_list("n", flat=True))
    assert counts[-1] >= 10 * counts[len(counts) // 2]


# The capped count of the customer list.


def test_capped_paginator_stops_counting_at_the_cap(seeded):
    paginator = CappedPaginator(Customer.objects.order_by("pk"), 3)
    paginator.cap = 10
    assert paginator.count == 10
    assert paginator.is_capped
    assert paginator.num_pages == 4


def test_capped_paginator_counts_exactly_below_the_cap(seeded):
    paginator = CappedPaginator(Customer.objects.order_by("pk"), 3)
    assert paginator.count == SCALE
    assert not paginator.is_capped


def test_capped_paginator_pages_keep_the_filter_and_the_order(seeded):
    active = Customer.objects.filter(is_active=True, number__gt=0).order_by("-number")
    paginator = CappedPaginator(active, 4)
    rows = [c.pk for n in paginator.page_range for c in paginator.page(n)]
    assert rows == list(active.values_list("pk", flat=True))


def test_capped_paginator_page_of_an_empty_queryset_is_empty(seeded):
    paginator = CappedPaginator(Customer.objects.none(), 4)
    assert list(paginator.page(1)) == []


def test_capped_paginator_keeps_a_filter_through_a_multi_valued_join(seeded):
    with_contacts = Customer.objects.filter(contacts__first_name__gt="").order_by("pk")
    paginator = CappedPaginator(with_contacts, 1000)
    assert len(list(paginator.page(1))) == with_contacts.count()


def test_capped_paginator_reading_keys_first_gives_the_same_pages(seeded):
    active = Customer.objects.filter(is_active=True).order_by("-number", "pk")
    plain = CappedPaginator(active, 4)
    keyed = CappedPaginator(active, 4, keys_first=True)
    assert keyed.count == plain.count
    assert [[c.pk for c in keyed.page(n)] for n in keyed.page_range] == [
        [c.pk for c in plain.page(n)] for n in plain.page_range
    ]


def test_capped_paginator_reading_keys_first_stops_at_the_cap(seeded):
    keyed = CappedPaginator(Customer.objects.order_by("pk"), 3, cap=10, keys_first=True)
    assert keyed.count == 10
    assert keyed.is_capped


def test_customer_list_says_more_than_the_cap(seeded, reader_client, monkeypatch, settings):
    settings.KUNDKORT_PAGE_SIZE = 5
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    response = reader_client.get(reverse("customers:customer_list"), {"status": "all"})
    assert response.context["paginator"].is_capped
    assert 'data-testid="count-capped"' in response.content.decode()


def test_customer_search_counts_its_matches_up_to_the_search_cap(
    seeded, reader_client, monkeypatch, settings
):
    from customers.views import customers as customer_views

    settings.KUNDKORT_PAGE_SIZE = 2
    monkeypatch.setattr(customer_views, "SEARCH_CAP", 3)
    digit = Customer.objects.values_list("number", flat=True).first() // 1000 % 10
    response = reader_client.get(
        reverse("customers:customer_list"), {"q": str(digit), "status": "all"}
    )
    assert response.context["paginator"].count == 3
    assert response.context["paginator"].is_capped


def test_customer_list_runs_the_same_queries_capped_or_not(seeded, reader_client, monkeypatch):
    url = reverse("customers:customer_list") + "?page=2"
    reader_client.get(url)  # the session settles
    uncapped = _count_queries(reader_client, url)
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    assert _count_queries(reader_client, url) == uncapped


def _count_queries(client, url):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


# PostgreSQL: the trigram indexes match the SQL Django writes for icontains.


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only")
@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ({"name__icontains": "öbe"}, "customer_name_trgm"),
        ({"organisation_number__icontains": "6036"}, "customer_orgno_trgm"),
        ({"vat_number__icontains": "6036"}, "customer_vat_trgm"),
        ({"number__icontains": "1001"}, "customer_number_trgm"),
    ],
)
def test_customer_search_uses_its_trigram_index(seeded, lookup, index):
    with connection.cursor() as cursor:
        # Tiny tables: without these the planner rightly reads the table instead.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = Customer.objects.filter(**lookup).order_by().explain()
    assert index in plan


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only")
def test_city_search_uses_the_address_trigram_index(seeded):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = Address.objects.filter(city__icontains="ume").order_by().explain()
    assert "address_city_trgm" in plan


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL only")
def test_phone_search_reads_the_address_phone_trigram_index(seeded):
    # The branch the customer search adds for a typed phone number: its digits inside the
    # stored E.164 numbers (and an organisation number's digits, which look the same).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = Customer.objects.search("08-394 59 98").order_by().explain()
    assert "address_phone_trgm" in plan
    assert "Seq Scan on customers_address" not in plan


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="partial index: PostgreSQL only")
def test_counting_active_customers_with_an_option_reads_the_active_ids_index(seeded):
    # The report's count with a grouping filter: its matches among the active customers.
    option_id = CustomerGroupingOption.objects.values_list("option_id", flat=True).first()
    with_option = CustomerGroupingOption.objects.filter(customer=OuterRef("pk"), option=option_id)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_hashjoin = off")
        plan = Customer.objects.filter(is_active=True).filter(Exists(with_option)).explain()
    assert "customer_active_id_idx" in plan


# History: every seeded customer has a past, written once.


def _history_counts():
    return {
        model.__name__: model.history.model.objects.count()
        for model in (Customer, Address, Contact, CustomerGroupingOption)
    }


def test_every_seeded_row_has_its_created_record(seeded):
    for model in (Customer, Address, Contact, CustomerGroupingOption):
        created = model.history.model.objects.filter(history_type="+")
        assert set(created.values_list("id", flat=True)) == set(
            model.objects.values_list("pk", flat=True)
        )
        assert not created.exclude(history_change_reason="import: kundregister.csv").exists()


def test_every_seeded_customer_has_about_ten_history_records(seeded):
    from customers.selectors.history import CUSTOMER_HISTORY_SOURCES, customer_history_queryset

    counts = [
        customer_history_queryset(customer, CUSTOMER_HISTORY_SOURCES).count()
        for customer in Customer.objects.order_by("pk")[1:]  # the first is a big account
    ]
    assert min(counts) >= 6
    assert 8 <= sum(counts) / len(counts) <= 12


def test_a_seeded_change_holds_the_values_before_and_after():
    from customers.selectors.history import customer_history_page

    seed(3)
    customer = Customer.objects.exclude(website="").filter(industry__isnull=False).first()
    entries = customer_history_page(customer, per_page=100).object_list
    changed = [e for e in entries if e.action == "~" and e.object_type == "Kund"] or [
        e for e in entries if e.action == "~" and e.object_label == customer.name
    ]
    assert changed and changed[0].user is not None  # the account manager
    fields = {change.new for change in changed[0].changes}
    assert customer.website in fields
    assert all(change.old == "" for change in changed[0].changes)
    assert changed[0].source == "Form" or changed[0].source == "Formulär"


def test_a_big_account_has_a_long_history_and_every_contact_changed_twice(db):
    seed(200)
    history = Contact.history.model.objects
    by_customer = sorted(
        (
            history.filter(customer_id=customer.pk).count()
            + Address.history.model.objects.filter(customer_id=customer.pk).count(),
            customer.pk,
        )
        for customer in Customer.objects.all()
    )
    most, big = by_customer[-1]
    assert most > 5 * by_customer[len(by_customer) // 2][0]
    for contact in Contact.objects.filter(customer_id=big):
        assert history.filter(id=contact.pk, history_type="~").count() == 2


def test_seeding_again_writes_no_history_twice(seeded):
    before = _history_counts()
    seed(SCALE)
    assert _history_counts() == before
    seed(SCALE + 5)
    after = _history_counts()
    assert after["Customer"] == before["Customer"] + 2 * 5
    assert NumberSequence.objects.get(key="seed_scale_history").next_value == (
        Customer.objects.order_by("-pk").values_list("pk", flat=True).first()
    )


def test_customers_made_in_the_app_keep_their_own_history(db):
    existing = CustomerFactory()
    own = list(Customer.history.model.objects.filter(id=existing.pk).values_list("history_id"))
    seed(3)
    assert (
        list(Customer.history.model.objects.filter(id=existing.pk).values_list("history_id")) == own
    )
    assert Customer.history.model.objects.exclude(id=existing.pk).count() == 2 * 3


# Fixed query counts: each page runs as many queries for a big account as for a small one.


@pytest.fixture
def accounts(db):
    """The first seeded customer (a big account) and a small one, with an Edit-level user."""
    seed(200)
    by_contacts = Customer.objects.annotate(n=Count("contacts", distinct=True)).order_by("-n", "pk")
    many = by_contacts.first()
    # A small account that still has a row of every kind (empty lists may skip a query).
    few = (
        by_contacts.filter(
            is_active=True,
            projects__notes__isnull=False,
            activities__project__isnull=False,
            activities__is_done=True,
        )
        .distinct()
        .last()
    )
    # Both the ongoing and the closed list hold a row (an empty list skips its page query),
    # and both customers get the same kinds of history rows besides their seeded past.
    for customer in (few, many):
        for closed in (False, True):
            ProjectNoteFactory(project=ProjectFactory(customer=customer, is_closed=closed))
    assert Activity.objects.filter(customer=many).count() > 5 * max(
        1, Activity.objects.filter(customer=few).count()
    )
    return few, many


@pytest.fixture
def account_manager_client(client, make_user):
    from customers import roles

    client.force_login(make_user(roles.EDIT, username="am"))
    return client


def _tab_urls():
    from core.registry import card_tabs

    return [tab.key for tab in card_tabs]


@pytest.mark.parametrize("tab_key", _tab_urls())
def test_card_tab_runs_as_many_queries_for_a_big_account_as_for_a_small_one(
    accounts, account_manager_client, tab_key
):
    from core.registry import card_tabs

    tab = next(t for t in card_tabs if t.key == tab_key)
    few, many = accounts
    account_manager_client.get(tab.url(few))  # the session settles
    counts = [_count_queries(account_manager_client, tab.url(c)) for c in (few, many)]
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("customers:customer_list", {}),
        ("customers:customer_list", {"q": "berg"}),
        ("customers:customer_list", {"page": 2}),
        ("projects:project_list", {}),
        ("activities:activity_list", {"scope": "all"}),
        ("reports:customer_report", {}),
    ],
)
def test_list_runs_as_many_queries_on_few_rows_as_on_many(
    db, account_manager_client, settings, url_name, query
):
    from urllib.parse import urlencode

    settings.KUNDKORT_PAGE_SIZE = 10

    url = reverse(url_name) + ("?" + urlencode(query) if query else "")
    seed(30)
    account_manager_client.get(url)
    small = _count_queries(account_manager_client, url)
    seed(200)
    assert _count_queries(account_manager_client, url) == small
