"""The customer card: header, description, details panel and its edit form, inactivate,
reactivate and delete, with the permission rules of each URL and a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from customers import roles
from customers.models import Customer
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    IndustryFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def customer(db):
    owner = UserFactory(username="agaren", first_name="Åsa", last_name="Ägare")
    creator = UserFactory(username="skapare", first_name="Sven", last_name="Skapare")
    return CustomerFactory(
        name="Kortet AB",
        number=4711,
        owner=owner,
        created_by=creator,
        updated_by=creator,
        organisation_number="556036-0793",
        vat_number="SE556036079301",
        website="https://kortet.example",
        email="info@kortet.example",
        industry=IndustryFactory(name="Konsult"),
    )


def url(name, customer):
    return reverse(f"customers:{name}", args=[customer.pk])


@pytest.fixture
def deleter(make_user):
    return make_user(roles.EDIT, roles.DELETE, username="deleter")


@pytest.fixture
def own_only(make_user):
    return make_user(roles.EDIT, roles.OWN_ONLY, username="ownonly")


# --- The card itself -----------------------------------------------------------------------


def test_card_needs_login(client, customer):
    response = client.get(url("customer_detail", customer))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_card_is_forbidden_without_customer_rights(client, no_rights_user, customer):
    client.force_login(no_rights_user)
    assert client.get(url("customer_detail", customer)).status_code == 403


def test_card_of_unknown_customer_is_404(reader_client):
    assert reader_client.get(reverse("customers:customer_detail", args=[999999])).status_code == 404


def test_header_shows_name_number_owner_and_who_created(reader_client, customer):
    content = reader_client.get(url("customer_detail", customer)).content.decode()
    for text in ("Kortet AB", "4711", "Åsa Ägare", "Created", "Sven Skapare"):
        assert text in content


def test_details_panel_shows_numbers_website_industry_country_and_email(reader_client, customer):
    content = reader_client.get(url("customer_detail", customer)).content.decode()
    for text in (
        "556036-0793",
        "SE556036079301",
        'href="https://kortet.example"',
        "Konsult",
        "Sweden",
        "info@kortet.example",
    ):
        assert text in content


def test_reader_sees_no_edit_or_action_buttons(reader_client, customer):
    customer.description = "Text."
    customer.save()
    content = reader_client.get(url("customer_detail", customer)).content.decode()
    assert 'data-testid="description-text"' in content
    for testid in (
        "edit-details",
        "edit-description",
        "add-description",
        "inactivate-customer",
        "delete-customer",
    ):
        assert f'data-testid="{testid}"' not in content


def test_reader_sees_no_description_link_when_there_is_none(reader_client, customer):
    content = reader_client.get(url("customer_detail", customer)).content.decode()
    assert 'id="customer-description"' not in content


def test_editor_sees_edit_and_inactivate_but_not_delete(editor_client, customer):
    content = editor_client.get(url("customer_detail", customer)).content.decode()
    for testid in ("edit-details", "add-description", "inactivate-customer"):
        assert f'data-testid="{testid}"' in content
    assert 'data-testid="delete-customer"' not in content


def test_deleter_sees_delete_when_nothing_depends_on_the_customer(client, deleter, customer):
    client.force_login(deleter)
    content = client.get(url("customer_detail", customer)).content.decode()
    assert 'data-testid="delete-customer"' in content


def test_deleter_sees_no_delete_when_a_project_depends_on_the_customer(client, deleter, customer):
    ProjectFactory(customer=customer)
    client.force_login(deleter)
    content = client.get(url("customer_detail", customer)).content.decode()
    assert 'data-testid="delete-customer"' not in content


def test_own_only_editor_sees_no_edit_on_someone_elses_customer(client, own_only, customer):
    client.force_login(own_only)
    content = client.get(url("customer_detail", customer)).content.decode()
    assert 'data-testid="edit-details"' not in content


def test_description_is_open_by_default_when_show_description(reader_client, customer):
    customer.description = "Viktig kund."
    customer.show_description = True
    customer.save()
    content = reader_client.get(url("customer_detail", customer)).content.decode()
    assert 'id="customer-description" open' in content
    assert "Viktig kund." in content


def test_description_is_closed_when_show_description_is_off(reader_client, customer):
    customer.description = "Viktig kund."
    customer.save()
    content = reader_client.get(url("customer_detail", customer)).content.decode()
    assert 'id="customer-description">' in content
    assert 'id="customer-description" open' not in content


def test_inactive_customer_shows_reactivate(editor_client, customer):
    customer.is_active = False
    customer.save()
    content = editor_client.get(url("customer_detail", customer)).content.decode()
    assert 'data-testid="reactivate-customer"' in content
    assert 'data-testid="inactivate-customer"' not in content


def _card_queries(client, customer):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("customer_detail", customer)).status_code == 200
    return len(queries)


def test_card_query_count_is_fixed_with_1_and_50_rows(client, deleter, customer):
    client.force_login(deleter)
    address = AddressFactory(customer=customer, is_head_office=True)
    ContactFactory(customer=customer, address=address)
    CustomerFactory()
    client.get(url("customer_detail", customer))
    one = _card_queries(client, customer)
    for _ in range(49):
        ContactFactory(customer=customer, address=AddressFactory(customer=customer))
        CustomerFactory()
    assert _card_queries(client, customer) == one


# --- Edit the Customer details panel -------------------------------------------------------


def details_data(customer, **changes):
    data = {
        "version": customer.version,
        "name": customer.name,
        "number": customer.number,
        "organisation_number": customer.organisation_number,
        "vat_number": customer.vat_number,
        "country": "SE",
        "website": customer.website,
        "email": customer.email,
        "industry": customer.industry_id or "",
        "owner": customer.owner_id or "",
    }
    data.update(changes)
    return data


def test_details_form_needs_login(client, customer):
    response = client.get(url("customer_update", customer))
    assert response.status_code == 302


def test_reader_may_not_edit_details(reader_client, customer):
    assert reader_client.get(url("customer_update", customer)).status_code == 403
    response = reader_client.post(
        url("customer_update", customer), details_data(customer, name="X")
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Kortet AB"


def test_details_form_of_unknown_customer_is_404(editor_client):
    response = editor_client.get(reverse("customers:customer_update", args=[999999]))
    assert response.status_code == 404


def test_own_only_editor_may_not_edit_someone_elses_customer(client, own_only, customer):
    client.force_login(own_only)
    assert client.get(url("customer_update", customer)).status_code == 403


def test_own_only_editor_may_edit_own_customer(client, own_only, customer):
    customer.owner = own_only
    customer.save()
    client.force_login(own_only)
    assert client.get(url("customer_update", customer)).status_code == 200


def test_editor_saves_details_and_returns_to_card(editor_client, editor, customer):
    response = editor_client.post(
        url("customer_update", customer),
        details_data(customer, name="Kortet Nya AB", website="kortet.se"),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == url("customer_detail", customer)
    customer.refresh_from_db()
    assert customer.name == "Kortet Nya AB"
    assert customer.website == "https://kortet.se"
    assert customer.updated_by == editor and customer.version == 2


def test_details_with_invalid_org_number_show_the_reason(editor_client, customer):
    response = editor_client.post(
        url("customer_update", customer), details_data(customer, organisation_number="123")
    )
    assert response.status_code == 200
    assert "123" in response.context["form"].errors["organisation_number"][0]
    customer.refresh_from_db()
    assert customer.organisation_number == "556036-0793"


def test_details_of_a_stale_version_are_refused(editor_client, customer):
    Customer.objects.filter(pk=customer.pk).update(version=2)
    response = editor_client.post(
        url("customer_update", customer), details_data(customer, version=1, name="Sent AB")
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.context["form"].non_field_errors()[0]
    customer.refresh_from_db()
    assert customer.name == "Kortet AB"


def test_details_form_does_not_show_unsaved_name_in_header(editor_client, customer):
    response = editor_client.post(
        url("customer_update", customer),
        details_data(customer, name="Osparat AB", organisation_number="1"),
    )
    assert 'id="customer-name">Kortet AB' in response.content.decode()


# --- Description ---------------------------------------------------------------------------


def test_reader_may_not_edit_description(reader_client, customer):
    assert reader_client.get(url("customer_description", customer)).status_code == 403


def test_description_of_unknown_customer_is_404(editor_client):
    response = editor_client.get(reverse("customers:customer_description", args=[999999]))
    assert response.status_code == 404


def test_editor_saves_description_and_show_description(editor_client, customer):
    response = editor_client.post(
        url("customer_description", customer),
        {"description": "Ring före besök.", "show_description": "on", "version": 1},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.description, customer.show_description) == ("Ring före besök.", True)


# --- Inactivate, reactivate ----------------------------------------------------------------


def test_inactivate_needs_post(editor_client, customer):
    assert editor_client.get(url("customer_inactivate", customer)).status_code == 405


def test_reader_may_not_inactivate(reader_client, customer):
    assert reader_client.post(url("customer_inactivate", customer)).status_code == 403
    customer.refresh_from_db()
    assert customer.is_active


def test_inactivate_of_unknown_customer_is_404(editor_client):
    response = editor_client.post(reverse("customers:customer_inactivate", args=[999999]))
    assert response.status_code == 404


def test_editor_inactivates_and_reactivates(editor_client, customer):
    response = editor_client.post(url("customer_inactivate", customer))
    assert response.status_code == 302 and response.url == url("customer_detail", customer)
    customer.refresh_from_db()
    assert not customer.is_active
    editor_client.post(url("customer_reactivate", customer))
    customer.refresh_from_db()
    assert customer.is_active


def test_own_only_editor_may_not_inactivate_someone_elses_customer(client, own_only, customer):
    client.force_login(own_only)
    assert client.post(url("customer_inactivate", customer)).status_code == 403


# --- Delete --------------------------------------------------------------------------------


def test_editor_without_delete_right_may_not_delete(editor_client, customer):
    assert editor_client.get(url("customer_delete", customer)).status_code == 403
    assert editor_client.post(url("customer_delete", customer)).status_code == 403
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_delete_of_unknown_customer_is_404(client, deleter):
    client.force_login(deleter)
    assert client.get(reverse("customers:customer_delete", args=[999999])).status_code == 404


def test_deleter_is_asked_to_confirm(client, deleter, customer):
    client.force_login(deleter)
    response = client.get(url("customer_delete", customer))
    assert response.status_code == 200
    assert 'data-testid="confirm-delete"' in response.content.decode()
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_deleter_deletes_and_lands_on_the_list(client, deleter, customer):
    client.force_login(deleter)
    response = client.post(url("customer_delete", customer))
    assert response.status_code == 302 and response.url == reverse("customers:customer_list")
    assert not Customer.objects.filter(pk=customer.pk).exists()


def test_delete_is_refused_with_a_message_when_activities_exist(client, deleter, customer):
    ActivityFactory(customer=customer)
    client.force_login(deleter)
    confirm = client.get(url("customer_delete", customer)).content.decode()
    assert 'data-testid="confirm-delete"' not in confirm
    response = client.post(url("customer_delete", customer), follow=True)
    assert Customer.objects.filter(pk=customer.pk).exists()
    messages = [str(m) for m in response.context["messages"]]
    assert any("cannot be deleted" in m and "Inactivate" in m for m in messages)


def test_card_hides_tabs_the_user_may_not_open(client, make_user):
    from django.contrib.auth.models import Permission

    user = make_user()
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="customers", codename="view_customer")
    )
    customer = CustomerFactory()
    client.force_login(user)
    response = client.get(reverse("customers:customer_detail", args=[customer.pk]))
    keys = [tab["key"] for tab in response.context["card_tabs"]]
    assert keys == ["contacts", "settings", "history"]
    assert client.get(reverse("projects:customer_projects", args=[customer.pk])).status_code == 403
