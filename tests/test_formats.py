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
from django.utils.timezone import now as timezone_now

from customers import roles
from customers.importing.admin import import_summary
from projects.forms import TypedDecimalField
from projects.models import Project
from tests.factories import CustomerFactory, UserFactory

WHEN = datetime.datetime(2026, 12, 1, 7, 22, tzinfo=ZoneInfo("Europe/Stockholm"))


def render(text, **context):
    return Template("{% load l10n %}" + text).render(Context(context))


@pytest.mark.parametrize(("language", "clock"), [("sv", "07.22"), ("en", "07:22")])
def test_short_dates_are_iso_and_times_24_hour_in_both_languages(language, clock):
    with translation.override(language):
        assert render('{{ when|date:"SHORT_DATETIME_FORMAT" }}', when=WHEN) == (
            f"2026-12-01 {clock}"
        )
        assert render('{{ when|date:"SHORT_DATE_FORMAT" }}', when=WHEN) == "2026-12-01"
        assert render("{{ when|time }}", when=WHEN) == clock


def test_swedish_times_have_a_full_stop_and_english_ones_a_colon():
    afternoon = WHEN.replace(hour=15, minute=5)
    with translation.override("sv"):
        assert render("{{ when }}", when=afternoon) == "1 december 2026 15.05"
        assert render("{{ when|time }}", when=afternoon) == "15.05"
    with translation.override("en"):
        assert render("{{ when }}", when=afternoon) == "1 December 2026 15:05"
        assert render("{{ when|time }}", when=afternoon) == "15:05"


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


@pytest.mark.parametrize(
    ("language", "example", "when"),
    [("sv", "ÅÅÅÅ-MM-DD", "2026-12-01 09.30"), ("en", "YYYY-MM-DD", "2026-12-01 09:30")],
)
def test_date_fields_are_text_boxes_in_iso_form_in_both_languages(language, example, when):
    """Not the browser's date inputs, which write dates the way of the browser's language
    (12/24/2026). Project, report-filter and API-token forms all draw their dates this way."""
    from api.forms import TokenCreateForm
    from core.dates import IsoDateInput, IsoDateTimeInput
    from customers.filters_report import CustomerReportFilter
    from projects.forms import ProjectForm

    with translation.override(language):
        html = IsoDateInput().render("d", datetime.date(2026, 12, 24))
        assert 'type="text"' in html and 'value="2026-12-24"' in html
        assert f'placeholder="{example}"' in html and 'data-kk-date="date"' in html
        html = IsoDateTimeInput().render("t", WHEN.replace(hour=9, minute=30))
        assert f'value="{when}"' in html and 'data-kk-date="datetime-local"' in html
    for widget in [
        TokenCreateForm.base_fields["expires_on"].widget,
        CustomerReportFilter.base_filters["created_from"].field.widget,
        CustomerReportFilter.base_filters["created_to"].field.widget,
        *(ProjectForm._meta.widgets[name] for name in ["start_date", "deadline"]),
    ]:
        assert isinstance(widget, IsoDateInput) or widget is IsoDateInput


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "typed"),
    [("sv", "2026-12-24 09.30"), ("sv", "2026-12-24 09:30"), ("en", "2026-12-24 09:30")],
)
def test_activity_form_reads_the_time_as_typed_in_each_language(client, language, typed):
    from activities.models import Activity
    from tests.factories import ActivityTypeFactory

    client.force_login(UserFactory(roles=[roles.READ_ONLY]))
    customer = CustomerFactory()
    response = client.post(
        f"{reverse('activities:activity_create')}?customer={customer.pk}",
        {"subject": "Tidsmöte", "type": ActivityTypeFactory().pk, "starts_at": typed},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302, response.context["form"].errors
    starts_at = Activity.objects.get(subject="Tidsmöte").starts_at
    assert starts_at == datetime.datetime(2026, 12, 24, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown"), [("sv", "2026-12-24 09.30"), ("en", "2026-12-24 09:30")]
)
def test_activity_list_shows_the_time_the_way_of_each_language(client, language, shown):
    from tests.factories import ActivityFactory

    user = UserFactory(roles=[roles.READ_ONLY])
    client.force_login(user)
    ActivityFactory(
        owner=user,
        starts_at=datetime.datetime(2026, 12, 24, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm")),
    )
    html = client.get(
        reverse("activities:activity_list"), {"when": "all"}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert shown in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_report_filter_reads_an_iso_date_and_refuses_a_slashed_one(client, language):
    client.force_login(UserFactory(roles=[roles.READ_ONLY]))
    CustomerFactory(name="Datumkund")
    url = reverse("reports:customer_report")
    iso = client.get(url, {"created_from": "2000-01-31"}, HTTP_ACCEPT_LANGUAGE=language)
    assert "Datumkund" in iso.content.decode()
    assert 'value="2000-01-31"' in iso.content.decode()
    slashed = client.get(url, {"created_from": "01/31/2000"}, HTTP_ACCEPT_LANGUAGE=language)
    assert 'data-testid="filter-errors"' in slashed.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_api_token_expiry_is_read_as_an_iso_date(client, language):
    from api.models import APIToken

    user = UserFactory(roles=[roles.READ_ONLY])
    client.force_login(user)
    next_year = timezone_now().year + 1
    response = client.post(
        reverse("api_tokens:token_list"),
        {"name": "Datumtoken", "expires_on": f"{next_year}-03-31"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code in (200, 302)
    token = APIToken.objects.get(name="Datumtoken")
    expires = token.expires_at.astimezone(ZoneInfo("Europe/Stockholm"))
    assert (expires.year, expires.month, expires.day, expires.hour) == (next_year, 4, 1, 0)
