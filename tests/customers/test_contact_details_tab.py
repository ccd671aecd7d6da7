"""The card's Contact details tab: addresses and contacts sections, queries, permissions."""

import re

import pytest
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import presenters, roles
from customers.models import Address, Contact
from customers.selectors.contact_details import CONTACT_LIMIT, contact_details
from customers.services.addresses import address_create
from customers.services.contacts import contact_create
from tests.factories import ContactRoleFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def customer():
    return CustomerFactory(country="SE")


def card(client, customer, **query):
    return client.get(reverse("customers:customer_detail", args=[customer.pk]), query)


def fill(customer, count):
    """``count`` addresses (the first the head office) and ``count`` contacts with roles."""
    role = ContactRoleFactory(name="Beslutsfattare")
    addresses = [
        Address(
            customer=customer,
            line1=f"Gatan {i}",
            city=f"Stad {i:03}",
            phone="+46812345678",
            is_billing=i % 2 == 0,
            is_default_billing=i == 0,
            is_head_office=i == 0,
        )
        for i in range(count)
    ]
    Address.objects.bulk_create(addresses)
    Contact.objects.bulk_create(
        Contact(
            customer=customer,
            address=addresses[i % len(addresses)],
            first_name=f"Förnamn{i}",
            last_name=f"Efternamn{i:03}",
            role=role,
            email=f"kontakt{i}@example.com",
            phone="+46812345678",
            mobile="+46701234567",
            is_active=i % 10 != 9,
        )
        for i in range(count)
    )


# What the tab shows -------------------------------------------------------------------------


def test_head_office_is_listed_first_with_its_badge(reader_client, customer, user):
    address_create(
        customer=customer, user=user, line1="Huvudgatan 1", city="Örebro", postal_code="111 22"
    )
    address_create(
        customer=customer, user=user, line1="Annexet 2", city="Arboga", postal_code="111 22"
    )
    sections = card(reader_client, customer).context["address_section"]
    assert [a.line1 for a in sections["addresses"]] == ["Huvudgatan 1", "Annexet 2"]
    html = card(reader_client, customer).content.decode()
    assert html.count("kk-badge-head-office") == 1
    assert html.index("Huvudgatan 1") < html.index("Annexet 2")


def test_default_billing_address_is_marked(reader_client, customer, user):
    address_create(
        customer=customer, user=user, line1="Huvudgatan 1", postal_code="111 22", city="Stockholm"
    )
    address_create(
        customer=customer,
        user=user,
        line1="Fakturagatan 9",
        is_billing=True,
        postal_code="111 22",
        city="Stockholm",
    )
    html = card(reader_client, customer).content.decode()
    assert html.count('data-testid="default-billing-badge"') == 1
    billing = Address.objects.get(line1="Fakturagatan 9")
    assert 'data-testid="default-billing-badge"' in html.split(f'id="address-{billing.pk}"')[1]


def test_contacts_are_sorted_by_last_name(reader_client, customer, user):
    for first, last in [("Erik", "Öberg"), ("Anna", "Lind"), ("Bo", "Andersson")]:
        contact_create(customer=customer, user=user, first_name=first, last_name=last)
    contacts = card(reader_client, customer).context["contact_section"]["contacts"]
    assert [c.last_name for c in contacts] == ["Andersson", "Lind", "Öberg"]


def test_inactive_contacts_are_hidden_by_default(reader_client, customer, user):
    contact_create(customer=customer, user=user, first_name="Aktiv", last_name="Person")
    contact_create(
        customer=customer, user=user, first_name="Slutat", last_name="Person", is_active=False
    )
    response = card(reader_client, customer)
    names = [c.first_name for c in response.context["contact_section"]["contacts"]]
    assert names == ["Aktiv"]
    assert "Slutat" not in response.content.decode()
    assert 'data-testid="contacts-show-inactive"' in response.content.decode()


def test_show_inactive_shows_them_greyed(reader_client, customer, user):
    active = contact_create(customer=customer, user=user, first_name="Aktiv", last_name="Person")
    gone = contact_create(
        customer=customer, user=user, first_name="Slutat", last_name="Person", is_active=False
    )
    html = card(reader_client, customer, show_inactive="1").content.decode()
    assert "Slutat" in html
    assert re.search(rf'<li class="[^"]*\bkk-inactive\b[^"]*" id="contact-{gone.pk}"', html)
    assert not re.search(rf'<li class="[^"]*\bkk-inactive\b[^"]*" id="contact-{active.pk}"', html)


def test_phones_are_shown_for_people_to_read(reader_client, customer, user):
    address_create(
        customer=customer, user=user, line1="Huvudgatan 1", postal_code="111 22", city="Stockholm"
    )
    contact_create(
        customer=customer, user=user, first_name="Anna", last_name="Berg", mobile="0701234567"
    )
    html = card(reader_client, customer).content.decode()
    assert "+46 70 123 45 67" in html
    assert 'href="tel:+46701234567"' in html


def test_editor_sees_the_edit_controls(editor_client, customer, user):
    address_create(
        customer=customer, user=user, line1="Huvudgatan 1", postal_code="111 22", city="Stockholm"
    )
    address_create(
        customer=customer, user=user, line1="Annexet 2", postal_code="111 22", city="Stockholm"
    )
    contact_create(customer=customer, user=user, first_name="Anna", last_name="Berg")
    html = card(editor_client, customer).content.decode()
    for testid in [
        "address-new",
        "address-edit",
        "address-delete",
        "head-office-change",
        "contact-new",
        "contact-edit",
        "contact-deactivate",
        "contact-delete",
    ]:
        assert f'data-testid="{testid}"' in html, testid


def test_read_only_user_sees_everything_and_no_edit_controls(reader_client, customer, user):
    address_create(
        customer=customer, user=user, line1="Huvudgatan 1", postal_code="111 22", city="Stockholm"
    )
    address_create(
        customer=customer, user=user, line1="Annexet 2", postal_code="111 22", city="Stockholm"
    )
    contact_create(customer=customer, user=user, first_name="Anna", last_name="Berg")
    html = card(reader_client, customer).content.decode()
    assert "Huvudgatan 1" in html and "Annexet 2" in html and "Berg" in html
    for prefix in ["/addresses/", "/contacts/"]:
        assert f"/customers/{customer.pk}{prefix}" not in html


# Queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 200])
def test_sections_run_two_queries_whatever_the_number_of_rows(
    customer, readonly_user, django_assert_num_queries, rows
):
    fill(customer, rows)
    readonly_user.has_perm("customers.view_customer")  # the view has loaded them already
    with django_assert_num_queries(2):
        sections = contact_details(customer=customer, user=readonly_user, show_inactive=True)
        # The rows read only what the selectors loaded (no query per row).
        contact_rows = presenters.contact_rows(
            sections["contact_section"]["contacts"], customer=customer
        )
        address_rows = presenters.address_rows(
            sections["address_section"]["addresses"], customer=customer
        )
    assert len(address_rows) == rows
    assert len(contact_rows) == rows
    assert all(row["role"] and row["place"] for row in contact_rows)


def count_card_queries(client, customer, **query):
    # The test client's request_started signal empties the query log: start from empty too.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = card(client, customer, **query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("show_inactive", [{}, {"show_inactive": "1"}])
def test_tab_queries_are_the_same_with_1_and_200_addresses_and_contacts(
    editor_client, show_inactive
):
    small, large = CustomerFactory(), CustomerFactory()
    fill(small, 1)
    fill(large, 200)
    card(editor_client, small)  # warm the session and content types
    with_one = count_card_queries(editor_client, small, **show_inactive)
    with_many = count_card_queries(editor_client, large, **show_inactive)
    assert with_one > 0
    assert with_one == with_many


# Permissions per URL ------------------------------------------------------------------------

# (url name, needs an address id, needs a contact id, method)
URLS = [
    ("customers:address_create", False, False, "get"),
    ("customers:address_make_head_office", False, False, "get"),
    ("customers:address_update", True, False, "get"),
    ("customers:address_delete", True, False, "get"),
    ("customers:address_set_default_billing", True, False, "post"),
    ("customers:contact_create", False, False, "get"),
    ("customers:contact_update", False, True, "get"),
    ("customers:contact_delete", False, True, "get"),
    ("customers:contact_toggle_active", False, True, "post"),
]


@pytest.fixture
def setting(user):
    customer = CustomerFactory()
    other = CustomerFactory()
    address = address_create(
        customer=customer,
        user=user,
        line1="Huvudgatan 1",
        is_billing=True,
        postal_code="111 22",
        city="Stockholm",
    )
    contact = contact_create(customer=customer, user=user, first_name="Anna", last_name="Berg")
    other_address = address_create(
        customer=other, user=user, line1="Annan väg 1", postal_code="111 22", city="Stockholm"
    )
    other_contact = contact_create(customer=other, user=user, first_name="Olle", last_name="Ek")
    return {
        "customer": customer,
        "address": address,
        "contact": contact,
        "other_address": other_address,
        "other_contact": other_contact,
    }


def url_for(name, needs_address, needs_contact, setting, *, foreign=False):
    args = [setting["customer"].pk]
    if needs_address:
        args.append(setting["other_address" if foreign else "address"].pk)
    if needs_contact:
        args.append(setting["other_contact" if foreign else "contact"].pk)
    return reverse(name, args=args)


@pytest.mark.parametrize(("name", "needs_address", "needs_contact", "method"), URLS)
def test_anonymous_is_sent_to_login(client, setting, name, needs_address, needs_contact, method):
    response = getattr(client, method)(url_for(name, needs_address, needs_contact, setting))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "needs_address", "needs_contact", "method"), URLS)
@pytest.mark.parametrize("role", [None, roles.READ_ONLY])
def test_users_without_the_edit_right_get_403(
    client, make_user, setting, role, name, needs_address, needs_contact, method
):
    client.force_login(make_user(*([role] if role else [])))
    response = getattr(client, method)(url_for(name, needs_address, needs_contact, setting))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "needs_address", "needs_contact", "method"), URLS)
def test_edit_own_only_user_gets_403_on_another_owners_customer(
    client, make_user, setting, name, needs_address, needs_contact, method
):
    client.force_login(make_user(roles.EDIT, roles.OWN_ONLY))
    response = getattr(client, method)(url_for(name, needs_address, needs_contact, setting))
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "needs_address", "needs_contact", "method"), URLS)
def test_editor_is_let_in(editor_client, setting, name, needs_address, needs_contact, method):
    response = getattr(editor_client, method)(url_for(name, needs_address, needs_contact, setting))
    assert response.status_code == (200 if method == "get" else 302)


@pytest.mark.parametrize(
    ("name", "needs_address", "needs_contact", "method"),
    [u for u in URLS if u[1] or u[2]],
)
def test_another_customers_address_or_contact_id_is_404(
    editor_client, setting, name, needs_address, needs_contact, method
):
    url = url_for(name, needs_address, needs_contact, setting, foreign=True)
    response = getattr(editor_client, method)(url)
    assert response.status_code == 404


@pytest.mark.parametrize(("name", "needs_address", "needs_contact", "method"), URLS)
def test_unknown_customer_is_404(
    editor_client, setting, name, needs_address, needs_contact, method
):
    url = url_for(name, needs_address, needs_contact, setting).replace(
        f"/customers/{setting['customer'].pk}/", "/customers/999999/", 1
    )
    response = getattr(editor_client, method)(url)
    assert response.status_code == 404


def test_read_only_user_sees_the_tab(reader_client, setting):
    assert card(reader_client, setting["customer"]).status_code == 200


# Big accounts: the first contacts, then "Show all" -----------------------------------------


def test_a_big_account_lists_the_first_contacts_and_links_to_all(reader_client, customer):
    fill(customer, 60)  # 54 active
    response = card(reader_client, customer)
    section = response.context["contact_section"]
    assert len(section["contacts"]) == CONTACT_LIMIT
    assert section["total"] == 54
    html = response.content.decode()
    assert 'data-testid="contacts-truncated"' in html
    assert "?all_contacts=1#contacts" in html


def test_show_all_lists_every_contact(reader_client, customer):
    fill(customer, 60)
    response = card(reader_client, customer, all_contacts="1")
    assert len(response.context["contact_section"]["contacts"]) == 54
    assert 'data-testid="contacts-truncated"' not in response.content.decode()


def test_a_small_account_has_no_show_all_link(reader_client, customer):
    fill(customer, 3)
    assert 'data-testid="contacts-show-all"' not in card(reader_client, customer).content.decode()


def test_show_all_with_many_contacts_runs_the_same_queries(editor_client):
    small, large = CustomerFactory(), CustomerFactory()
    fill(small, 1)
    fill(large, 200)
    card(editor_client, small)  # warm the session and content types
    with_one = count_card_queries(editor_client, small, all_contacts="1")
    with_many = count_card_queries(editor_client, large, all_contacts="1")
    assert with_one == with_many == count_card_queries(editor_client, large)


def test_toggling_a_contact_returns_to_the_full_list(editor_client, customer, user):
    contact = contact_create(customer=customer, user=user, first_name="Anna", last_name="Berg")
    url = reverse("customers:contact_toggle_active", args=[customer.pk, contact.pk])
    response = editor_client.post(url, {"all_contacts": "1"})
    assert response.status_code == 302
    assert "all_contacts=1" in response["Location"]


def test_a_contact_rows_form_carries_a_csrf_token_that_django_accepts(editor, customer, user):
    """The contact rows are drawn by Jinja2 ({% jinja %}): their forms' token must be real."""
    from django.test import Client

    first = contact_create(customer=customer, user=user, first_name="Anna", last_name="Berg")
    contact_create(customer=customer, user=user, first_name="Bo", last_name="Ek")
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    html = card(client, customer).content.decode()
    toggle = reverse("customers:contact_toggle_active", args=[customer.pk, first.pk])
    form = html[html.index(f'action="{toggle}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert client.post(toggle, {"active": "0"}).status_code == 403  # no token: refused
    response = client.post(toggle, {"active": "0", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    first.refresh_from_db()
    assert not first.is_active


@pytest.mark.parametrize("limit", [None, 3, 5])
def test_the_contacts_and_their_counts_come_from_one_query_with_or_without_inactive(
    customer, user, readonly_user, django_assert_num_queries, limit
):
    """Actives sort first when inactive ones are hidden, so a limit keeps them; the counts
    are over all the customer's contacts whatever the limit."""
    from customers.selectors.contact_details import contacts_section

    names = ["Ahl", "Berg", "Cedar", "Dahl", "Ek", "Falk"]
    made = {
        n: contact_create(customer=customer, user=user, first_name="A", last_name=n) for n in names
    }
    Contact.objects.filter(pk__in=[made["Ahl"].pk, made["Dahl"].pk]).update(is_active=False)
    other = CustomerFactory()
    contact_create(customer=other, user=user, first_name="A", last_name="Annan")
    readonly_user.has_perm("customers.view_customer")
    with django_assert_num_queries(1):
        hidden = contacts_section(customer=customer, user=readonly_user, limit=limit)
    with django_assert_num_queries(1):
        shown = contacts_section(
            customer=customer, user=readonly_user, show_inactive=True, limit=limit
        )
    actives = ["Berg", "Cedar", "Ek", "Falk"]
    assert [c.last_name for c in hidden["contacts"]] == actives[:limit]
    assert (hidden["total"], hidden["inactive_count"]) == (4, 2)
    assert hidden["is_truncated"] == (limit is not None and limit < 4)
    assert [c.last_name for c in shown["contacts"]] == names[:limit]
    assert (shown["total"], shown["inactive_count"]) == (6, 2)
    assert shown["is_truncated"] == (limit is not None and limit < 6)


def test_a_customer_with_only_inactive_contacts_or_none(customer, user, readonly_user):
    from customers.selectors.contact_details import contacts_section

    empty = contacts_section(customer=customer, user=readonly_user)
    assert (empty["contacts"], empty["total"], empty["inactive_count"]) == ([], 0, 0)
    gone = contact_create(customer=customer, user=user, first_name="A", last_name="Borta")
    Contact.objects.filter(pk=gone.pk).update(is_active=False)
    hidden = contacts_section(customer=customer, user=readonly_user, limit=1)
    assert (hidden["contacts"], hidden["total"], hidden["inactive_count"]) == ([], 0, 1)
    assert not hidden["is_truncated"]
