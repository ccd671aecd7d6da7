"""Dates, times and numbers in both languages: ISO dates and 24-hour times everywhere, a
decimal comma in Swedish read as typed, plural forms through ngettext, languages named in
themselves, roles and the admin's buttons in Swedish."""

import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from customers import roles
from customers.importing.admin import import_summary
from projects.forms import TypedDecimalField
from projects.models import Project
from tests.factories import CustomerFactory, UserFactory

WHEN = datetime.datetime(2026, 12, 1, 7, 22, tzinfo=ZoneInfo("Europe/Stockholm"))


def render(text, **context):
    return Template("{% load l10n %}" + text).render(Context(context))


@pytest.mark.parametrize("language", ["sv", "en"])
def test_short_dates_and_times_are_iso_in_both_languages(language):
    with translation.override(language):
        assert render('{{ when|date:"SHORT_DATETIME_FORMAT" }}', when=WHEN) == "2026-12-01 07:22"
        assert render('{{ when|date:"SHORT_DATE_FORMAT" }}', when=WHEN) == "2026-12-01"
        assert render("{{ when|time }}", when=WHEN) == "07:22"


def test_long_dates_name_the_month_in_each_language():
    with translation.override("sv"):
        assert render("{{ when|date }}", when=WHEN) == "1 december 2026"
    with translation.override("en"):
        assert render("{{ when|date }}", when=WHEN) == "1 December 2026"


def test_numbers_show_a_decimal_comma_in_swedish_and_a_point_in_english():
    value = Decimal("12500.5")
    with translation.override("sv"):
        assert render('{{ v|floatformat:"2g" }}', v=value) == "12\xa0500,50"
    with translation.override("en"):
        assert render('{{ v|floatformat:"2g" }}', v=value) == "12,500.50"


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("sv", "12 500,50", Decimal("12500.50")),
        ("sv", "12\xa0500,5", Decimal("12500.5")),
        ("sv", "0,75", Decimal("0.75")),
        ("en", "12,500.50", Decimal("12500.50")),
        ("en", "0.75", Decimal("0.75")),
    ],
)
def test_decimals_are_read_as_typed_in_each_language(language, typed, expected):
    field = TypedDecimalField(max_digits=14, decimal_places=2)
    with translation.override(language):
        assert field.clean(typed) == expected


def test_a_point_is_not_read_as_a_decimal_comma_in_swedish():
    from django.core.exceptions import ValidationError

    field = TypedDecimalField(max_digits=14, decimal_places=2)
    with translation.override("sv"), pytest.raises(ValidationError):
        field.clean("12.500,50")


@pytest.mark.django_db
def test_project_form_saves_a_value_typed_with_a_decimal_comma(client):
    user = UserFactory(roles=[roles.ALL])
    client.force_login(user)
    customer = CustomerFactory()
    response = client.post(
        f"{reverse('projects:project_create')}?customer={customer.pk}",
        {
            "customer": customer.pk,
            "name": "Kommaprojekt",
            "kind": Project.DELIVERY,
            "expected_value": "125 000,50",
        },
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get(name="Kommaprojekt").expected_value == Decimal("125000.50")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_typed_dates_are_read_only_in_iso_form(language):
    from django import forms

    field = forms.DateField()
    with translation.override(language):
        assert field.clean("2026-12-01") == datetime.date(2026, 12, 1)
        with pytest.raises(forms.ValidationError):
            field.clean("12/01/2026")  # 1 December or 12 January? Refused, not guessed.


def summary(new, updated=0, addresses=0, contacts=0):
    result = SimpleNamespace(
        new_customers=new,
        updated_customers=updated,
        addresses_added=addresses,
        contacts_added=contacts,
    )
    return import_summary("kunder.csv", result)


def test_import_summary_uses_singular_and_plural_in_swedish():
    with translation.override("sv"):
        one = summary(1, 1, 1, 1)
        many = summary(2, 3, 4, 5)
    assert "1 ny kund" in one and "nya kunder" not in one
    assert "1 adress " in one and "1 kontaktperson " in one
    assert "2 nya kunder" in many and "4 adresser" in many and "5 kontaktpersoner" in many


def test_import_summary_uses_singular_and_plural_in_english():
    with translation.override("en"):
        assert summary(1).startswith("Imported kunder.csv: 1 new customer, 0 updated")
        assert "2 new customers" in summary(2)


@pytest.mark.django_db
def test_language_picker_names_each_language_in_itself(client):
    client.force_login(UserFactory(roles=[roles.READ_ONLY]))
    for accept in ["sv", "en"]:
        html = client.get(reverse("customers:customer_list"), HTTP_ACCEPT_LANGUAGE=accept)
        text = html.content.decode()
        assert ">Svenska</option>" in text
        assert ">English</option>" in text
        assert "Engelska" not in text


def test_role_names_are_translated_for_people():
    with translation.override("sv"):
        assert roles.role_label(roles.READ_ONLY) == "Kunder: Endast läsa"
        assert roles.role_label("Other group") == "Other group"
    with translation.override("en"):
        assert roles.role_label(roles.READ_ONLY) == "Customers: Read-only"


@pytest.mark.django_db
def test_admin_user_list_shows_roles_in_swedish(client, superuser):
    UserFactory(username="lasare", roles=[roles.READ_ONLY])
    client.force_login(superuser)
    html = client.get(reverse("admin:auth_user_changelist"), HTTP_ACCEPT_LANGUAGE="sv")
    text = html.content.decode()
    assert "Kunder: Endast läsa" in text
    assert "Customers: Read-only" not in text


@pytest.mark.django_db
def test_admin_import_button_is_a_swedish_verb(client, superuser):
    client.force_login(superuser)
    html = client.get(
        reverse("admin:customers_customer_changelist"), HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    assert 'class="import_link">Importera</a>' in html
    assert "Exportera" in html


@pytest.mark.django_db
def test_admin_lists_show_people_by_full_name(client, superuser):
    owner = UserFactory(username="kaa", first_name="Karin", last_name="Åström")
    CustomerFactory(owner=owner)
    client.force_login(superuser)
    html = client.get(reverse("admin:customers_customer_changelist")).content.decode()
    assert "Karin Åström" in html


@pytest.mark.django_db
def test_project_filter_shows_owners_by_full_name(client):
    UserFactory(username="kaa", first_name="Karin", last_name="Åström")
    client.force_login(UserFactory(roles=[roles.READ_ONLY]))
    html = client.get(reverse("projects:project_list")).content.decode()
    assert ">Karin Åström</option>" in html


@pytest.mark.django_db
def test_admin_carries_the_app_name_colours_and_a_way_back(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "css/admin-theme.css" in html
    assert 'data-testid="admin-back-to-app"' in html
    assert f'href="{reverse("customers:customer_list")}"' in html
    assert "Kundkort" in html
