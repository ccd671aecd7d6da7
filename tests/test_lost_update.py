"""No lost updates: two people open the same edit form; the second save is refused with what
changed in the meantime and a reload link, and nothing of the first save is lost.

Each case opens the real page in two sessions, submits the form as a browser would (every
field as drawn, hidden version included) with one change each, and then checks the database.
"""

from dataclasses import dataclass

import pytest
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


@dataclass
class Case:
    url: object  # world -> URL of the edit form
    marker: str  # a field only the edit form has (its version field)
    first: dict  # field -> value the first person saves
    second: dict  # field -> value the second person tries to save
    reload: object  # world -> the saved row, fresh from the database
    first_saved: object  # row -> True when the first change is there
    second_saved: object  # row -> True when the second change is there
    changed_label: str  # the field name the refusal names as changed


class World:
    def __init__(self):
        self.anna = UserFactory(username="anna", roles=[roles.EDIT])
        self.bo = UserFactory(username="bo", roles=[roles.EDIT])
        self.customer = CustomerFactory(name="Original AB", website="")
        self.address = AddressFactory(
            customer=self.customer, is_head_office=True, city="Uppsala", line1="Storgatan 1"
        )
        self.contact = ContactFactory(
            customer=self.customer, address=self.address, title="", notes=""
        )
        self.option = GroupingOptionFactory(name="North", category__name="Region")
        self.project = ProjectFactory(customer=self.customer, name="Original project")
        self.activity = ActivityFactory(customer=self.customer, subject="Original subject")


CASES = {
    "customer details": Case(
        url=lambda w: reverse("customers:customer_update", args=[w.customer.pk]),
        marker="version",
        first={"name": "Anna's name AB"},
        second={"website": "https://bo.example.com"},
        reload=lambda w: Customer.objects.get(pk=w.customer.pk),
        first_saved=lambda c: c.name == "Anna's name AB",
        second_saved=lambda c: c.website == "https://bo.example.com",
        changed_label="Name",
    ),
    "customer description": Case(
        url=lambda w: reverse("customers:customer_description", args=[w.customer.pk]),
        marker="version",
        first={"description": "Anna's description"},
        second={"description": "Bo's description"},
        reload=lambda w: Customer.objects.get(pk=w.customer.pk),
        first_saved=lambda c: c.description == "Anna's description",
        second_saved=lambda c: c.description == "Bo's description",
        changed_label="Description",
    ),
    "address": Case(
        url=lambda w: reverse("customers:address_update", args=[w.customer.pk, w.address.pk]),
        marker="version",
        first={"city": "Lund"},
        second={"line1": "Bos gata 2"},
        reload=lambda w: Address.objects.get(pk=w.address.pk),
        first_saved=lambda a: a.city == "Lund",
        second_saved=lambda a: a.line1 == "Bos gata 2",
        changed_label="City",
    ),
    "contact": Case(
        url=lambda w: reverse("customers:contact_update", args=[w.customer.pk, w.contact.pk]),
        marker="version",
        first={"title": "CEO"},
        second={"notes": "Bo's notes"},
        reload=lambda w: Contact.objects.get(pk=w.contact.pk),
        first_saved=lambda c: c.title == "CEO",
        second_saved=lambda c: c.notes == "Bo's notes",
        changed_label="Title",
    ),
    "customer settings": Case(
        url=lambda w: reverse("customers:customer_settings", args=[w.customer.pk]),
        marker="settings-version",
        first={"settings-einvoice_address": ""},  # set below: overdue interest
        second={},  # set below: a grouping option
        reload=lambda w: Customer.objects.get(pk=w.customer.pk),
        first_saved=lambda c: str(c.overdue_interest) == "8.00",
        second_saved=lambda c: CustomerGroupingOption.objects.filter(customer=c).exists(),
        changed_label="Overdue interest",
    ),
    "project": Case(
        url=lambda w: reverse("projects:project_update", args=[w.project.pk]),
        marker="version",
        first={"name": "Anna's project"},
        second={"description": "Bo's description"},
        reload=lambda w: type(w.project).objects.get(pk=w.project.pk),
        first_saved=lambda p: p.name == "Anna's project",
        second_saved=lambda p: p.description == "Bo's description",
        changed_label="Name",
    ),
    "activity": Case(
        url=lambda w: reverse("activities:activity_update", args=[w.activity.pk]),
        marker="version",
        first={"subject": "Anna's subject"},
        second={"location": "Bo's office"},
        reload=lambda w: type(w.activity).objects.get(pk=w.activity.pk),
        first_saved=lambda a: a.subject == "Anna's subject",
        second_saved=lambda a: a.location == "Bo's office",
        changed_label="Subject",
    ),
}


def _settings_changes(world, case):
    first = {"settings-overdue_interest": "8.00"}
    option_field = f"groups-grouping_{world.option.category_id}"
    second = {option_field: str(world.option.pk)}
    return first, second


def session(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def open_form(client, url, marker):
    response = client.get(url)
    assert response.status_code == 200
    return form_with_field(response.content.decode(), marker)


def submit(client, url, data, changes):
    for name, value in changes.items():
        assert name in data or name.startswith("groups-"), f"the form has no field {name}"
        data[name] = [value]
    return client.post(url, data)


@pytest.fixture
def world(db):
    return World()


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_second_save_is_refused_and_the_first_is_kept(world, case_name):
    case = CASES[case_name]
    first_changes, second_changes = case.first, case.second
    if case_name == "customer settings":
        first_changes, second_changes = _settings_changes(world, case)
    url = case.url(world)
    anna, bo = session(world.anna), session(world.bo)
    anna_form = open_form(anna, url, case.marker)
    bo_form = open_form(bo, url, case.marker)

    saved = submit(anna, url, anna_form, first_changes)
    assert saved.status_code == 302, saved.content.decode()[:3000]
    refused = submit(bo, url, bo_form, second_changes)

    assert refused.status_code == 200
    body = refused.content.decode()
    assert "changed by someone else" in body
    assert 'data-testid="stale-reload"' in body
    assert case.changed_label in body, "the refusal does not name the field that changed"
    row = case.reload(world)
    assert case.first_saved(row), "the first save was lost"
    assert not case.second_saved(row), "the stale save was written"


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_after_reload_the_second_person_saves_on_top_of_the_first(world, case_name):
    case = CASES[case_name]
    first_changes, second_changes = case.first, case.second
    if case_name == "customer settings":
        first_changes, second_changes = _settings_changes(world, case)
    url = case.url(world)
    anna, bo = session(world.anna), session(world.bo)
    anna_form = open_form(anna, url, case.marker)
    bo_form = open_form(bo, url, case.marker)
    submit(anna, url, anna_form, first_changes)
    submit(bo, url, bo_form, second_changes)

    reloaded = open_form(bo, url, case.marker)  # the reload link: a GET of the same page
    response = submit(bo, url, reloaded, second_changes)

    assert response.status_code == 302
    row = case.reload(world)
    if first_changes.keys() != second_changes.keys():
        assert case.first_saved(row)
    assert case.second_saved(row)


def test_refusal_shows_the_values_then_and_now(world):
    url = reverse("customers:customer_update", args=[world.customer.pk])
    anna, bo = session(world.anna), session(world.bo)
    anna_form, bo_form = open_form(anna, url, "version"), open_form(bo, url, "version")
    submit(anna, url, anna_form, {"name": "<b>Anna</b> AB"})
    body = submit(bo, url, bo_form, {"website": "https://bo.example.com"}).content.decode()
    assert "Original AB → &lt;b&gt;Anna&lt;/b&gt; AB" in body


@pytest.mark.parametrize("case_name", sorted(CASES))
def test_post_without_version_cannot_overwrite_a_newer_save(world, case_name):
    """A hand-made POST that leaves the version out must not slip past the check."""
    case = CASES[case_name]
    first_changes, second_changes = case.first, case.second
    if case_name == "customer settings":
        first_changes, second_changes = _settings_changes(world, case)
    url = case.url(world)
    anna, bo = session(world.anna), session(world.bo)
    anna_form = open_form(anna, url, case.marker)
    bo_form = open_form(bo, url, case.marker)
    submit(anna, url, anna_form, first_changes)
    del bo_form[case.marker]
    response = submit(bo, url, bo_form, second_changes)
    assert response.status_code == 200
    row = case.reload(world)
    assert case.first_saved(row)
    assert not case.second_saved(row)


def test_admin_save_over_a_newer_version_is_refused(world):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    admin_url = reverse("admin:customers_customer_change", args=[world.customer.pk])
    form_url = reverse("customers:customer_update", args=[world.customer.pk])
    admin, anna = session(root), session(world.anna)
    admin_form = open_form(admin, admin_url, "expected_version")
    anna_form = open_form(anna, form_url, "version")
    submit(anna, form_url, anna_form, {"name": "Anna's name AB"})

    admin_form.pop("_addanother", None)
    admin_form.pop("_continue", None)
    refused = submit(admin, admin_url, admin_form, {"website": "https://admin.example.com"})

    assert refused.status_code == 200
    assert "changed by someone else" in refused.content.decode()
    saved = Customer.objects.get(pk=world.customer.pk)
    assert (saved.name, saved.website) == ("Anna's name AB", "")
