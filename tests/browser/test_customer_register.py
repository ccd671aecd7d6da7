"""The customer register as a person uses it: find Customers in the side menu, add a new
customer with its head office, land on the card, read the details, open the description."""

import re

import pytest
from playwright.sync_api import expect

from customers import roles
from customers.models import Customer
from tests.factories import AddressFactory, CustomerFactory, IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor(db):
    return UserFactory(
        username="webbredaktor", first_name="Eva", last_name="Redaktör", roles=[roles.EDIT]
    )


@pytest.fixture
def some_customers(db):
    industry = IndustryFactory(name="Bygg och anläggning")
    for name, city, number in (
        ("Åkerlunds Bygg AB", "Uppsala", 1001),
        ("Norrsken Energi AB", "Luleå", 1002),
        ("Göta Kanal Fastigheter AB", "Göteborg", 1003),
    ):
        customer = CustomerFactory(
            name=name, number=number, industry=industry, organisation_number=""
        )
        AddressFactory(customer=customer, city=city, is_head_office=True)


def english_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1400, "height": 900}
    )
    context.set_default_timeout(10000)
    return context, context.new_page()


def add_customer_through_the_ui(page, screenshot=None, prefix=""):
    page.locator("nav.kk-sidebar a[href='/customers/']").click()
    expect(page).to_have_url(re.compile(r"/customers/$"))
    expect(page.locator("[data-testid=customer-row]").first).to_be_visible()
    if screenshot:
        screenshot(f"{prefix}customer-list")

    page.get_by_test_id("add-customer").click()
    expect(page).to_have_url(re.compile(r"/customers/new/$"))
    page.fill("input[name=name]", "Webbkunden AB")
    page.fill("input[name=organisation_number]", "5560360793")
    page.fill("input[name=vat_number]", "SE556036079301")
    page.fill("input[name=website]", "webbkunden.se")
    expect(page.locator("input[name=address_city]")).to_be_hidden()
    page.get_by_test_id("address-section-toggle").click()
    page.fill("input[name=address_line1]", "Drottninggatan 71")
    page.fill("input[name=address_postal_code]", "111 36")
    page.fill("input[name=address_city]", "Stockholm")
    page.fill("input[name=address_phone]", "08-123 456 78")
    if screenshot:
        screenshot(f"{prefix}customer-form")
    page.get_by_test_id("save-customer").click()


def test_add_customer_with_head_office_and_use_the_card(
    page, login, screenshot, editor, some_customers
):
    login(editor)
    add_customer_through_the_ui(page, screenshot)

    customer = Customer.objects.get(name="Webbkunden AB")
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.locator("#customer-name")).to_contain_text("Webbkunden AB")
    expect(page.get_by_test_id("customer-owner")).to_contain_text("Eva Redaktör")
    head_office = page.get_by_test_id("address").filter(
        has=page.get_by_test_id("head-office-badge")
    )
    expect(head_office).to_contain_text("Drottninggatan 71")
    expect(head_office).to_contain_text("Stockholm")
    details = page.get_by_test_id("customer-details")
    expect(details.get_by_test_id("detail-organisation-number")).to_have_text("556036-0793")
    expect(details.get_by_test_id("detail-vat-number")).to_have_text("SE556036079301")
    expect(details.get_by_test_id("detail-website")).to_have_attribute(
        "href", "https://webbkunden.se"
    )
    screenshot("customer-card")

    # The description: added through its link, with "open by default" on, then edited.
    page.get_by_test_id("add-description").click()
    page.fill("textarea[name=description]", "Ramavtal till årsskiftet.")
    page.check("input[name=show_description]")
    page.get_by_test_id("save-description").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.get_by_test_id("description-text")).to_be_visible()
    expect(page.get_by_test_id("description-text")).to_have_text("Ramavtal till årsskiftet.")
    screenshot("customer-card-description")
    page.get_by_test_id("description-toggle").click()
    expect(page.get_by_test_id("description-text")).to_be_hidden()
    page.get_by_test_id("description-toggle").click()
    page.get_by_test_id("edit-description").click()
    page.uncheck("input[name=show_description]")
    page.get_by_test_id("save-description").click()
    expect(page).to_have_url(re.compile(rf"/customers/{customer.pk}/$"))
    expect(page.get_by_test_id("description-text")).to_be_hidden()
    page.get_by_test_id("description-toggle").click()
    expect(page.get_by_test_id("description-text")).to_be_visible()


def test_edit_customer_details_from_the_panel(page, login, editor, screenshot):
    customer = CustomerFactory(name="Panelen AB", organisation_number="")
    login(editor)
    page.goto(f"/customers/{customer.pk}/")
    page.get_by_test_id("edit-details").click()
    page.fill("input[name=organisation_number]", "556036-0794")
    page.get_by_test_id("save-details").click()
    expect(page.locator("#customer-details-form")).to_contain_text("556036-0794")
    screenshot("customer-details-form-error")
    page.fill("input[name=organisation_number]", "556036-0793")
    page.get_by_test_id("save-details").click()
    expect(page.get_by_test_id("detail-organisation-number")).to_have_text("556036-0793")


def test_duplicate_warning_then_save_anyway(page, login, editor, screenshot):
    CustomerFactory(name="Dubbletten AB")
    login(editor)
    page.goto("/customers/new/")
    page.fill("input[name=name]", "dubbletten ab")
    page.get_by_test_id("save-customer").click()
    warning = page.get_by_test_id("duplicate-warning")
    expect(warning).to_be_visible()
    expect(warning.get_by_role("link", name="Dubbletten AB")).to_be_visible()
    screenshot("customer-form-duplicate")
    assert Customer.objects.filter(name__iexact="dubbletten ab").count() == 1
    page.get_by_test_id("save-anyway").click()
    expect(page.locator("#customer-name")).to_contain_text("dubbletten ab")
    assert Customer.objects.filter(name__iexact="dubbletten ab").count() == 2


def test_the_same_story_in_english(browser, live_server, editor, some_customers):
    context, page = english_page(browser, live_server)
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=username]", editor.username)
        page.fill("input[name=password]", "secret-pass-123")
        page.locator("form button[type=submit]").first.click()
        expect(page.get_by_test_id("add-customer")).to_have_text(re.compile("Add new customer"))
        add_customer_through_the_ui(page)
        expect(page.locator("#customer-name")).to_contain_text("Webbkunden AB")
        expect(page.get_by_test_id("customer-details")).to_contain_text("Customer details")
    finally:
        context.close()


def test_reader_sees_no_add_button(page, login, make_user, some_customers):
    reader = make_user(roles.READ_ONLY, username="webbläsare")
    login(reader)
    page.locator("nav.kk-sidebar a[href='/customers/']").click()
    expect(page.locator("[data-testid=customer-row]")).to_have_count(3)
    expect(page.get_by_test_id("add-customer")).to_have_count(0)
