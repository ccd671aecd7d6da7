"""Hostile and careless input: each defect found by probing the running application, proved
fixed. One test (or a few) per finding, named for what the application now does.

The importer's limits and encodings are in ``tests/customers/test_import_limits.py``; the
harness that sends hostile values to every URL is ``tests/test_hostile_input.py``.
"""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from activities.models import Activity
from customers import roles
from customers.importing.engine import ImportOptions, run_import
from customers.models import Address, Contact, Customer, EInvoiceOperator
from customers.resources import headers, template_rows
from customers.validators import normalise_phone
from projects.services import project_update
from tests.customers.import_helpers import csv_bytes, review
from tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
    SalesStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _client(user, language="en"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


# -- 1. NUL and other control characters in query parameters ---------------------------------


def test_nul_in_the_customer_choosers_search_is_removed_not_a_server_error(editor_client):
    for url in (reverse("projects:project_create"), reverse("activities:activity_create")):
        response = editor_client.get(url, {"choose": "1", "q": "Kund\x00\x01AB"})
        assert response.status_code == 200, url
        assert "\x00" not in response.content.decode()


def test_control_characters_never_reach_a_view_or_form(editor_client):
    CustomerFactory(name="Kund AB")
    response = editor_client.get(reverse("customers:customer_list"), {"q": "Kund\x00 AB\x1b"})
    assert response.context["search_text"] == "Kund AB"
    assert [c.name for c in response.context["customers"]] == ["Kund AB"]


def test_control_characters_are_removed_from_posted_fields_but_lines_are_kept(editor):
    customer = CustomerFactory(owner=editor)
    response = _client(editor).post(
        reverse("customers:customer_description", args=[customer.pk]),
        {"description": "Rad ett\x00\x07\r\nRad två\u202e", "version": customer.version},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.description == "Rad ett\r\nRad två\u202e"


# -- 2. login with a username longer than the throttling table holds --------------------------


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_a_very_long_username_is_a_failed_login_not_a_server_error(url_name):
    client = Client(raise_request_exception=True, HTTP_ACCEPT_LANGUAGE="en")
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        response = client.post(reverse(url_name), {"username": "x" * 300, "password": "y"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_login_form_says_the_username_is_too_long():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("login"), {"username": "x" * 300, "password": "y"})
    assert "at most 150 characters" in response.content.decode()


def test_throttling_records_usernames_at_most_as_long_as_its_column(rf):
    from core.login_throttling import throttled_username

    request = rf.post("/", {"username": "x" * 300})
    assert len(throttled_username(request)) == 255
    assert throttled_username(rf.post("/", {}), {"username": "anna"}) == "anna"


# -- 3. NUL in an import cell -----------------------------------------------------------------


def test_nul_and_control_characters_in_an_import_cell_never_reach_the_database(admin_user):
    content = csv_bytes(["Kundnamn", "Beskrivning"], [["Nul\x00 AB", "Rad\x01 ett\x1f"]])
    result = run_import(
        content, file_name="nul.csv", options=ImportOptions(), user=admin_user, commit=True
    )
    assert result.committed, result.errors
    assert Customer.objects.get().name == "Nul AB"
    assert Customer.objects.get().description == "Rad ett"


# -- 4. addresses: street or P.O. box, postal code valid in the country, city -----------------


def _add_address(client, customer, **fields):
    data = {"line1": "", "postal_code": "", "city": "", "country": "SE", **fields}
    return client.post(reverse("customers:address_create", args=[customer.pk]), data)


def test_an_empty_address_is_refused_with_every_missing_field_named(editor):
    customer = CustomerFactory()
    response = _add_address(_client(editor), customer)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"line1", "postal_code", "city"}
    assert not Address.objects.filter(customer=customer).exists()


def test_a_postal_code_of_letters_is_refused_in_sweden(editor):
    customer = CustomerFactory()
    response = _add_address(
        _client(editor), customer, line1="Storgatan 1", postal_code="abc", city="Lund"
    )
    assert "not valid in Sweden" in str(response.context["form"].errors["postal_code"])
    assert not Address.objects.filter(customer=customer).exists()


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("SE", "22222", "222 22"),
        ("NO", "0150", "0150"),
        ("DK", "2100", "2100"),
        ("FI", "00100", "00100"),
    ],
)
def test_postal_codes_are_checked_and_written_as_the_country_does(country, typed, stored):
    from customers.validators import normalise_postal_code

    assert normalise_postal_code(typed, country) == stored


@pytest.mark.parametrize(
    ("country", "wrong"), [("SE", "1234"), ("NO", "01500"), ("DK", "210"), ("FI", "0010A")]
)
def test_postal_codes_of_the_wrong_form_are_refused(country, wrong):
    from django.core.exceptions import ValidationError

    from customers.validators import normalise_postal_code

    with pytest.raises(ValidationError):
        normalise_postal_code(wrong, country)


def test_the_importer_refuses_an_incomplete_address_by_the_same_rule(admin_user):
    result = review(
        csv_bytes(["Kundnamn", "Ort", "Postnummer"], [["Ny AB", "Lund", "abc"]]), admin_user
    )
    columns = {e.column for e in result.errors}
    assert "Postnummer" in columns and len(columns) == 2  # the postal code and address line 1
    assert {e.row for e in result.errors} == {2}


def test_an_address_stored_before_the_rule_does_not_block_moving_the_head_office(editor):
    from customers.services.addresses import address_make_head_office

    customer = CustomerFactory()
    old = AddressFactory(customer=customer, is_head_office=True, line1="", postal_code="")
    new = AddressFactory(customer=customer, is_head_office=False)
    address_make_head_office(address=new, user=editor)
    old.refresh_from_db()
    assert not old.is_head_office


# -- 5. phone numbers must exist in their country's numbering plan -----------------------------


def test_an_impossible_swedish_mobile_number_is_refused(editor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        normalise_phone("070-123", "SE")
    customer = CustomerFactory()
    address = AddressFactory(customer=customer, is_head_office=True)
    response = _client(editor).post(
        reverse("customers:contact_create", args=[customer.pk]),
        {"first_name": "Eva", "last_name": "Ek", "address": address.pk, "mobile": "070-123"},
    )
    assert response.status_code == 200
    assert "070-123" in str(response.context["form"].errors["mobile"])
    assert not Contact.objects.filter(customer=customer).exists()


def test_real_numbers_are_still_accepted():
    assert normalise_phone("070-123 45 67", "SE") == "+46701234567"
    assert normalise_phone("08-123 456 78", "SE") == "+46812345678"


# -- 6. overdue interest: the user's decimal comma, bounds 0-100, shown in Swedish ---------------


def _settings_url(customer):
    return reverse("customers:customer_settings", args=[customer.pk])


def test_overdue_interest_is_a_localized_text_input_shown_with_a_comma(editor):
    customer = CustomerFactory(overdue_interest=Decimal("8.50"))
    html = _client(editor, "sv").get(_settings_url(customer)).content.decode()
    field = re.search(r"<input[^>]*name=\"settings-overdue_interest\"[^>]*>", html).group(0)
    assert 'type="text"' in field and 'inputmode="decimal"' in field
    assert 'value="8,50"' in field


def _post_settings(client, customer, interest):
    return client.post(
        _settings_url(customer),
        {"settings-overdue_interest": interest, "settings-version": customer.version},
    )


def test_a_swedish_decimal_comma_is_read_as_a_decimal(editor):
    customer = CustomerFactory()
    response = _post_settings(_client(editor, "sv"), customer, "8,5")
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.overdue_interest == Decimal("8.5")


def test_overdue_interest_above_100_percent_is_refused(editor):
    customer = CustomerFactory()
    response = _post_settings(_client(editor), customer, "850")
    assert response.status_code == 200
    assert "overdue_interest" in response.context["settings_form"].errors
    customer.refresh_from_db()
    assert customer.overdue_interest is None


# -- 7. length limits are told, never cut ----------------------------------------------------


def test_no_form_field_carries_a_maxlength_the_browser_would_cut_at(editor_client):
    for url in (reverse("customers:customer_create"), reverse("login")):
        assert "maxlength" not in editor_client.get(url).content.decode(), url


def test_a_212_character_name_is_refused_with_its_length(editor):
    name = "Långt namn " * 19 + "Slut"
    response = _client(editor).post(
        reverse("customers:customer_create"), {"name": name, "country": "SE", "owner": editor.pk}
    )
    assert response.status_code == 200
    assert f"at most 200 characters (it has {len(name)})" in str(
        response.context["form"].errors["name"]
    )
    assert not Customer.objects.exists()


# -- 9. the stale-version message shows no financial figures to Edit users ----------------------


@pytest.mark.parametrize("action", ["projects:project_close", "projects:project_status"])
def test_the_stale_message_hides_financial_figures_from_edit_users(action, make_user):
    editor = make_user(roles.EDIT, username="edith")
    allan = make_user(roles.ALL, username="allan2")
    project = ProjectFactory(
        expected_value=Decimal("180000"), name="Hemligt", sales_status=SalesStatusFactory()
    )
    opened_version = project.version
    project_update(
        project=project,
        user=allan,
        expected_version=project.version,
        expected_value=Decimal("424242"),
        name="Nytt namn",
    )
    data = {"version": opened_version, "sales_status": project.sales_status_id or ""}
    response = _client(editor).post(reverse(action, args=[project.pk]), data, follow=True)
    # Without the hidden inputs: their random tokens (hex) hold "424" or "180" now and then.
    body = re.sub(r"<input[^>]*type=\"hidden\"[^>]*>", "", response.content.decode())
    assert "changed by someone else" in body
    assert "Nytt namn" in body  # what they may see is still listed
    assert "424" not in body and "180" not in body


def test_all_users_still_see_the_changed_figures(make_user):
    allan = make_user(roles.ALL, username="allan3")
    project = ProjectFactory(expected_value=Decimal("180000"))
    opened_version = project.version
    project_update(
        project=project,
        user=allan,
        expected_version=project.version,
        expected_value=Decimal("424242"),
    )
    response = _client(allan).post(
        reverse("projects:project_close", args=[project.pk]),
        {"version": opened_version},
        follow=True,
    )
    assert "424" in response.content.decode()


# -- 10. Read-only users change only their own activities ------------------------------------


def test_read_only_users_cannot_change_someone_elses_activity_without_customer(readonly_user):
    activity = ActivityFactory(customer=None, project=None, owner=UserFactory())
    client = _client(readonly_user)
    assert client.get(reverse("activities:activity_update", args=[activity.pk])).status_code == 403
    response = client.post(reverse("activities:activity_mark_done", args=[activity.pk]))
    assert response.status_code == 403
    activity.refresh_from_db()
    assert not activity.is_done


def test_read_only_users_cannot_give_away_or_clear_the_owner_of_their_activity(readonly_user):
    activity = ActivityFactory(customer=None, project=None, owner=readonly_user)
    other = UserFactory(roles=[roles.EDIT])
    url = reverse("activities:activity_update", args=[activity.pk])
    for owner in ("", other.pk):
        response = _client(readonly_user).post(
            url,
            {
                "subject": "Ändrad",
                "type": activity.type_id,
                "starts_at": "2030-01-01T10:00",
                "owner": owner,
                "version": activity.version,
            },
        )
        assert response.status_code == 200
        assert "owner" in response.context["form"].errors
    activity.refresh_from_db()
    assert activity.owner == readonly_user


def test_edit_users_still_change_activities_without_customer(editor):
    activity = ActivityFactory(customer=None, project=None, owner=UserFactory())
    response = _client(editor).post(reverse("activities:activity_mark_done", args=[activity.pk]))
    assert response.status_code == 302
    assert Activity.objects.get(pk=activity.pk).is_done


# -- 11. "Edit own customers only" users own what they create ---------------------------------


def test_edit_own_only_user_cannot_create_a_customer_owned_by_someone_else(make_user):
    own_only = make_user(roles.EDIT, roles.OWN_ONLY, username="egen")
    someone = make_user(roles.EDIT, username="annan")
    client = _client(own_only)
    form = client.get(reverse("customers:customer_create")).context["form"]
    assert list(form.fields["owner"].queryset) == [own_only]
    for owner in (someone.pk, ""):
        response = client.post(
            reverse("customers:customer_create"),
            {"name": "Ny AB", "country": "SE", "owner": owner},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["owner"]
    assert not Customer.objects.exists()


def test_the_create_service_refuses_it_too(make_user):
    from django.core.exceptions import ValidationError

    from customers.services.customers import customer_create

    own_only = make_user(roles.EDIT, roles.OWN_ONLY, username="egen2")
    with pytest.raises(ValidationError) as refused:
        customer_create(user=own_only, name="Ny AB", owner=UserFactory())
    assert "owner" in refused.value.message_dict


# -- 12. a create form saves once however often it is posted ----------------------------------


CREATE_FORMS = {
    "customer": lambda w: (reverse("customers:customer_create"), {"name": "Dubbel AB"}),
    "address": lambda w: (
        reverse("customers:address_create", args=[w.pk]),
        {"line1": "Väg 1", "postal_code": "111 22", "city": "Lund", "country": "SE"},
    ),
    "contact": lambda w: (
        reverse("customers:contact_create", args=[w.pk]),
        {"first_name": "Eva", "last_name": "Ek", "address": w.addresses.get().pk},
    ),
    "project": lambda w: (
        f"{reverse('projects:project_create')}?customer={w.pk}",
        {"name": "Projekt", "kind": "sales", "customer": w.pk},
    ),
}


@pytest.mark.parametrize("kind", sorted(CREATE_FORMS))
def test_posting_the_same_create_form_twice_creates_once(editor, kind):
    from customers.models import FormSubmission

    customer = CustomerFactory(owner=editor)
    AddressFactory(customer=customer, is_head_office=True)
    url, fields = CREATE_FORMS[kind](customer)
    client = _client(editor)
    page = client.get(url).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)
    form = {"country": "SE", "owner": editor.pk, **fields, "form_token": token}
    counts = []
    first = client.post(url, form)
    assert first.status_code == 302, first.context and first.context["form"].errors
    for _repeat in range(2):
        again = client.post(url, form, follow=True)
        assert again.redirect_chain[0][0] == first["Location"]
        assert "already been saved" in again.content.decode()
    counts = (Customer.objects.count(), Address.objects.count(), Contact.objects.count())
    from projects.models import Project

    created = {
        "customer": Customer.objects.count() - 1,
        "address": Address.objects.count() - 1,
        "contact": Contact.objects.count(),
        "project": Project.objects.count(),
    }
    assert created[kind] == 1, counts
    assert FormSubmission.objects.filter(token=token).count() == 1


def test_a_form_with_errors_keeps_its_token_for_the_corrected_post(editor):
    client = _client(editor)
    url = reverse("customers:customer_create")
    token = re.search(
        r'name="form_token" value="([0-9a-f]{32})"', client.get(url).content.decode()
    ).group(1)
    bad = client.post(url, {"name": "", "country": "SE", "owner": editor.pk, "form_token": token})
    assert bad.status_code == 200
    good = client.post(
        url, {"name": "Rättad AB", "country": "SE", "owner": editor.pk, "form_token": token}
    )
    assert good.status_code == 302
    assert Customer.objects.get().name == "Rättad AB"


def test_the_submit_buttons_are_disabled_while_a_form_is_sent():
    from django.contrib.staticfiles import finders

    with open(finders.find("js/kundkort.js"), encoding="utf-8") as file:
        script = file.read()
    assert "button.disabled = true" in script


# -- 14. every invalid field is marked in the first answer ------------------------------------


def test_the_details_form_marks_every_invalid_field_at_once(editor):
    customer = CustomerFactory(country="SE", owner=editor)
    response = _client(editor).post(
        reverse("customers:customer_update", args=[customer.pk]),
        {
            "name": customer.name,
            "number": customer.number,
            "country": "SE",
            "website": "inte en adress",
            "organisation_number": "123",
            "vat_number": "SE12",
            "version": customer.version,
        },
    )
    assert response.status_code == 200
    assert {"website", "organisation_number", "vat_number"} <= set(response.context["form"].errors)


def test_the_address_form_marks_the_phone_with_the_missing_fields(editor):
    customer = CustomerFactory()
    response = _add_address(_client(editor), customer, phone="070-123")
    assert {"line1", "postal_code", "city", "phone"} <= set(response.context["form"].errors)


# -- 15. the demo can hold e-invoice addresses, and the import template imports into it ---------


def test_the_demo_has_e_invoice_operators_and_a_customer_can_use_one(settings, editor):
    settings.DEBUG = False
    call_command("seed_demo", stdout=None)
    peppol = EInvoiceOperator.objects.get(name="Peppol")
    customer = CustomerFactory(owner=editor)
    response = _client(editor).post(
        _settings_url(customer),
        {
            "settings-einvoice_operator": peppol.pk,
            "settings-einvoice_address": "0007:5560360793",
            "settings-version": customer.version,
        },
    )
    assert response.status_code == 302
    assert EInvoiceOperator.objects.filter(is_active=True).count() >= 3


def test_the_import_template_as_it_ships_adds_one_new_customer_to_the_demo(settings):
    from django.utils import translation

    settings.DEBUG = False
    call_command("seed_demo", stdout=None)
    admin = UserFactory(is_staff=True, is_superuser=True)
    before = {c.pk: c.version for c in Customer.objects.all()}
    with translation.override("sv"):
        content = csv_bytes(headers(), [[str(v) for v in row] for row in template_rows()])
    result = run_import(
        content, file_name="mall.csv", options=ImportOptions(), user=admin, commit=True
    )
    assert result.committed, result.errors
    assert result.new_customers == 1
    assert {c.pk: c.version for c in Customer.objects.filter(pk__in=before)} == before


# -- the same class, found on the way -----------------------------------------------------------


def test_hostile_activity_subject_is_stored_without_control_characters(editor):
    ActivityTypeFactory(name="Möte")
    response = _client(editor).post(
        reverse("activities:activity_create"),
        {
            "subject": "Möte\x00\x1b",
            "type": ActivityTypeFactory().pk,
            "starts_at": "2030-01-01T10:00",
            "owner": editor.pk,
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get().subject == "Möte"


def test_contacts_with_a_foreign_address_stay_refused(editor):
    customer = CustomerFactory()
    AddressFactory(customer=customer, is_head_office=True)
    foreign = AddressFactory(customer=CustomerFactory(), is_head_office=True)
    response = _client(editor).post(
        reverse("customers:contact_create", args=[customer.pk]),
        {"first_name": "Eva", "last_name": "Ek", "address": foreign.pk},
    )
    assert response.status_code == 200
    assert not ContactFactory._meta.model.objects.filter(customer=customer).exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_posts_of_one_create_form_create_one_customer():
    """Two requests with the same form at the same moment (a double click that the browser sent
    twice): the second waits for the first on the token and creates nothing."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent requests need a database server (run with DATABASE_URL)")
    editor = UserFactory(roles=[roles.EDIT])
    url = reverse("customers:customer_create")
    for round_number in range(5):
        token = f"{round_number:032x}"
        form = {"name": f"Samtidig {round_number} AB", "country": "SE", "owner": editor.pk}
        barrier = threading.Barrier(2)
        statuses = []

        def post(form=form, token=token, barrier=barrier, statuses=statuses):
            try:
                client = _client(editor)
                barrier.wait()
                statuses.append(client.post(url, {**form, "form_token": token}).status_code)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=post) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [302, 302]
        assert Customer.objects.filter(name=form["name"]).count() == 1
