"""The Customer settings tab: billing defaults, who may see and change them, validation."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import roles
from customers.forms.settings import CustomerSettingsForm
from customers.models import (
    Customer,
    EInvoiceOperator,
    InvoiceLanguage,
    InvoiceTemplate,
    PriceList,
)
from tests.factories import (
    CustomerFactory,
    GroupingCategoryFactory,
    GroupingOptionFactory,
    PaymentTermFactory,
    UserFactory,
    currency,
)

pytestmark = pytest.mark.django_db


def url(customer):
    return reverse("customers:customer_settings", args=[customer.pk])


def form_data(customer, **fields):
    """The POST a browser sends for the tab, with the customer's version."""
    data = {"settings-version": customer.version}
    data.update({f"settings-{name}": value for name, value in fields.items()})
    return data


@pytest.fixture
def customer(db):
    maker = UserFactory(username="maker")
    return CustomerFactory(name="Björkvik AB", created_by=maker, updated_by=maker)


@pytest.fixture
def peppol():
    return EInvoiceOperator.objects.create(
        name="Peppol network", address_format=EInvoiceOperator.FORMAT_PEPPOL
    )


@pytest.fixture
def gln_operator():
    return EInvoiceOperator.objects.create(
        name="Pagero GLN", address_format=EInvoiceOperator.FORMAT_GLN
    )


# Permissions ---------------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client, customer):
    response = client.get(url(customer))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_customer_rights_is_forbidden(client, no_rights_user, customer):
    client.force_login(no_rights_user)
    assert client.get(url(customer)).status_code == 403


def test_unknown_customer_is_not_found(editor_client):
    assert (
        editor_client.get(reverse("customers:customer_settings", args=[999999])).status_code == 404
    )


def test_editor_sees_the_form_with_save_button(editor_client, customer):
    response = editor_client.get(url(customer))
    assert response.status_code == 200
    assert b'data-testid="save-settings"' in response.content


def test_reader_sees_the_settings_disabled_without_save_button(reader_client, customer):
    response = reader_client.get(url(customer))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="save-settings"' not in content
    assert 'id="settings-read-only"' in content
    assert response.context["settings_form"].fields["payment_term"].disabled


def test_reader_cannot_save_settings(reader_client, customer):
    term = PaymentTermFactory(name="10 days")
    response = reader_client.post(url(customer), form_data(customer, payment_term=term.pk))
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.payment_term is None


def test_editor_restricted_to_own_customers_cannot_save_anothers(client, make_user, customer):
    user = make_user(roles.EDIT, roles.OWN_ONLY, username="ownonly")
    client.force_login(user)
    term = PaymentTermFactory(name="10 days")
    response = client.post(url(customer), form_data(customer, payment_term=term.pk))
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.payment_term is None


def test_editor_restricted_to_own_customers_may_save_own(client, make_user, customer):
    user = make_user(roles.EDIT, roles.OWN_ONLY, username="ownonly")
    customer.owner = user
    customer.save()
    client.force_login(user)
    term = PaymentTermFactory(name="10 days")
    response = client.post(url(customer), form_data(customer, payment_term=term.pk))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.payment_term == term


# Saving ----------------------------------------------------------------------------------------


def test_page_says_the_settings_are_defaults_for_new_projects(editor_client, customer):
    response = editor_client.get(url(customer), HTTP_ACCEPT_LANGUAGE="en")
    assert "Changing them does not touch existing projects" in response.content.decode()


def test_editor_saves_billing_defaults(editor_client, editor, customer, peppol):
    term = PaymentTermFactory(name="20 days", days=20)
    template = InvoiceTemplate.objects.create(name="Standard")
    price_list = PriceList.objects.create(name="Prices 2026", currency=currency("SEK"))
    language = InvoiceLanguage.objects.get_or_create(code="sv", defaults={"name": "Swedish"})[0]
    response = editor_client.post(
        url(customer),
        form_data(
            customer,
            payment_term=term.pk,
            invoice_template=template.pk,
            price_list=price_list.pk,
            currency=currency("EUR").pk,
            invoice_language=language.pk,
            overdue_interest="8.50",
            einvoice_operator=peppol.pk,
            einvoice_address="0007:5560360793",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url(customer)
    customer.refresh_from_db()
    assert customer.payment_term == term
    assert customer.invoice_template == template
    assert customer.price_list == price_list
    assert customer.currency.code == "EUR"
    assert customer.invoice_language == language
    assert customer.overdue_interest == Decimal("8.50")
    assert customer.einvoice_address == "0007:5560360793"
    assert customer.version == 2
    assert customer.updated_by == editor


def test_saving_writes_a_history_record(editor_client, customer):
    term = PaymentTermFactory(name="20 days", days=20)
    editor_client.post(url(customer), form_data(customer, payment_term=term.pk))
    assert customer.history.first().payment_term_id == term.pk


def test_only_active_lookups_are_offered(editor_client, customer):
    PaymentTermFactory(name="30 days")
    PaymentTermFactory(name="Old 60 days", is_active=False)
    response = editor_client.get(url(customer))
    names = [str(t) for t in response.context["settings_form"].fields["payment_term"].queryset]
    assert names == ["30 days"]


def test_current_inactive_value_stays_shown_and_is_kept_on_save(editor_client, customer):
    old = PaymentTermFactory(name="Old 60 days", is_active=False)
    Customer.objects.filter(pk=customer.pk).update(payment_term=old)
    response = editor_client.get(url(customer), HTTP_ACCEPT_LANGUAGE="en")
    assert "Old 60 days (inactive)" in response.content.decode()
    response = editor_client.post(url(customer), form_data(customer, payment_term=old.pk))
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.payment_term == old


def test_inactive_value_cannot_be_newly_chosen(editor_client, customer):
    old = PaymentTermFactory(name="Old 60 days", is_active=False)
    response = editor_client.post(url(customer), form_data(customer, payment_term=old.pk))
    assert response.status_code == 200
    assert response.context["settings_form"].errors["payment_term"]
    customer.refresh_from_db()
    assert customer.payment_term is None


def test_wrong_peppol_address_is_refused(editor_client, customer, peppol):
    response = editor_client.post(
        url(customer),
        form_data(customer, einvoice_operator=peppol.pk, einvoice_address="5560360793"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["settings_form"].errors["einvoice_address"]
    assert "Peppol participant id" in errors[0]
    customer.refresh_from_db()
    assert customer.einvoice_address == ""
    assert customer.version == 1


def test_gln_with_wrong_check_digit_is_refused(editor_client, customer, gln_operator):
    response = editor_client.post(
        url(customer),
        form_data(customer, einvoice_operator=gln_operator.pk, einvoice_address="7350053850018"),
    )
    assert response.status_code == 200
    assert response.context["settings_form"].errors["einvoice_address"]
    customer.refresh_from_db()
    assert customer.einvoice_operator is None


def test_valid_gln_is_saved_without_spaces(editor_client, customer, gln_operator):
    response = editor_client.post(
        url(customer),
        form_data(customer, einvoice_operator=gln_operator.pk, einvoice_address="7350053 850019"),
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.einvoice_address == "7350053850019"


def test_operator_without_address_is_refused(editor_client, customer, peppol):
    response = editor_client.post(url(customer), form_data(customer, einvoice_operator=peppol.pk))
    assert response.status_code == 200
    assert response.context["settings_form"].errors["einvoice_address"]


def test_address_without_operator_is_refused(editor_client, customer):
    response = editor_client.post(url(customer), form_data(customer, einvoice_address="0007:1"))
    assert response.status_code == 200
    assert response.context["settings_form"].errors["einvoice_operator"]


def test_negative_overdue_interest_is_refused(editor_client, customer):
    response = editor_client.post(url(customer), form_data(customer, overdue_interest="-1"))
    assert response.status_code == 200
    assert response.context["settings_form"].errors["overdue_interest"]
    customer.refresh_from_db()
    assert customer.overdue_interest is None


def test_stale_version_is_refused_and_nothing_is_written(editor_client, customer):
    Customer.objects.filter(pk=customer.pk).update(version=5)
    term = PaymentTermFactory(name="20 days")
    response = editor_client.post(url(customer), form_data(customer, payment_term=term.pk))
    assert response.status_code == 200
    assert response.context["settings_form"].non_field_errors()
    customer.refresh_from_db()
    assert customer.payment_term is None


# Query counts ----------------------------------------------------------------------------------


def _queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def _grouping_rows(customer, categories, options_each):
    for c in range(categories):
        category = GroupingCategoryFactory(name=f"Cat {customer.pk}-{c}")
        for o in range(options_each):
            option = GroupingOptionFactory(category=category, name=f"Opt {o}")
            if o % 2 == 0:
                customer.grouping_assignments.create(option=option)


def test_query_count_is_the_same_with_one_and_many_categories_and_options(editor_client):
    maker = UserFactory(username="maker")
    small = CustomerFactory(created_by=maker, updated_by=maker)
    _grouping_rows(small, 1, 1)
    PaymentTermFactory(name="30 days")
    few = _queries(editor_client, url(small))

    big = CustomerFactory(created_by=maker, updated_by=maker)
    _grouping_rows(big, 12, 8)
    for n in range(20):
        PaymentTermFactory(name=f"{n} days")
        InvoiceTemplate.objects.create(name=f"Template {n}")
    many = _queries(editor_client, url(big))
    assert few == many
    assert many <= 20


def test_read_only_page_has_the_same_query_count(client, readonly_user, editor):
    maker = UserFactory(username="maker")
    customer = CustomerFactory(created_by=maker, updated_by=maker)
    _grouping_rows(customer, 3, 3)
    client.force_login(editor)
    as_editor = _queries(client, url(customer))
    client.force_login(readonly_user)
    assert _queries(client, url(customer)) == as_editor


def test_a_refused_value_is_marked_invalid_with_its_error_beside_it(editor_client, customer):
    response = editor_client.post(url(customer), form_data(customer, overdue_interest="-1"))
    html = response.content.decode()
    field = re.search(r'<input[^>]*id="id_settings-overdue_interest"[^>]*>', html).group(0)
    assert "is-invalid" in field
    assert 'aria-describedby="id_settings-overdue_interest_error"' in field
    assert 'id="id_settings-overdue_interest_error" class="invalid-feedback"' in html
    customer.refresh_from_db()
    assert customer.overdue_interest != Decimal("-1")


def _options(html, name):
    select = re.search(rf'<select name="settings-{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)


def test_the_six_lists_offer_what_their_objects_say_in_their_models_order(
    editor_client, customer, peppol
):
    """The options come from one query's rows (selectors.settings.lookup_choice_rows): the
    same texts the fields' label_from_instance gives the objects, in each model's order."""
    from django.utils import translation

    second = PaymentTermFactory(name="A 60 days", order=2)
    first = PaymentTermFactory(name="B 30 days", order=1)
    gone = PaymentTermFactory(name="Old 90 days", order=0, is_active=False)
    PaymentTermFactory(name="Unused old", is_active=False)
    PriceList.objects.create(name="Standard", currency=currency("EUR"))
    PriceList.objects.create(name="Utan valuta")
    InvoiceLanguage.objects.get_or_create(code="xx", defaults={"name": "Testspråk"})
    Customer.objects.filter(pk=customer.pk).update(payment_term=gone, einvoice_operator=peppol)
    html = editor_client.get(url(customer), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _options(html, "payment_term") == [
        ("", "", "Not set"),
        (str(gone.pk), " selected", "Old 90 days (inactive)"),
        (str(first.pk), "", "B 30 days"),
        (str(second.pk), "", "A 60 days"),
    ]
    customer.refresh_from_db()
    with translation.override("en"):
        form = CustomerSettingsForm(instance=customer, prefix="settings")
        for name in ("payment_term", "price_list", "currency", "invoice_language"):
            field = form.fields[name]
            unset = " selected" if getattr(customer, f"{name}_id") is None else ""
            objects = [("", unset, str(field.empty_label))] + [
                (
                    str(o.pk),
                    " selected" if o.pk == getattr(customer, f"{name}_id") else "",
                    field.label_from_instance(o),
                )
                for o in field.queryset
            ]
            assert _options(html, name) == objects, name
    assert ("", "", "Not set") in _options(html, "einvoice_operator")
    assert (
        str(peppol.pk),
        " selected",
        "Peppol network (Peppol participant id (scheme:identifier))",
    ) in _options(html, "einvoice_operator")
    assert ("Standard (EUR)" in html) and ("Utan valuta</option>" in html)


def test_the_six_lists_cost_one_query(editor_client, customer):
    from customers.selectors.settings import lookup_choice_rows

    PaymentTermFactory(name="30 days")
    _queries(editor_client, url(customer))  # warm the session
    with CaptureQueriesContext(connection) as captured:
        rows = lookup_choice_rows(customer)
    assert len(captured) == 1
    assert [name for _pk, _active, name, _second in rows["payment_term"]] == ["30 days"]
