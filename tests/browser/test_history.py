"""The History tab as a person reads it: the newest change first, with who, what and where."""

import pytest

from core.history import SOURCE_IMPORT, change_source
from customers import roles
from tests.factories import AddressFactory, CustomerFactory, IndustryFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_history_tab_lists_changes_newest_first(page, login, screenshot):
    editor = UserFactory(username="greta", first_name="Greta", last_name="Berg", roles=[roles.EDIT])
    customer = CustomerFactory(name="Berg & Son AB", industry=IndustryFactory(name="Bygg"))
    with change_source(SOURCE_IMPORT, "kunder.csv"):
        AddressFactory(customer=customer, line1="Storgatan 1", city="Uppsala")
    customer.name = "Berg & Söner AB"
    customer.industry = IndustryFactory(name="Konsult")
    customer._history_user = editor
    customer.save()

    login(editor)
    page.goto(f"/customers/{customer.pk}/")
    page.locator(f"a[href='/customers/{customer.pk}/history/']").click()
    rows = page.get_by_test_id("history-entry")
    assert rows.count() == 3
    newest = rows.nth(0).inner_text()
    assert "Greta Berg" in newest
    assert "Berg & Son AB" in newest and "Berg & Söner AB" in newest
    assert "Bygg" in newest and "Konsult" in newest
    assert "kunder.csv" in rows.nth(1).inner_text()
    screenshot("history-tab")
