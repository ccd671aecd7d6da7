"""Exports from the customer report: columns, encoding, delimiter, formula escaping, XLSX,
contacts and the mailing list's consent rule, permissions and query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.exports import csv_text, escape_cell, read_xlsx_rows, xlsx_bytes
from customers.models import GroupingCategory
from customers.services.groupings import customer_set_grouping_options
from tests.factories import (
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingCategoryFactory,
    GroupingOptionFactory,
    IndustryFactory,
)

pytestmark = pytest.mark.django_db

EXPORT = reverse("reports:customer_export")


def download(client, **params):
    params.setdefault("format", "csv")
    response = client.get(EXPORT, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    if response.streaming:
        return response, b"".join(response.streaming_content)
    return response, response.content


def csv_rows(content, delimiter=";"):
    text = content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


# The escaping helper -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+46701234567", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_starting_like_a_formula_gets_a_quote(value):
    assert escape_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Alfa AB", "a=b", "", 42, -3, None])
def test_other_values_are_left_alone(value):
    assert escape_cell(value) == ("" if value is None else value)


def test_csv_starts_with_a_bom_and_uses_semicolons():
    text = csv_text(["A", "B"], [["1", "2"]])
    assert text.startswith("\ufeffA;B\r\n")


def test_xlsx_cells_are_escaped_and_not_formulas():
    rows = read_xlsx_rows(xlsx_bytes(["Name"], [['=HYPERLINK("x")']]))
    assert rows == [["Name"], ['\'=HYPERLINK("x")']]


# Customer export ---------------------------------------------------------------------------


def test_customer_csv_is_utf8_with_bom_and_semicolons(reader_client):
    CustomerFactory(name="Åkerlunds Bygg AB")
    response, content = download(reader_client)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="customers-' in response["Content-Disposition"]
    assert content.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(content)
    assert rows[1][1] == "Åkerlunds Bygg AB"


def test_comma_can_be_chosen_as_delimiter(reader_client):
    CustomerFactory(name="Alfa AB")
    _response, content = download(reader_client, delimiter="comma")
    rows = csv_rows(content, delimiter=",")
    assert rows[0][:2] == ["Customer number", "Customer name"]


def test_customer_export_columns(reader_client, interests):
    it = IndustryFactory(name="IT")
    customer = CustomerFactory(name="Alfa AB", number=1234, industry=it, email="a@alfa.se")
    AddressFactory(
        customer=customer,
        line1="Storgatan 1",
        postal_code="111 22",
        city="Stockholm",
        is_head_office=True,
    )
    customer_set_grouping_options(
        customer=customer, user=None, options=[interests.options.get(name="Golf")]
    )
    _response, content = download(reader_client)
    header, row = csv_rows(content)
    record = dict(zip(header, row, strict=True))
    assert header[:3] == ["Customer number", "Customer name", "Organisation number"]
    assert record["Customer number"] == "1234"
    assert record["City"] == "Stockholm"
    assert record["Address"] == "Storgatan 1"
    assert record["Industry"] == "IT"
    assert record["Email"] == "a@alfa.se"
    assert record["Groupings"] == "Interests\\Golf"
    assert record["Active"] == "Yes"
    assert "E-invoice address" in header


def test_export_follows_the_report_filters(reader_client, interests):
    golf = interests.options.get(name="Golf")
    customer_set_grouping_options(
        customer=CustomerFactory(name="Golfer"), user=None, options=[golf]
    )
    CustomerFactory(name="Other")
    _response, content = download(reader_client, **{f"g{interests.pk}": golf.pk})
    assert [row[1] for row in csv_rows(content)[1:]] == ["Golfer"]


def test_customer_values_that_look_like_formulas_are_escaped(reader_client):
    CustomerFactory(name='=HYPERLINK("http://evil")')
    _response, content = download(reader_client)
    assert csv_rows(content)[1][1] == '\'=HYPERLINK("http://evil")'


def test_customer_export_as_xlsx(reader_client):
    CustomerFactory(name="@Alfa AB", number=77)
    response, content = download(reader_client, format="xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = read_xlsx_rows(content)
    assert rows[0][:2] == ["Customer number", "Customer name"]
    assert rows[1][:2] == [77, "'@Alfa AB"]


def test_unknown_export_kind_is_a_bad_request(reader_client):
    assert reader_client.get(EXPORT, {"kind": "secrets"}).status_code == 400


def test_export_is_forbidden_without_customer_rights(client, no_rights_user):
    client.force_login(no_rights_user)
    assert client.get(EXPORT).status_code == 403


def test_anonymous_export_is_sent_to_login(client):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Contacts and the mailing list -------------------------------------------------------------


@pytest.fixture
def interests():
    category = GroupingCategoryFactory(name="Interests", selection=GroupingCategory.MULTIPLE)
    for name in ["Golf", "Wine"]:
        GroupingOptionFactory(category=category, name=name)
    return category


def test_contacts_export_has_customer_name_contact_fields_and_address(reader_client):
    customer = CustomerFactory(name="Alfa AB")
    office = AddressFactory(
        customer=customer,
        line1="Storgatan 1",
        postal_code="111 22",
        city="Stockholm",
        is_head_office=True,
    )
    ContactFactory(
        customer=customer,
        address=office,
        first_name="Anna",
        last_name="Berg",
        email="anna@alfa.se",
        phone="+46701234567",
    )
    _response, content = download(reader_client, kind="contacts")
    header, row = csv_rows(content)
    record = dict(zip(header, row, strict=True))
    assert record["Customer name"] == "Alfa AB"
    assert record["First name"] == "Anna"
    assert record["Last name"] == "Berg"
    assert record["Email"] == "anna@alfa.se"
    assert record["Phone"] == "'+46701234567"
    assert record["Address line 1"] == "Storgatan 1"
    assert record["Postal code"] == "111 22"
    assert record["City"] == "Stockholm"


def test_contacts_export_covers_only_matching_customers(reader_client):
    it = IndustryFactory(name="IT")
    ContactFactory(customer=CustomerFactory(name="IT AB", industry=it), first_name="In")
    ContactFactory(customer=CustomerFactory(name="Other AB"), first_name="Out")
    _response, content = download(reader_client, kind="contacts", industry=it.pk)
    assert [row[2] for row in csv_rows(content)[1:]] == ["In"]


def test_mailing_list_keeps_only_active_contacts_who_allow_email_and_have_one(reader_client):
    customer = CustomerFactory(name="Alfa AB")
    ContactFactory(customer=customer, first_name="Yes", email_allowed=True)
    ContactFactory(customer=customer, first_name="NoConsent", email_allowed=False)
    ContactFactory(customer=customer, first_name="Inactive", email_allowed=True, is_active=False)
    ContactFactory(customer=customer, first_name="NoEmail", email_allowed=True, email="")
    _response, content = download(reader_client, kind="mailing")
    assert [row[2] for row in csv_rows(content)[1:]] == ["Yes"]


def test_contacts_export_without_mailing_list_has_everyone(reader_client):
    customer = CustomerFactory(name="Alfa AB")
    ContactFactory(customer=customer, first_name="A", email_allowed=True)
    ContactFactory(customer=customer, first_name="B", email_allowed=False)
    _response, content = download(reader_client, kind="contacts")
    assert sorted(row[2] for row in csv_rows(content)[1:]) == ["A", "B"]


def test_contacts_export_as_xlsx(reader_client):
    ContactFactory(customer=CustomerFactory(name="Alfa AB"), first_name="-Anna")
    _response, content = download(reader_client, kind="contacts", format="xlsx")
    rows = read_xlsx_rows(content)
    assert rows[1][1:3] == ["Alfa AB", "'-Anna"]


# Query counts -------------------------------------------------------------------------------


def _export_queries(client, **params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(EXPORT, params)
        b"".join(response.streaming_content) if response.streaming else response.content
    return len(captured)


def test_customer_export_query_count_does_not_grow_with_rows(reader_client, interests):
    golf = interests.options.get(name="Golf")
    first = CustomerFactory()
    AddressFactory(customer=first, is_head_office=True)
    customer_set_grouping_options(customer=first, user=None, options=[golf])
    few = _export_queries(reader_client)
    for _ in range(30):
        customer = CustomerFactory(industry=IndustryFactory())
        AddressFactory(customer=customer, is_head_office=True)
        customer_set_grouping_options(customer=customer, user=None, options=[golf])
    assert _export_queries(reader_client) == few


def test_contact_export_query_count_does_not_grow_with_rows(reader_client):
    ContactFactory(customer=CustomerFactory())
    few = _export_queries(reader_client, kind="contacts")
    for _ in range(30):
        customer = CustomerFactory()
        ContactFactory(customer=customer, address=AddressFactory(customer=customer))
    assert _export_queries(reader_client, kind="contacts") == few
