"""The customer import in Chromium: upload a Swedish Excel file, watch the review job, confirm,
find the customers, see the import in the history and undo it.

The jobs run when the test says so (``run_jobs``, the worker's own code on the test database),
so the page is seen waiting in the queue first and then updating by itself (htmx polling)."""

import pytest
from django.urls import reverse

from customers.background.progress import Reporter
from customers.models import Customer, GroupingOption
from tests.customers.import_helpers import csv_bytes, sv_file
from tests.factories import UserFactory
from tests.job_helpers import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def test_administrator_imports_a_windows_1252_file_and_finds_the_customers_on_their_cards(
    page, login, screenshot
):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    login(admin)

    page.goto(reverse("admin:customers_customer_changelist"))
    page.locator("a.import_link").click()
    page.set_input_files(
        "input[name=import_file]",
        {"name": "kunder.csv", "mimeType": "text/csv", "buffer": sv_file()},
    )
    page.select_option("select[name=format]", "0")
    page.check("input[name=create_missing]")
    page.get_by_test_id("review-import").click()

    # The review is a job: the page shows it queued, then the review appears without a click.
    progress = page.get_by_test_id("import-progress")
    progress.wait_for()
    assert "kö" in page.get_by_test_id("progress-text").inner_text()
    screenshot("import-queued")
    run_jobs()
    summary = page.get_by_test_id("import-summary")
    summary.wait_for()
    assert page.get_by_test_id("count-new").inner_text() == "2"
    assert page.get_by_test_id("count-addresses").inner_text() == "3"
    assert page.get_by_test_id("count-contacts").inner_text() == "2"
    assert page.get_by_test_id("count-errors").inner_text() == "0"
    rows = page.get_by_test_id("import-rows")
    assert "Åkerlunds Bygg AB" in rows.inner_text()
    assert "Västerås" in rows.inner_text()
    assert "Café Söder HB" in rows.inner_text()
    screenshot("import-review")
    assert not Customer.objects.exists()

    page.get_by_test_id("confirm-import").click()
    page.get_by_test_id("import-progress").wait_for()
    run_jobs()
    page.get_by_test_id("run-done").wait_for()
    assert page.get_by_test_id("count-new").inner_text() == "2"
    page.goto(reverse("admin:customers_customer_changelist"))
    assert "Åkerlunds Bygg AB" in page.locator("#result_list").inner_text()

    akerlund = Customer.objects.get(name="Åkerlunds Bygg AB")
    page.goto(reverse("customers:customer_detail", args=[akerlund.pk]))
    addresses = page.get_by_test_id("addresses-section")
    assert "Storgatan 1" in addresses.inner_text()
    assert "Industrivägen 5" in addresses.inner_text()
    head_office = page.locator(
        "[data-testid=address]", has=page.get_by_test_id("head-office-badge")
    )
    assert "Storgatan 1" in head_office.inner_text()
    contacts = page.get_by_test_id("contacts-section")
    assert "Örjan" in contacts.inner_text() and "Lindström" in contacts.inner_text()
    assert "Märta" in contacts.inner_text()
    screenshot("import-card")

    page.goto(reverse("customers:customer_settings", args=[akerlund.pk]))
    for name in ("Stockholm", "Medel"):
        option = GroupingOption.objects.get(name=name)
        assert page.locator(f"#customer-grouping input[value='{option.pk}']").is_checked()


def test_review_lists_errors_by_row_and_column_and_offers_no_confirm(page, login, screenshot):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    login(admin)
    page.goto(reverse("admin:customers_customer_import"))
    page.set_input_files(
        "input[name=import_file]",
        {"name": "kunder.csv", "mimeType": "text/csv", "buffer": sv_file()},
    )
    page.select_option("select[name=format]", "0")
    page.get_by_test_id("review-import").click()  # "Create missing values" left off
    page.get_by_test_id("import-progress").wait_for()
    run_jobs()

    errors = page.get_by_test_id("import-errors")
    errors.wait_for()
    text = errors.inner_text()
    assert "Bransch" in text and "Bygg" in text
    assert "Kundgrupperingar" in text
    assert page.get_by_test_id("confirm-import").count() == 0
    screenshot("import-review-errors")
    assert not Customer.objects.exists()


def test_administrator_watches_the_progress_bar_move_then_confirms_and_undoes(
    page, login, screenshot, monkeypatch, settings
):
    """The review job runs in this test's thread; each time it writes its progress, the test
    waits until the page, polling on its own, shows those figures, and notes the bar. A mark
    left on the page's window object shows the page was never reloaded meanwhile."""
    rows = 50
    monkeypatch.setattr("customers.importing.planner.PROGRESS_ROWS", 10)
    settings.KUNDKORT_JOB_PROGRESS_SECONDS = 0
    bar_values = []
    original = Reporter.__call__

    def report_and_watch(self, phase, done, total):
        original(self, phase, done, total)
        if phase == "checking" and 0 < done < total:
            box = page.locator(f'[data-testid=import-progress][data-done="{done}"]')
            box.wait_for()
            bar_values.append(page.get_by_test_id("progress-bar").get_attribute("value"))
            checked = page.get_by_test_id("rows-checked").inner_text()
            assert (
                str(done) in checked
                and str(total) in page.get_by_test_id("rows-total").inner_text()
            )

    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    login(admin)
    page.goto(reverse("admin:customers_customer_import"))
    content = csv_bytes(
        ["Customer name", "Address line 1", "Postal code", "City"],
        [[f"Kund {n} AB", f"Gatan {n}", "111 22", "Umeå"] for n in range(rows)],
    )
    page.set_input_files(
        "input[name=import_file]",
        {"name": "kunder.csv", "mimeType": "text/csv", "buffer": content},
    )
    page.select_option("select[name=format]", "0")
    page.check("input[name=create_missing]")
    page.get_by_test_id("review-import").click()
    page.get_by_test_id("import-progress").wait_for()
    page.evaluate("window.kkNotReloaded = true")
    monkeypatch.setattr(Reporter, "__call__", report_and_watch)
    run_jobs()
    monkeypatch.setattr(Reporter, "__call__", original)
    assert bar_values == ["20", "40", "60", "80"]  # the bar moved four times
    assert page.evaluate("window.kkNotReloaded === true")  # htmx swapped the box in place
    screenshot("import-progress-moving")

    page.get_by_test_id("confirm-import").click()
    page.get_by_test_id("import-progress").wait_for()
    run_jobs()
    page.get_by_test_id("run-done").wait_for()
    assert Customer.objects.count() == rows

    page.goto(reverse("admin:customers_customer_import_history"))
    row = page.get_by_test_id("history-row").first
    assert "kunder.csv" in row.inner_text()
    assert row.get_attribute("data-status") == "done"
    screenshot("import-history")
    row.get_by_role("link", name="kunder.csv").click()

    page.get_by_test_id("undo-import").click()
    page.get_by_test_id("import-progress").wait_for()
    run_jobs()
    page.get_by_test_id("run-undone").wait_for()
    assert not Customer.objects.exists()
    page.goto(reverse("admin:customers_customer_import_history"))
    assert page.get_by_test_id("history-row").first.get_attribute("data-status") == "undone"
