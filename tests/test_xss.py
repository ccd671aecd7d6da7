"""Script and HTML in every text field render as text on every page that shows them.

The values are written through the forms' models (factories) and through the CSV importer;
every page a superuser can open is then checked for the raw markup (never) and for the
escaped text (where the page shows the value).
"""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from customers.importing.engine import ImportOptions, run_import
from customers.models import Customer, CustomerGroupingOption
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingOptionFactory,
    IndustryFactory,
    ProjectFactory,
    ProjectNoteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("kk")</script><img src=x onerror=alert(1)>'
RAW_MARKERS = ['<script>alert("kk")', "<img src=x onerror"]
ESCAPED = "&lt;script&gt;alert(&quot;kk&quot;)&lt;/script&gt;"


def tagged(label):
    return f"{label} {PAYLOAD}"


@pytest.fixture
def admin_client(db):
    user = UserFactory(username="root", is_staff=True, is_superuser=True, first_name=tagged("Root"))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client, user


@pytest.fixture
def hostile_customer(admin_client):
    _client, user = admin_client
    customer = CustomerFactory(
        name=tagged("Customer"),
        description=tagged("Description"),
        show_description=True,
        industry=IndustryFactory(name=tagged("Industry")),
        owner=user,
        created_by=user,
        updated_by=user,
    )
    address = AddressFactory(
        customer=customer,
        line1=tagged("Street"),
        city=tagged("City"),
        is_head_office=True,
        is_billing=True,
    )
    contact = ContactFactory(
        customer=customer,
        address=address,
        first_name=tagged("First"),
        last_name=tagged("Last"),
        title=tagged("Title"),
        notes=tagged("Notes"),
    )
    option = GroupingOptionFactory(name=tagged("Option"), category__name=tagged("Category"))
    CustomerGroupingOption.objects.create(customer=customer, option=option)
    project = ProjectFactory(
        customer=customer, contact=contact, name=tagged("Project"), description=tagged("Pdesc")
    )
    ProjectNoteFactory(project=project, author=user, text=tagged("Note"))
    activity = ActivityFactory(
        customer=customer,
        project=project,
        subject=tagged("Subject"),
        location=tagged("Location"),
        notes=tagged("Anotes"),
    )
    customer.name = tagged("Renamed")  # a history entry whose values hold the payload
    customer.save()
    return customer, project, activity


def pages(customer, project, activity):
    pk = customer.pk
    return [
        reverse("customers:customer_list"),
        reverse("customers:customer_list") + "?q=Customer",
        reverse("customers:customer_detail", args=[pk]),
        reverse("customers:customer_update", args=[pk]),
        reverse("customers:customer_settings", args=[pk]),
        reverse("customers:customer_history", args=[pk]),
        reverse("projects:customer_projects", args=[pk]),
        reverse("activities_card:customer_collaboration", args=[pk]),
        reverse("reports:customer_report"),
        reverse("projects:project_list"),
        reverse("projects:project_detail", args=[project.pk]),
        reverse("projects:project_update", args=[project.pk]),
        reverse("activities:activity_list"),
        reverse("activities:activity_update", args=[activity.pk]),
    ]


def assert_no_raw_markup(body, url):
    for marker in RAW_MARKERS:
        assert marker not in body, f"{url} renders {marker!r} unescaped"


def test_markup_in_every_text_field_renders_as_text_on_every_page(admin_client, hostile_customer):
    client, _user = admin_client
    for url in pages(*hostile_customer):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert_no_raw_markup(body, url)
        assert ESCAPED in body, f"{url} does not show the value at all"


def test_search_text_is_echoed_escaped(admin_client):
    client, _user = admin_client
    url = reverse("customers:customer_list") + "?q=" + PAYLOAD
    body = client.get(url).content.decode()
    assert_no_raw_markup(body, url)


def test_admin_pages_render_markup_as_text(admin_client, hostile_customer):
    client, _user = admin_client
    customer = hostile_customer[0]
    for url in [
        reverse("admin:customers_customer_changelist"),
        reverse("admin:customers_customer_change", args=[customer.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_raw_markup(response.content.decode(), url)


def _csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_imported_values_render_as_text(admin_client):
    client, user = admin_client
    content = _csv(
        [
            [
                "Customer name",
                "Industry",
                "Description",
                "Address line 1",
                "Postal code",
                "City",
                "Contact first name",
                "Contact last name",
                "Contact title",
                "Groupings",
            ],
            [
                tagged("Imported"),
                tagged("Iindustry"),
                tagged("Idesc"),
                tagged("Istreet"),
                "111 22",
                tagged("Icity"),
                tagged("Ifirst"),
                tagged("Ilast"),
                tagged("Ititle"),
                f"{tagged('Icat')}\\{tagged('Iopt')}",
            ],
        ]
    )
    result = run_import(
        content,
        file_name="hostile.csv",
        options=ImportOptions(create_missing=True),
        user=user,
        commit=True,
    )
    customer = Customer.objects.get(name=tagged("Imported"))
    assert customer.contacts.exists(), result
    for url in [
        reverse("customers:customer_list"),
        reverse("customers:customer_detail", args=[customer.pk]),
        reverse("customers:customer_settings", args=[customer.pk]),
        reverse("customers:customer_history", args=[customer.pk]),
        reverse("reports:customer_report"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert_no_raw_markup(body, url)
        assert ESCAPED in body, url
