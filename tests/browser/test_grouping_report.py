"""Customer grouping from end to end, in Chromium: an administrator sets up the category "Region"
in the admin, a user ticks an option on a customer's settings tab, the customer report finds
the customer by that option, and the export downloads."""

import pathlib

import pytest

from customers import roles
from customers.models import Customer, GroupingCategory, GroupingOption
from tests.factories import AddressFactory, ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_region_set_up_in_admin_ticked_on_card_found_in_report_and_exported(
    page, login, screenshot, live_server
):
    admin_user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    editor = UserFactory(username="editor", roles=[roles.EDIT])
    customer = CustomerFactory(name="Norrlands Trä AB", created_by=editor, updated_by=editor)
    AddressFactory(customer=customer, city="Umeå", is_head_office=True)
    ContactFactory(customer=customer, first_name="Karin", last_name="Lund", email_allowed=True)
    CustomerFactory(name="Skånska Bröd AB")

    # The administrator creates the category with its options inline.
    login(admin_user)
    page.goto("/admin/customers/groupingcategory/add/")
    page.fill("input[name=name]", "Region")
    page.select_option("select[name=selection]", GroupingCategory.SINGLE)
    page.fill("input[name='options-0-name']", "Norr")
    page.fill("input[name='options-0-order']", "1")
    page.fill("input[name='options-1-name']", "Söder")
    page.fill("input[name='options-1-order']", "2")
    screenshot("grouping_admin_category")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/customers/groupingcategory/")
    region = GroupingCategory.objects.get(name="Region")
    north = GroupingOption.objects.get(category=region, name="Norr")
    assert region.is_single_choice

    # A user with the edit right ticks "Norr" on the customer's settings tab.
    page.context.clear_cookies()
    login(editor)
    page.goto(f"/customers/{customer.pk}/settings/")
    page.locator(f"#id_grouping_{region.pk}_{north.pk}").check()
    page.get_by_test_id("save-settings").click()
    page.wait_for_load_state()
    assert page.locator(f"#id_grouping_{region.pk}_{north.pk}").is_checked()
    assert list(customer.grouping_options.values_list("name", flat=True)) == ["Norr"]
    screenshot("grouping_settings_tab")

    # The report filtered on "Norr" finds the customer, and only it.
    page.goto("/reports/customers/")
    page.locator(f"input[name=g{region.pk}][value='{north.pk}']").check()
    page.get_by_test_id("report-filter-submit").click()
    page.wait_for_load_state()
    rows = page.locator("#report-table tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-testid") == f"report-row-{customer.pk}"
    assert page.locator("#report-count").get_attribute("data-count") == "1"
    screenshot("grouping_report")

    # The export of the matching customers downloads as CSV for Excel.
    with page.expect_download() as download_info:
        page.get_by_test_id("report-export").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    content = pathlib.Path(download.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "Norrlands Trä AB" in text
    assert "Skånska Bröd AB" not in text

    # The mailing list of the same customers downloads as XLSX.
    page.select_option("#export-kind", "mailing")
    page.select_option("#export-format", "xlsx")
    with page.expect_download() as download_info:
        page.get_by_test_id("report-export").click()
    assert download_info.value.suggested_filename.endswith(".xlsx")
    assert Customer.objects.count() == 2


def test_bulk_add_from_the_report_after_confirmation(page, login, screenshot):
    editor = UserFactory(username="editor", roles=[roles.EDIT])
    region = GroupingCategory.objects.create(name="Region", selection=GroupingCategory.SINGLE)
    north = GroupingOption.objects.create(category=region, name="Norr")
    for name in ["Alfa AB", "Beta AB", "Gamma AB"]:
        CustomerFactory(name=name, created_by=editor, updated_by=editor)
    login(editor)
    page.goto("/reports/customers/")
    page.select_option("#bulk-option", str(north.pk))
    page.locator("#bulk-scope-all").check()
    page.get_by_test_id("bulk-add").click()
    page.wait_for_load_state()
    assert page.locator("#bulk-change-count").get_attribute("data-count") == "3"
    screenshot("grouping_bulk_confirm")
    page.get_by_test_id("bulk-confirm").click()
    page.wait_for_load_state()
    assert north.customers.count() == 3
    screenshot("grouping_report_after_bulk")


def test_reader_sees_settings_read_only_with_a_deactivated_option_kept(page, login, screenshot):
    reader = UserFactory(username="reader", roles=[roles.READ_ONLY])
    customer = CustomerFactory(name="Alfa AB", created_by=reader, updated_by=reader)
    interests = GroupingCategory.objects.create(name="Interests")
    golf = GroupingOption.objects.create(category=interests, name="Golf")
    GroupingOption.objects.create(category=interests, name="Sailing")
    customer.grouping_assignments.create(option=golf)
    golf.is_active = False
    golf.save()
    login(reader)
    page.goto(f"/customers/{customer.pk}/settings/")
    assert page.get_by_test_id("save-settings").count() == 0
    assert page.get_by_test_id(f"held-inactive-{golf.pk}").locator("input").is_checked()
    assert page.locator("select[name='settings-payment_term']").is_disabled()
    screenshot("grouping_settings_tab_read_only")
