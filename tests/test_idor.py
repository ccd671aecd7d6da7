"""Forged ids and extra fields: nothing outside the user's reach is read or written.

IDOR: another customer's address, contact, project, grouping option or customer put into a
URL or a form field answers 404 or a form error, and nothing is written. Mass assignment:
fields a form does not have (number, owner, created_by, version, is_active, customer, ...)
posted anyway are not written. Forms are read from the real page and posted as a browser
would, with the forged values put in.
"""

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from customers import roles
from customers.models import Address, Contact, Customer, CustomerGroupingOption
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingOptionFactory,
    ProjectFactory,
    UserFactory,
)
from tests.html_forms import form_with_field

pytestmark = pytest.mark.django_db


class World:
    """Customer A (owned by ``owner``) and customer B, each with an address, contact, project."""

    def __init__(self):
        self.editor = UserFactory(username="editor", roles=[roles.EDIT])
        self.owner = UserFactory(username="owner", roles=[roles.EDIT, roles.OWN_ONLY])
        self.other_user = UserFactory(username="other", roles=[roles.EDIT])
        self.a = CustomerFactory(name="Customer A", owner=self.owner)
        self.b = CustomerFactory(name="Customer B", owner=self.other_user)
        self.a_address = AddressFactory(customer=self.a, is_head_office=True, city="Aby")
        self.b_address = AddressFactory(customer=self.b, is_head_office=True, city="Bby")
        self.a_contact = ContactFactory(customer=self.a, address=self.a_address, title="")
        self.b_contact = ContactFactory(customer=self.b, address=self.b_address)
        self.a_project = ProjectFactory(customer=self.a, name="Project A")
        self.b_project = ProjectFactory(customer=self.b, name="Project B")
        self.a_activity = ActivityFactory(customer=self.a, subject="Activity A")
        self.option = GroupingOptionFactory(name="North", category__name="Region")


@pytest.fixture
def world(db):
    return World()


def session(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def row_count():
    """Rows of every table of the project's apps (history included): a refused write adds none."""
    tables = [
        model._meta.db_table
        for label in ["customers", "projects", "activities"]
        for model in apps.get_app_config(label).get_models()
    ]
    counts = " + ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def open_form(client, url, marker):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return form_with_field(response.content.decode(), marker)


def post_changed(client, url, marker, **changes):
    data = open_form(client, url, marker)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(url, data)


# --- forged ids in URLs -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "customers:address_update",
        "customers:address_delete",
        "customers:address_set_default_billing",
    ],
)
def test_address_of_another_customer_in_the_url_answers_404(world, url_name):
    url = reverse(url_name, args=[world.a.pk, world.b_address.pk])
    client = session(world.editor)
    before = row_count()
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"city": "Hacked"}).status_code == 404
    assert row_count() == before
    assert Address.objects.get(pk=world.b_address.pk).city == "Bby"


@pytest.mark.parametrize(
    "url_name",
    ["customers:contact_update", "customers:contact_delete", "customers:contact_toggle_active"],
)
def test_contact_of_another_customer_in_the_url_answers_404(world, url_name):
    url = reverse(url_name, args=[world.a.pk, world.b_contact.pk])
    client = session(world.editor)
    before = row_count()
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"first_name": "Hacked"}).status_code == 404
    assert row_count() == before
    assert Contact.objects.get(pk=world.b_contact.pk).is_active


def test_project_create_for_a_customer_out_of_reach_answers_404(world):
    url = reverse("projects:project_create") + f"?customer={world.b.pk}"
    client = session(world.owner)  # may edit only customer A
    before = row_count()
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Sneaky"}).status_code == 404
    assert row_count() == before


@pytest.mark.parametrize(
    "url_name",
    [
        "customers:customer_detail",
        "customers:customer_history",
        "customers:customer_settings",
        "projects:customer_projects",
    ],
)
def test_customer_that_does_not_exist_answers_404(world, url_name):
    url = reverse(url_name, args=[world.b.pk + 1000])
    assert session(world.editor).get(url).status_code == 404


# --- forged ids in form fields -------------------------------------------------------------


def test_contact_form_refuses_an_address_of_another_customer(world):
    url = reverse("customers:contact_update", args=[world.a.pk, world.a_contact.pk])
    client = session(world.editor)
    before = row_count()
    response = post_changed(client, url, "version", address=str(world.b_address.pk), title="X")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert row_count() == before
    assert Contact.objects.get(pk=world.a_contact.pk).address_id == world.a_address.pk


def test_new_contact_form_refuses_an_address_of_another_customer(world):
    url = reverse("customers:contact_create", args=[world.a.pk])
    client = session(world.editor)
    before = row_count()
    response = post_changed(
        client, url, "first_name", first_name="Eve", last_name="X", address=str(world.b_address.pk)
    )
    assert response.status_code == 200
    assert row_count() == before


def test_head_office_form_refuses_an_address_of_another_customer(world):
    url = reverse("customers:address_make_head_office", args=[world.a.pk])
    client = session(world.editor)
    before = row_count()
    response = client.post(url, {"address": str(world.b_address.pk)})
    assert response.status_code in (200, 404)
    assert row_count() == before
    assert Address.objects.get(pk=world.b_address.pk).is_head_office


def test_project_form_refuses_a_contact_of_another_customer(world):
    url = reverse("projects:project_update", args=[world.a_project.pk])
    client = session(world.editor)
    before = row_count()
    response = post_changed(client, url, "version", contact=str(world.b_contact.pk))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert row_count() == before


def test_activity_form_refuses_a_project_of_another_customer(world):
    url = reverse("activities:activity_update", args=[world.a_activity.pk])
    client = session(world.editor)
    before = row_count()
    response = post_changed(client, url, "version", project=str(world.b_project.pk))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert row_count() == before


def test_activity_form_refuses_contacts_of_another_customer(world):
    url = reverse("activities:activity_update", args=[world.a_activity.pk])
    client = session(world.editor)
    before = row_count()
    response = post_changed(client, url, "version", participant_contacts=[str(world.b_contact.pk)])
    assert response.status_code == 200
    assert response.context["form"].errors
    assert row_count() == before


def test_collaboration_note_refuses_a_project_of_another_customer(world):
    url = reverse("activities_card:customer_collaboration", args=[world.a.pk])
    client = session(world.editor)
    before = row_count()
    response = client.post(url, {"project": str(world.b_project.pk), "text": "Sneaky"})
    assert response.status_code == 200
    assert row_count() == before


def test_settings_refuse_a_grouping_option_that_does_not_exist(world):
    url = reverse("customers:customer_settings", args=[world.a.pk])
    client = session(world.editor)
    before = row_count()
    field = f"groups-grouping_{world.option.category_id}"
    response = post_changed(client, url, "settings-version", **{field: ["999999"]})
    assert response.status_code == 200
    assert row_count() == before


def test_bulk_grouping_touches_only_customers_the_user_may_edit(world):
    client = session(world.owner)  # edits A only
    response = client.post(
        reverse("reports:customer_bulk"),
        {
            "action": "add",
            "option": str(world.option.pk),
            "scope": "selected",
            "customers": [str(world.a.pk), str(world.b.pk)],
            "query": "",
            "confirmed": "on",
        },
    )
    assert response.status_code in (200, 302)
    holders = set(
        CustomerGroupingOption.objects.filter(option=world.option).values_list(
            "customer_id", flat=True
        )
    )
    assert world.b.pk not in holders


# --- mass assignment -------------------------------------------------------------------------


def test_customer_details_form_ignores_fields_it_does_not_have(world):
    url = reverse("customers:customer_update", args=[world.a.pk])
    client = session(world.editor)
    customer = Customer.objects.get(pk=world.a.pk)
    response = post_changed(
        client,
        url,
        "version",
        name="Renamed A",
        is_active="",
        created_by=str(world.other_user.pk),
        description="Injected",
        show_description="on",
        einvoice_address="injected",
    )
    assert response.status_code == 302
    after = Customer.objects.get(pk=world.a.pk)
    assert after.name == "Renamed A"
    assert after.is_active is True
    assert after.created_by_id == customer.created_by_id
    assert after.description == customer.description
    assert after.show_description is False
    assert after.einvoice_address == ""


def test_new_customer_form_ignores_fields_it_does_not_have(world):
    client = session(world.editor)
    url = reverse("customers:customer_create")
    response = post_changed(
        client,
        url,
        "name",
        name="Fresh AB",
        is_active="",
        created_by=str(world.other_user.pk),
        version="99",
        confirm_duplicate="on",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = Customer.objects.get(name="Fresh AB")
    assert fresh.is_active is True
    assert fresh.version == 1
    assert fresh.created_by_id == world.editor.pk


def test_address_form_ignores_customer_and_flags_it_does_not_have(world):
    url = reverse("customers:address_update", args=[world.a.pk, world.a_address.pk])
    client = session(world.editor)
    response = post_changed(
        client,
        url,
        "version",
        customer=str(world.b.pk),
        created_by=str(world.other_user.pk),
        is_default_billing="on",
        city="Acity",
    )
    assert response.status_code == 302
    after = Address.objects.get(pk=world.a_address.pk)
    assert after.customer_id == world.a.pk
    assert after.city == "Acity"
    assert after.is_default_billing is False
    assert after.created_by_id != world.other_user.pk


def test_contact_form_ignores_customer_and_is_active(world):
    url = reverse("customers:contact_update", args=[world.a.pk, world.a_contact.pk])
    client = session(world.editor)
    response = post_changed(
        client, url, "version", customer=str(world.b.pk), is_active="", title="Boss"
    )
    assert response.status_code == 302
    after = Contact.objects.get(pk=world.a_contact.pk)
    assert after.customer_id == world.a.pk
    assert after.is_active is True
    assert after.title == "Boss"


def test_project_form_keeps_the_customer_and_number(world):
    url = reverse("projects:project_update", args=[world.a_project.pk])
    client = session(world.editor)
    number = world.a_project.number
    before = row_count()
    response = post_changed(
        client, url, "version", customer=str(world.b.pk), number="4242", name="Renamed"
    )
    # The customer is a hidden field checked against the URL's project: a forged one is a
    # form error and nothing is written.
    assert response.status_code == 200
    assert response.context["form"].errors
    assert row_count() == before
    after = type(world.a_project).objects.get(pk=world.a_project.pk)
    assert (after.customer_id, after.number, after.name) == (world.a.pk, number, "Project A")


def test_project_form_ignores_a_number_it_does_not_have(world):
    url = reverse("projects:project_update", args=[world.a_project.pk])
    client = session(world.editor)
    number = world.a_project.number
    response = post_changed(client, url, "version", number="4242", name="Renamed")
    assert response.status_code == 302
    after = type(world.a_project).objects.get(pk=world.a_project.pk)
    assert (after.number, after.name) == (number, "Renamed")


def test_activity_form_keeps_the_customer(world):
    url = reverse("activities:activity_update", args=[world.a_activity.pk])
    client = session(world.editor)
    response = post_changed(client, url, "version", customer=str(world.b.pk), is_done="on")
    assert response.status_code == 302
    after = type(world.a_activity).objects.get(pk=world.a_activity.pk)
    assert after.customer_id == world.a.pk
    assert after.is_done is False


def test_edit_own_user_cannot_give_themselves_another_customer_through_the_owner_field(world):
    """The owner field lists users; it does not let a restricted user reach customer B."""
    url = reverse("customers:customer_update", args=[world.b.pk])
    client = session(world.owner)
    before = row_count()
    response = client.post(url, {"owner": str(world.owner.pk), "name": "Mine now"})
    assert response.status_code == 403
    assert row_count() == before


# --- the importer ----------------------------------------------------------------------------


def _import(user, rows, *, commit=True):
    from customers.importing.engine import ImportOptions, run_import

    header = "Customer number;Customer name;Address line 1;Postal code;City\r\n"
    content = (
        header + "".join(f"{n};{name};Storgatan 1;111 22;{city}\r\n" for n, name, city in rows)
    ).encode()
    return run_import(
        content, file_name="own.csv", options=ImportOptions(), user=user, commit=commit
    )


def test_import_by_edit_own_user_refuses_rows_of_customers_they_do_not_own(world):
    before = row_count()
    result = _import(world.owner, [(world.b.number, "", "Bstad")])
    assert result.has_errors
    assert "you edit only customers you own" in " ".join(e.message for e in result.errors)
    assert row_count() == before


def test_import_by_edit_own_user_may_add_to_own_customers(world):
    result = _import(world.owner, [(world.a.number, "", "Astad")])
    assert not result.has_errors, result.errors
    assert world.a.addresses.filter(city="Astad").exists()


def test_import_by_unrestricted_editor_may_add_to_any_customer(world):
    result = _import(world.editor, [(world.b.number, "", "Bstad")])
    assert not result.has_errors, result.errors
    assert world.b.addresses.filter(city="Bstad").exists()
