"""The top bar's search: customers, contacts and projects, only what the user may see, in a
fixed number of queries, sorted in Swedish."""

import pytest
from django.urls import reverse

from customers import roles
from search.selectors import clean_search_text, global_search
from tests.factories import (
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("search:search")
LIVE = reverse("search:search_live")


def names(hits):
    return [str(row.name) for row in hits.rows]


def test_contact_found_by_last_name_with_customer_named(reader_client):
    customer = CustomerFactory(name="Nordvind AB")
    ContactFactory(customer=customer, first_name="Lena", last_name="Bäckström")
    ContactFactory(customer=customer, first_name="Per", last_name="Holm")
    html = reader_client.get(SEARCH, {"q": "bäckström"}).content.decode()
    assert "Lena Bäckström" in html
    assert "Nordvind AB" in html
    assert "Per Holm" not in html


def test_contact_found_by_first_and_last_name_in_any_order(readonly_user):
    contact = ContactFactory(first_name="Anna", last_name="Öberg")
    ContactFactory(first_name="Anna", last_name="Svensson")
    for text in ["anna öberg", "Öberg Anna", "ÖBERG"]:
        results = global_search(user=readonly_user, text=text, limit=5)
        assert [c.pk for c in results.contacts.rows] == [contact.pk], text


def test_contact_found_by_email_domain(readonly_user):
    contact = ContactFactory(email="eva@fjallkraft.se")
    ContactFactory(email="olle@example.com")
    results = global_search(user=readonly_user, text="fjallkraft.se", limit=5)
    assert [c.pk for c in results.contacts.rows] == [contact.pk]


@pytest.mark.parametrize("typed", ["070-123 45 67", "070 1234567", "+46 70 123 45 67", "123 45 67"])
def test_contact_found_by_phone_as_typed(readonly_user, typed):
    contact = ContactFactory(mobile="+46701234567")
    ContactFactory(mobile="+46709999999")
    results = global_search(user=readonly_user, text=typed, limit=5)
    assert [c.pk for c in results.contacts.rows] == [contact.pk]


def test_customer_found_by_head_office_phone_typed_with_spaces(readonly_user):
    customer = CustomerFactory(name="Telefonbolaget AB")
    AddressFactory(customer=customer, phone="+4687654321")
    CustomerFactory(name="Annat AB")
    results = global_search(user=readonly_user, text="08 765 43 21", limit=5)
    assert [c.pk for c in results.customers.rows] == [customer.pk]


def test_customer_found_by_name_number_org_number_and_city(readonly_user):
    customer = CustomerFactory(name="Sjöfart AB", number=77123, organisation_number="5560360793")
    AddressFactory(customer=customer, city="Härnösand")
    CustomerFactory(name="Annat AB")
    for text in ["sjöfart", "77123", "556036", "härnösand"]:
        results = global_search(user=readonly_user, text=text, limit=5)
        assert [c.pk for c in results.customers.rows] == [customer.pk], text


def test_project_found_by_name_and_number_with_customer(reader_client):
    customer = CustomerFactory(name="Projektkunden AB")
    project = ProjectFactory(customer=customer, name="Molnflytt", number=880011)
    ProjectFactory(name="Annat")
    for text in ["molnflytt", "880011"]:
        response = reader_client.get(SEARCH, {"q": text})
        assert [p.pk for p in response.context["results"].projects.rows] == [project.pk]
        assert "Projektkunden AB" in response.content.decode()


def test_results_are_sorted_in_swedish(readonly_user):
    for name in ["Örebro Bygg", "Zeta Bygg", "Åre Bygg", "Ängby Bygg", "Alfa Bygg"]:
        CustomerFactory(name=name)
    results = global_search(user=readonly_user, text="bygg", limit=10)
    assert names(results.customers) == [
        "Alfa Bygg",
        "Zeta Bygg",
        "Åre Bygg",
        "Ängby Bygg",
        "Örebro Bygg",
    ]


def test_contacts_are_limited_in_swedish_order_with_their_customer(readonly_user):
    # The contacts' keys are sorted and cut before their customers are joined (Hits.of with
    # keys_first): the rows, their order and "more" are those of the whole sorted search.
    customer = CustomerFactory(name="Kontaktbolaget AB")
    for last, first in [
        ("Öberg", "Anna"),
        ("Åberg", "Bo"),
        ("Aberg", "Cia"),
        ("Zberg", "Dan"),
        ("Äberg", "Eva"),
        ("Aberg", "Ann"),
        ("Berg", "Inaktiv"),
    ]:
        ContactFactory(customer=customer, first_name=first, last_name=last)
    customer.contacts.filter(first_name="Inaktiv").update(is_active=False)
    results = global_search(user=readonly_user, text="berg", limit=4)
    assert [(c.last_name, c.first_name) for c in results.contacts.rows] == [
        ("Aberg", "Ann"),
        ("Aberg", "Cia"),
        ("Zberg", "Dan"),
        ("Åberg", "Bo"),
    ]
    assert results.contacts.more
    assert {c.customer.name for c in results.contacts.rows} == {"Kontaktbolaget AB"}
    everything = global_search(user=readonly_user, text="berg", limit=10)
    assert len(everything.contacts.rows) == 6
    assert not everything.contacts.more


def test_live_results_are_limited_and_link_to_all_results(reader_client):
    for n in range(8):
        CustomerFactory(name=f"Massbolaget {n}")
    response = reader_client.get(LIVE, {"q": "massbolaget"})
    html = response.content.decode()
    assert html.count('data-testid="live-customer"') == 5
    assert f'href="{SEARCH}?q=massbolaget"' in html
    assert 'role="option"' in html


def test_live_says_when_nothing_matches(reader_client):
    html = reader_client.get(LIVE, {"q": "finnsinte"}, HTTP_ACCEPT_LANGUAGE="en").content
    assert "Nothing matches" in html.decode()


def test_page_says_when_more_matched_than_shown(reader_client):
    for n in range(51):
        CustomerFactory(name=f"Storbolaget {n}")
    response = reader_client.get(SEARCH, {"q": "storbolaget"})
    assert len(response.context["results"].customers.rows) == 50
    assert 'data-testid="search-more"' in response.content.decode()


def test_user_without_project_right_sees_no_projects(make_user, client):
    ProjectFactory(name="Hemligt projekt")
    user = make_user(roles.READ_ONLY)
    user.user_permissions.clear()
    # A customer reader without the project right: strip projects.view_project from the group.
    group = user.groups.get()
    group.permissions.remove(*group.permissions.filter(codename="view_project"))
    user = type(user).objects.get(pk=user.pk)
    results = global_search(user=user, text="hemligt", limit=5)
    assert results.projects.rows == []


def test_user_without_customer_right_gets_403(client, no_rights_user):
    client.force_login(no_rights_user)
    assert client.get(SEARCH, {"q": "abc"}).status_code == 403
    assert client.get(LIVE, {"q": "abc"}).status_code == 403


def test_search_box_in_top_bar_only_for_users_who_may_search(client, readonly_user):
    client.force_login(readonly_user)
    html = client.get(reverse("projects:project_list")).content.decode()
    assert 'id="kk-search-input"' in html
    assert 'role="combobox"' in html


def test_one_character_runs_no_search(readonly_user, django_assert_num_queries):
    CustomerFactory(name="A")
    with django_assert_num_queries(0):
        results = global_search(user=readonly_user, text=" a ", limit=5)
    assert not results.searched
    assert results.is_empty


@pytest.mark.parametrize(
    ("typed", "searched"),
    [("ab\x00cd", "ab cd"), ("  x y  ", "x y"), ("é" * 500, "é" * 100), ("\t\n", "")],
)
def test_hostile_text_is_cleaned(typed, searched):
    assert clean_search_text(typed) == searched


def test_hostile_text_answers_200(reader_client):
    for text in ["\x00\x01", "%' OR 1=1 --", "<script>alert(1)</script>", "x" * 10_000]:
        response = reader_client.get(SEARCH, {"q": text})
        assert response.status_code == 200
        assert b"<script>alert(1)</script>" not in response.content


@pytest.mark.parametrize("count", [1, 30])
def test_query_count_is_fixed(reader_client, count, django_assert_num_queries):
    for n in range(count):
        customer = CustomerFactory(name=f"Fixbolaget {n}")
        AddressFactory(customer=customer, city="Fixstad")
        ContactFactory(customer=customer, last_name=f"Fixsson {n}")
        ProjectFactory(customer=customer, name=f"Fixprojekt {n}")
    reader_client.get(SEARCH, {"q": "fix"})
    # session, user with permissions, customers, contacts, projects
    with django_assert_num_queries(5):
        response = reader_client.get(SEARCH, {"q": "fix"})
    results = response.context["results"]
    assert len(results.customers.rows) == count
    assert len(results.contacts.rows) == count
    assert len(results.projects.rows) == count
    with django_assert_num_queries(5):
        reader_client.get(LIVE, {"q": "fix"})


def test_page_draws_each_result_with_its_link_and_details_escaped(reader_client):
    hostile = '<script>alert("x")</script>'
    customer = CustomerFactory(
        name=f"Xylofon {hostile} AB", organisation_number="556036-0793", is_active=False
    )
    AddressFactory(customer=customer, is_head_office=True, city="Umeå")
    contact = ContactFactory(
        customer=customer, first_name="Xylo", last_name="Fonsson", title=hostile, email=""
    )
    project = ProjectFactory(customer=customer, name=f"Xylofonprojekt {hostile}", is_closed=True)
    html = reader_client.get(SEARCH, {"q": "xylo"}).content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    card = reverse("customers:customer_detail", args=[customer.pk])
    assert f'<a href="{card}">Xylofon &lt;script&gt;' in html
    assert f"{customer.number} · {customer.organisation_number} · Umeå · Inaktiv" in html
    assert f'<a href="{card}#contact-{contact.pk}">Xylo Fonsson</a>' in html
    project_url = reverse("projects:project_detail", args=[project.pk])
    assert f'<a href="{project_url}">{project.number} Xylofonprojekt &lt;script&gt;' in html
    assert "· Avslutad</div>" in html
