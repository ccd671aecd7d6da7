"""The Contact details tab in Chromium: addresses, head office "Change", contacts."""

import pytest
from django.urls import reverse

from customers import roles
from customers.models import Address, Contact
from customers.services.addresses import address_create
from customers.services.contacts import contact_create, contact_deactivate
from tests.factories import ContactRoleFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def card_url(customer):
    return reverse("customers:customer_detail", args=[customer.pk])


def test_second_billing_address_becomes_head_office_and_gets_a_contact(page, login, screenshot):
    editor = UserFactory(username="editor", roles=[roles.EDIT])
    role = ContactRoleFactory(name="Fakturamottagare")
    customer = CustomerFactory(name="Exempel AB")
    first = address_create(
        customer=customer, user=editor, line1="Storgatan 1", postal_code="111 22", city="Stockholm"
    )
    login(editor)
    page.goto(card_url(customer))

    # Add a second address flagged billing.
    page.get_by_test_id("address-new").click()
    page.fill("input[name=line1]", "Fakturavägen 7")
    page.fill("input[name=postal_code]", "753 20")
    page.fill("input[name=city]", "Uppsala")
    page.fill("input[name=phone]", "018-12 34 56")
    page.check("input[name=is_billing]")
    screenshot("contact-details-new-address-form")
    page.get_by_test_id("address-save").click()
    page.wait_for_url(f"**{card_url(customer)}*")
    second = Address.objects.get(customer=customer, line1="Fakturavägen 7")
    new_item = page.locator(f"#address-{second.pk}")
    assert new_item.get_by_test_id("default-billing-badge").count() == 1
    assert page.locator(f"#address-{first.pk}").get_by_test_id("head-office-badge").count() == 1

    # Make it the head office with "Change".
    page.get_by_test_id("head-office-change").click()
    page.check(f"input[name=address][value='{second.pk}']")
    screenshot("contact-details-change-head-office")
    page.get_by_test_id("head-office-save").click()
    page.wait_for_url(f"**{card_url(customer)}*")
    assert new_item.get_by_test_id("head-office-badge").is_visible()
    assert page.locator(f"#address-{first.pk}").get_by_test_id("head-office-badge").count() == 0
    # The head office is listed first.
    assert page.get_by_test_id("address").first.get_attribute("data-address-id") == str(second.pk)

    # Add a contact at that address; the head office (now the new address) is preselected.
    page.get_by_test_id("contact-new").click()
    assert page.locator("select[name=address]").input_value() == str(second.pk)
    page.fill("input[name=first_name]", "Karin")
    page.fill("input[name=last_name]", "Ek")
    page.select_option("select[name=address]", str(second.pk))
    page.select_option("select[name=role]", str(role.pk))
    page.fill("input[name=email]", "karin.ek@Exempel.SE")
    page.fill("input[name=mobile]", "070-123 45 67")
    screenshot("contact-details-new-contact-form")
    page.get_by_test_id("contact-save").click()
    page.wait_for_url(f"**{card_url(customer)}*")

    contact = Contact.objects.get(customer=customer)
    row = page.locator(f"#contact-{contact.pk}")
    assert "Ek, Karin" in row.inner_text()
    assert "Fakturamottagare" in row.inner_text()
    assert "+46 70 123 45 67" in row.inner_text()
    assert "Uppsala" in row.inner_text()
    assert contact.address_id == second.pk and contact.email == "karin.ek@exempel.se"
    assert page.locator(".alert-success").count() == 1
    screenshot("contact-details-after-story")


def test_tab_with_several_addresses_and_contacts(page, login, screenshot):
    editor = UserFactory(username="editor", roles=[roles.EDIT])
    roles_ = [ContactRoleFactory(name=n) for n in ["Beslutsfattare", "Fakturamottagare", "IT"]]
    customer = CustomerFactory(name="Nordisk Konsult AB", organisation_number="556036-0793")
    places = [
        ("Drottninggatan 12", "111 51", "Stockholm", "SE", "08-123 456 78", {"is_postal": True}),
        ("Kungsportsavenyen 3", "411 36", "Göteborg", "SE", "", {"is_visiting": True}),
        (
            "Box 1234",
            "753 20",
            "Uppsala",
            "SE",
            "",
            {"is_billing": True, "is_postal": True},
        ),
        ("Mannerheimintie 5", "00100", "Helsinki", "FI", "09 1234567", {"is_visiting": True}),
        ("Industrivägen 40", "721 30", "Västerås", "SE", "", {"is_billing": True}),
    ]
    addresses = [
        address_create(
            customer=customer,
            user=editor,
            line1=line1,
            postal_code=pc,
            city=city,
            country=country,
            phone=phone,
            **flags,
        )
        for line1, pc, city, country, phone, flags in places
    ]
    people = [
        ("Anna", "Lindqvist", "VD", 0, "anna.lindqvist@nordisk.se", "0701234567"),
        ("Bo", "Ek", "Ekonomichef", 1, "bo.ek@nordisk.se", ""),
        ("Cecilia", "Åberg", "IT-ansvarig", 2, "", "0739876543"),
        ("David", "Virtanen", "Country manager", 2, "david.virtanen@nordisk.fi", "040 1234567"),
        ("Eva", "Holm", "", 0, "eva@nordisk.se", ""),
        ("Fredrik", "Sjöberg", "Inköpare med en mycket lång titel", 1, "f.s@nordisk.se", ""),
    ]
    for i, (first, last, title, role_i, email, mobile) in enumerate(people):
        contact = contact_create(
            customer=customer,
            user=editor,
            first_name=first,
            last_name=last,
            title=title,
            role=roles_[role_i],
            email=email,
            mobile=mobile,
            address=addresses[i % 4 if i != 3 else 3],
            email_allowed=i % 2 == 0,
        )
        if last == "Holm":
            contact_deactivate(contact=contact, user=editor)
    login(editor)
    page.goto(card_url(customer))
    assert page.get_by_test_id("address").count() == 5
    assert page.get_by_test_id("contact").count() == 5
    screenshot("contact-details-several")
    page.get_by_test_id("contacts-show-inactive").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("contact").count() == 6
    assert page.locator("[data-testid=contact].kk-inactive").count() == 1
    screenshot("contact-details-show-inactive")
    page.set_viewport_size({"width": 800, "height": 900})
    screenshot("contact-details-narrow")
    page.goto(reverse("customers:address_delete", args=[customer.pk, addresses[0].pk]))
    screenshot("contact-details-delete-head-office")


def test_read_only_user_sees_no_edit_controls(page, login, screenshot):
    reader = UserFactory(username="reader", roles=[roles.READ_ONLY])
    customer = CustomerFactory(name="Läsbar AB")
    address_create(
        customer=customer, user=reader, line1="Storgatan 1", city="Lund", postal_code="111 22"
    )
    address_create(
        customer=customer, user=reader, line1="Lillgatan 2", city="Malmö", postal_code="111 22"
    )
    contact_create(customer=customer, user=reader, first_name="Lars", last_name="Nilsson")
    login(reader)
    page.goto(card_url(customer))
    assert page.get_by_test_id("address").count() == 2
    assert page.get_by_test_id("contact").count() == 1
    for testid in [
        "address-new",
        "address-edit",
        "address-delete",
        "head-office-change",
        "contact-new",
        "contact-edit",
        "contact-deactivate",
        "contact-delete",
    ]:
        assert page.get_by_test_id(testid).count() == 0, testid
    assert page.locator(f"a[href*='/customers/{customer.pk}/addresses/']").count() == 0
    assert page.locator(f"a[href*='/customers/{customer.pk}/contacts/']").count() == 0
    screenshot("contact-details-read-only")
