"""Two people edit the same customer in two browsers: the second save is refused with what
changed in the meantime, and the reload link brings the newer values into the form."""

import pytest

from customers import roles
from customers.models import Customer
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-123")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_second_save_is_refused_and_reload_shows_the_first(browser, live_server, screenshot, page):
    anna = UserFactory(username="anna", roles=[roles.EDIT])
    bo = UserFactory(username="bo", roles=[roles.EDIT])
    customer = CustomerFactory(name="Gamla Namnet AB", website="")
    url = f"/customers/{customer.pk}/edit/"

    bo_context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    bo_page = bo_context.new_page()
    try:
        _log_in(page, anna)
        _log_in(bo_page, bo)
        page.goto(url)
        bo_page.goto(url)

        page.fill("input[name=name]", "Annas Namn AB")
        page.get_by_test_id("save-details").click()
        page.wait_for_load_state()

        bo_page.fill("input[name=website]", "https://bo.example.com")
        bo_page.get_by_test_id("save-details").click()
        bo_page.wait_for_load_state()
        refusal = bo_page.locator("#customer-details-form").inner_text()
        assert "Gamla Namnet AB → Annas Namn AB" in refusal
        assert bo_page.get_by_test_id("stale-reload").is_visible()
        page_for_shot = bo_page
        page_for_shot.screenshot(
            path="test-artifacts/screenshots/lost-update-refused.png", full_page=True
        )

        bo_page.get_by_test_id("stale-reload").click()
        bo_page.wait_for_load_state()
        assert bo_page.input_value("input[name=name]") == "Annas Namn AB"
        assert bo_page.input_value("input[name=website]") == ""
    finally:
        bo_context.close()
    saved = Customer.objects.get(pk=customer.pk)
    assert (saved.name, saved.website) == ("Annas Namn AB", "")
