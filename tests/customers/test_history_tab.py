"""The card's History tab: every kind of change, with who, when, what and the source."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.history import (
    SOURCE_ADMIN,
    SOURCE_BULK,
    SOURCE_IMPORT,
    ChangeSourceMiddleware,
    change_source,
    current_source,
)
from customers import roles
from customers.models import CustomerGroupingOption
from customers.selectors.history import customer_history_page
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingOptionFactory,
    IndustryFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _url(customer, **params):
    url = reverse("customers:customer_history", args=[customer.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def _entries(customer, **kwargs):
    # A request leaves its language (Swedish) active: read the entries in English.
    with translation.override("en"):
        return list(customer_history_page(customer, **kwargs).object_list)


def test_customer_change_lists_field_with_old_and_new_value():
    customer = CustomerFactory(name="Old name AB")
    customer.name = "New name AB"
    customer.save()
    entry = _entries(customer)[0]
    assert entry.action == "~"
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("name", "Old name AB", "New name AB")
    ]


def test_foreign_key_change_shows_names_not_ids():
    customer = CustomerFactory(industry=IndustryFactory(name="Bygg"))
    customer.industry = IndustryFactory(name="Konsult")
    customer.save()
    change = _entries(customer)[0].changes[0]
    assert (change.field, change.old, change.new) == ("industry", "Bygg", "Konsult")


def test_changes_are_listed_newest_first():
    customer = CustomerFactory(name="First")
    for name in ["Second", "Third"]:
        customer.name = name
        customer.save()
    assert [e.changes[0].new for e in _entries(customer)][:2] == ["Third", "Second"]


def test_entry_names_the_user_who_made_the_change():
    user = UserFactory(first_name="Greta", last_name="Garbo")
    customer = CustomerFactory()
    customer.name = "Changed"
    customer._history_user = user
    customer.save()
    assert _entries(customer)[0].user_name == "Greta Garbo"


@pytest.mark.parametrize(
    ("source", "detail", "expected", "expected_detail"),
    [
        (SOURCE_IMPORT, "kunder.csv", "Import", "kunder.csv"),
        (SOURCE_BULK, "", "Bulk action", ""),
        (SOURCE_ADMIN, "", "Admin", ""),
    ],
)
def test_entry_shows_the_source_of_the_change(source, detail, expected, expected_detail):
    customer = CustomerFactory()
    with change_source(source, detail):
        customer.name = "Changed"
        customer.save()
    entry = _entries(customer)[0]
    assert (entry.source, entry.source_detail) == (expected, expected_detail)


@pytest.mark.parametrize(("path", "expected"), [("/customers/1/", "form"), ("/admin/x/", "admin")])
def test_middleware_stamps_requests_as_form_or_admin(rf, path, expected):
    seen = {}

    def view(request):
        seen["source"] = current_source()

    ChangeSourceMiddleware(view)(rf.post(path))
    assert seen["source"] == expected


def test_address_contact_and_grouping_changes_appear_on_the_customer_history():
    customer = CustomerFactory()
    address = AddressFactory(customer=customer, line1="Storgatan 1", postal_code="111 22")
    address.city = "Uppsala"
    address.save()
    ContactFactory(customer=customer, first_name="Anna", last_name="Berg")
    option = GroupingOptionFactory(name="North", category__name="Region")
    assignment = CustomerGroupingOption.objects.create(customer=customer, option=option)
    assignment.delete()
    kinds = [(e.object_type, e.action, e.object_label) for e in _entries(customer)]
    assert kinds[:4] == [
        ("Customer grouping", "-", "Region\\North"),
        ("Customer grouping", "+", "Region\\North"),
        ("Contact", "+", "Anna Berg"),
        ("Address", "~", "Storgatan 1, 111 22 Uppsala"),
    ]


def test_other_customers_changes_are_not_shown():
    customer = CustomerFactory()
    other = CustomerFactory()
    AddressFactory(customer=other)
    ContactFactory(customer=other)
    assert {e.object_type for e in _entries(customer)} == {"Customer"}


def test_created_entry_lists_initial_values():
    customer = CustomerFactory(name="Nya Kunden AB")
    entry = _entries(customer)[-1]
    assert entry.action == "+"
    assert ("name", "Nya Kunden AB") in [(c.field, c.new) for c in entry.changes]


def test_bookkeeping_fields_are_not_listed_as_changes():
    customer = CustomerFactory()
    customer.version += 1
    customer.name = "Changed"
    customer.save()
    assert [c.field for c in _entries(customer)[0].changes] == ["name"]


def test_history_is_paginated(reader_client):
    customer = CustomerFactory()
    for i in range(30):
        customer.name = f"Name {i}"
        customer.save()
    first = reader_client.get(_url(customer))
    second = reader_client.get(_url(customer, page=2))
    assert len(first.context["entries"]) == 25
    assert len(second.context["entries"]) == 6  # 30 changes + the creation


@pytest.mark.parametrize(
    ("asked", "shown", "entries"),
    [("2", 2, 6), ("99", 2, 6), ("0", 2, 6), ("-1", 2, 6), ("x", 1, 25), ("", 1, 25)],
)
def test_history_page_number_is_picked_as_django_picks_it(reader_client, asked, shown, entries):
    """Past the end or below 1: the last page; not a number: the first (``get_page``)."""
    customer = CustomerFactory()
    for i in range(30):
        customer.name = f"Name {i}"
        customer.save()
    response = reader_client.get(_url(customer), {"page": asked})
    page = response.context["page_obj"]
    assert (page.number, len(response.context["entries"])) == (shown, entries)
    assert page.paginator.count == 31
    assert page.paginator.num_pages == 2


def test_history_tab_renders_changes_escaped(reader_client):
    customer = CustomerFactory(name="<b>bold</b>")
    customer.name = "<script>alert(1)</script>"
    customer.save()
    body = reader_client.get(_url(customer)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body


def test_history_tab_permissions(client, make_user):
    customer = CustomerFactory()
    assert client.get(_url(customer)).status_code == 302
    client.force_login(make_user())
    assert client.get(_url(customer)).status_code == 403
    client.force_login(make_user(roles.READ_ONLY))
    assert client.get(_url(customer)).status_code == 200
    missing = reverse("customers:customer_history", args=[customer.pk + 1000])
    assert client.get(missing).status_code == 404


def _history_rows(customer, n):
    for i in range(n):
        address = AddressFactory(customer=customer)
        address.city = f"City {i}"
        address.save()
        ContactFactory(customer=customer)
        customer.name = f"Name {i}"
        customer.save()
        CustomerGroupingOption.objects.create(customer=customer, option=GroupingOptionFactory())


@pytest.mark.parametrize("rows", [1, 50])
def test_history_tab_query_count_is_fixed(reader_client, django_assert_num_queries, rows):
    customer = CustomerFactory(industry=IndustryFactory())
    _history_rows(customer, rows)
    reader_client.get(_url(customer))  # warm the session and permission caches
    with django_assert_num_queries(_expected_queries()):
        response = reader_client.get(_url(customer))
    assert response.status_code == 200


def _expected_queries():
    # session, user with their permissions (core.auth_backends), customer, the page with the
    # count of all entries, then one for each history source, with or without entries on the
    # page: customer, address, contact, grouping, and the project and activity sources those
    # apps register.
    from customers.selectors.history import all_sources

    assert len(all_sources()) == 6
    return 4 + len(all_sources())


def _history_of_kind(customer, kind):
    """Make the customer's history hold, besides its own creation, one kind of change."""
    if kind == "address":
        AddressFactory(customer=customer)
    elif kind == "contact":
        ContactFactory(customer=customer)
    elif kind == "grouping":
        CustomerGroupingOption.objects.create(customer=customer, option=GroupingOptionFactory())
    elif kind == "project":
        ProjectFactory(customer=customer)
    elif kind == "activity":
        ActivityFactory(customer=customer)
    elif kind == "all":
        for other in ("address", "contact", "grouping", "project", "activity"):
            _history_of_kind(customer, other)


@pytest.mark.parametrize(
    "kind", ["customer only", "address", "contact", "grouping", "project", "activity", "all"]
)
def test_history_tab_query_count_does_not_depend_on_the_kinds_of_history(
    reader_client, django_assert_num_queries, kind
):
    customer = CustomerFactory()
    _history_of_kind(customer, kind)
    reader_client.get(_url(customer))  # warm the session and permission caches
    with django_assert_num_queries(_expected_queries()):
        response = reader_client.get(_url(customer))
    assert response.status_code == 200


def test_history_entries_keep_their_previous_values_across_pages(reader_client):
    """A change's old value comes from the record before it, also when that record is on the
    next page (loaded in the same query as the page's records)."""
    customer = CustomerFactory(name="Name 0")
    for i in range(1, 30):
        customer.name = f"Name {i}"
        customer.save()
    with translation.override("en"):
        page = customer_history_page(customer, page_number=1, per_page=25)
    changes = [(c.old, c.new) for e in page.object_list for c in e.changes if c.field == "name"]
    assert changes[0] == ("Name 28", "Name 29")
    assert changes[-1] == ("Name 4", "Name 5")  # "Name 4" is on page two


def test_project_and_activity_changes_appear_through_their_registered_sources():
    customer = CustomerFactory()
    project = ProjectFactory(customer=customer, name="Website")
    project.name = "New website"
    project.save()
    ActivityFactory(customer=customer, subject="Kick-off")
    kinds = [(e.object_type, e.action) for e in _entries(customer)]
    assert kinds[:3] == [("Activity", "+"), ("Project", "~"), ("Project", "+")]
    project_change = _entries(customer)[1].changes
    assert [(c.field, c.old, c.new) for c in project_change] == [("name", "Website", "New website")]


# --- each kind of change, made the way users make it, with its source -----------------------


def _newest(customer):
    return _entries(customer)[0]


def test_form_change_is_listed_with_source_form(editor_client, editor):
    from tests.html_forms import form_with_field

    customer = CustomerFactory(name="Before AB")
    url = reverse("customers:customer_update", args=[customer.pk])
    data = form_with_field(editor_client.get(url).content.decode(), "version")
    data["name"] = ["After AB"]
    assert editor_client.post(url, data).status_code == 302
    entry = _newest(customer)
    assert (entry.source, entry.user) == ("Form", editor)
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("name", "Before AB", "After AB")]


def test_bulk_grouping_change_is_listed_with_source_bulk(editor_client):
    customer = CustomerFactory()
    option = GroupingOptionFactory(name="North", category__name="Region")
    response = editor_client.post(
        reverse("reports:customer_bulk"),
        {
            "action": "add",
            "option": str(option.pk),
            "scope": "selected",
            "customers": [str(customer.pk)],
            "query": "",
            "confirmed": "on",
        },
    )
    assert response.status_code == 302
    entry = _newest(customer)
    assert (entry.object_type, entry.action, entry.object_label, entry.source) == (
        "Customer grouping",
        "+",
        "Region\\North",
        "Bulk action",
    )


def test_import_is_listed_with_source_import_and_file_name(superuser):
    from customers.importing.engine import ImportOptions, run_import
    from customers.models import Customer

    content = (
        b"Customer name;Address line 1;Postal code;City\r\n"
        b"Importerade AB;Storgatan 1;222 22;Lund\r\n"
    )
    run_import(
        content,
        file_name="kunder.csv",
        options=ImportOptions(),
        user=superuser,
        commit=True,
    )
    customer = Customer.objects.get(name="Importerade AB")
    sources = {(e.object_type, e.source, e.source_detail) for e in _entries(customer)}
    assert ("Customer", "Import", "kunder.csv") in sources
    assert ("Address", "Import", "kunder.csv") in sources


def test_admin_change_is_listed_with_source_admin(client, superuser):
    customer = CustomerFactory(name="Admin Before AB")
    client.force_login(superuser)
    url = reverse("admin:customers_customer_change", args=[customer.pk])
    from tests.html_forms import form_with_field

    data = form_with_field(client.get(url).content.decode(), "name")
    data["name"] = ["Admin After AB"]
    data.pop("_addanother", None)
    data.pop("_continue", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = _newest(customer)
    assert entry.source == "Admin"
    assert ("name", "Admin Before AB", "Admin After AB") in [
        (c.field, c.old, c.new) for c in entry.changes
    ]


def test_deleting_a_user_clears_their_stamps_and_history_user(superuser):
    """created_by, updated_by and history_user have no database constraint (an import writes
    400,000 of them): deleting a user through Django still leaves no id pointing nowhere."""
    from customers.importing.engine import ImportOptions, run_import
    from customers.models import Address, Customer

    importer = UserFactory(username="leaving", is_staff=True, is_superuser=True)
    content = b"Customer name;Address line 1;Postal code;City\r\nKvarlevor AB;Vag 1;222 22;Lund\r\n"
    result = run_import(
        content, file_name="k.csv", options=ImportOptions(), user=importer, commit=True
    )
    assert result.committed
    customer = Customer.objects.get(name="Kvarlevor AB")
    assert customer.created_by_id == importer.pk
    assert customer.history.filter(history_user_id=importer.pk).exists()

    importer_id = importer.pk
    importer.delete()

    customer.refresh_from_db()
    assert (customer.created_by_id, customer.updated_by_id) == (None, None)
    address = Address.objects.get(customer=customer)
    assert (address.created_by_id, address.updated_by_id) == (None, None)
    assert not Customer.history.filter(history_user_id=importer_id).exists()
    assert not Address.history.filter(history_user_id=importer_id).exists()
    # The records themselves stay: the history keeps what happened, without the user.
    assert customer.history.filter(history_type="+").exists()


def test_country_change_shows_country_names():
    customer = CustomerFactory(country="SE")
    customer.country = "NO"
    customer.save()
    with translation.override("en"):
        entry = customer_history_page(customer).object_list[0]
    assert ("country", "Sweden", "Norway") in [(c.field, c.old, c.new) for c in entry.changes]
