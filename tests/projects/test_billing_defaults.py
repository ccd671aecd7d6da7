"""A new project starts from its customer's billing defaults, keeps them as its own, and shows
and records them."""

import pytest
from django.urls import reverse

from customers.models import EInvoiceOperator, InvoiceLanguage, InvoiceTemplate, PriceList
from projects import services
from projects.models import Project
from tests.factories import (
    AddressFactory,
    CustomerFactory,
    PaymentTermFactory,
    ProjectFactory,
    currency,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("projects:project_create")


@pytest.fixture
def billed_customer():
    """A customer with every billing default set, a default billing address and another."""
    customer = CustomerFactory(
        name="Fakturabolaget AB",
        payment_term=PaymentTermFactory(name="30 dagar netto", days=30),
        invoice_template=InvoiceTemplate.objects.create(name="Standardfaktura"),
        price_list=PriceList.objects.create(name="Prislista 2026"),
        currency=currency("EUR"),
        invoice_language=InvoiceLanguage.objects.get_or_create(
            code="en", defaults={"name": "English"}
        )[0],
        einvoice_operator=EInvoiceOperator.objects.create(name="Pagero"),
        einvoice_address="fakturor@example.com",
    )
    AddressFactory(customer=customer, line1="Besöksvägen 1", is_billing=False)
    AddressFactory(customer=customer, line1="Fakturagatan 2", is_billing=True)
    customer.default_billing = AddressFactory(
        customer=customer, line1="Faktura Box 3", is_billing=True, is_default_billing=True
    )
    return customer


def test_created_project_takes_the_customer_billing_defaults(billed_customer, editor):
    project = services.project_create(user=editor, customer=billed_customer, name="Nytt uppdrag")
    project.refresh_from_db()
    assert project.payment_term_id == billed_customer.payment_term_id
    assert project.invoice_template_id == billed_customer.invoice_template_id
    assert project.price_list_id == billed_customer.price_list_id
    assert project.currency_id == billed_customer.currency_id
    assert project.invoice_language_id == billed_customer.invoice_language_id
    assert project.billing_address_id == billed_customer.default_billing.pk
    assert project.einvoice_address == "fakturor@example.com"
    assert project.einvoice_operator_id == billed_customer.einvoice_operator_id


def test_first_billing_address_is_used_when_none_is_default(editor):
    customer = CustomerFactory()
    AddressFactory(customer=customer, is_billing=False)
    first_billing = AddressFactory(customer=customer, is_billing=True)
    AddressFactory(customer=customer, is_billing=True)
    project = services.project_create(user=editor, customer=customer, name="X")
    assert project.billing_address_id == first_billing.pk


def test_values_given_to_create_win_over_the_defaults(billed_customer, editor):
    other_term = PaymentTermFactory(name="10 dagar", days=10)
    project = services.project_create(
        user=editor,
        customer=billed_customer,
        name="Eget",
        payment_term=other_term,
        einvoice_operator=None,
        einvoice_address="",
        billing_address=None,
    )
    project.refresh_from_db()
    assert project.payment_term_id == other_term.pk
    assert project.einvoice_operator_id is None
    assert project.einvoice_address == ""
    assert project.billing_address_id is None
    # Not given: still the customer's.
    assert project.price_list_id == billed_customer.price_list_id


def test_changing_the_customer_defaults_leaves_existing_projects(billed_customer, editor):
    project = services.project_create(user=editor, customer=billed_customer, name="Befintligt")
    billed_customer.payment_term = PaymentTermFactory(name="60 dagar", days=60)
    billed_customer.einvoice_address = "ny@example.com"
    billed_customer.save()
    project.refresh_from_db()
    assert project.payment_term.name == "30 dagar netto"
    assert project.einvoice_address == "fakturor@example.com"


def test_new_project_form_is_prefilled_from_the_customer(billed_customer, all_client):
    response = all_client.get(CREATE, {"customer": billed_customer.pk})
    form = response.context["form"]
    assert form["payment_term"].value() == billed_customer.payment_term_id
    assert form["invoice_template"].value() == billed_customer.invoice_template_id
    assert form["price_list"].value() == billed_customer.price_list_id
    assert form["currency"].value() == billed_customer.currency_id
    assert form["invoice_language"].value() == billed_customer.invoice_language_id
    assert form["billing_address"].value() == billed_customer.default_billing.pk
    assert form["einvoice_address"].value() == "fakturor@example.com"
    assert form["einvoice_operator"].value() == billed_customer.einvoice_operator_id


def test_billing_address_choices_are_the_customer_billing_addresses(billed_customer, all_client):
    stranger = AddressFactory(is_billing=True)
    response = all_client.get(CREATE, {"customer": billed_customer.pk})
    choices = set(response.context["form"].fields["billing_address"].queryset)
    assert billed_customer.default_billing in choices
    assert stranger not in choices
    assert all(address.is_billing for address in choices)


def test_edited_billing_values_on_the_form_are_saved(billed_customer, all_client):
    other_term = PaymentTermFactory(name="20 dagar", days=20)
    response = all_client.post(
        f"{CREATE}?customer={billed_customer.pk}",
        {
            "customer": billed_customer.pk,
            "name": "Ändrat uppdrag",
            "kind": Project.DELIVERY,
            "payment_term": other_term.pk,
            "invoice_template": billed_customer.invoice_template_id,
            "price_list": "",
            "invoice_language": billed_customer.invoice_language_id,
            "billing_address": billed_customer.default_billing.pk,
            "einvoice_operator": "",
            "einvoice_address": "",
            "currency": billed_customer.currency_id,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(name="Ändrat uppdrag")
    assert project.payment_term_id == other_term.pk
    assert project.price_list_id is None
    assert project.einvoice_address == ""


def test_forged_billing_address_of_another_customer_is_refused(billed_customer, all_client):
    stranger = AddressFactory(is_billing=True)
    response = all_client.post(
        f"{CREATE}?customer={billed_customer.pk}",
        {
            "customer": billed_customer.pk,
            "name": "Förfalskat",
            "kind": Project.DELIVERY,
            "billing_address": stranger.pk,
        },
    )
    assert response.status_code == 200
    assert "billing_address" in response.context["form"].errors
    assert not Project.objects.filter(name="Förfalskat").exists()


def test_service_refuses_a_billing_address_of_another_customer(billed_customer, editor):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.project_create(
            user=editor,
            customer=billed_customer,
            name="Fel adress",
            billing_address=AddressFactory(is_billing=True),
        )
    assert "billing_address" in error.value.message_dict
    assert not Project.objects.filter(name="Fel adress").exists()


def test_project_einvoice_address_is_checked_as_the_customer_one(billed_customer, editor):
    from django.core.exceptions import ValidationError

    gln = EInvoiceOperator.objects.create(
        name="GLN-operatör", address_format=EInvoiceOperator.FORMAT_GLN
    )
    with pytest.raises(ValidationError) as error:
        services.project_create(
            user=editor,
            customer=billed_customer,
            name="GLN",
            einvoice_operator=gln,
            einvoice_address="123",
        )
    assert "einvoice_address" in error.value.message_dict


def test_project_page_shows_the_billing_details(billed_customer, editor, reader_client):
    project = services.project_create(user=editor, customer=billed_customer, name="Visas")
    html = reader_client.get(
        reverse("projects:project_detail", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="sv"
    ).content.decode()
    for text in [
        "30 dagar netto",
        "Standardfaktura",
        "Prislista 2026",
        "EUR",
        "English",
        "Faktura Box 3",
        "fakturor@example.com",
    ]:
        assert text in html


def test_history_records_the_billing_details(billed_customer, editor):
    project = services.project_create(user=editor, customer=billed_customer, name="Historik")
    services.project_update(
        project=project,
        user=editor,
        expected_version=project.version,
        payment_term=PaymentTermFactory(name="45 dagar", days=45),
    )
    first, second = project.history.order_by("history_id")
    assert first.payment_term_id == billed_customer.payment_term_id
    assert first.billing_address_id == billed_customer.default_billing.pk
    assert second.payment_term.name == "45 dagar"


def test_factory_projects_without_billing_still_show(reader_client):
    project = ProjectFactory()
    response = reader_client.get(reverse("projects:project_detail", args=[project.pk]))
    assert response.status_code == 200
    assert 'data-testid="project-payment-term">–' in response.content.decode()
