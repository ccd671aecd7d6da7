"""Dates and times typed in Chromium, the Swedish way: ISO dates (2026-12-24) and times with a
full stop (09.30) in Swedish, a colon in English. The fields are text boxes in the field's
format whatever the browser's own language; the calendar button writes a date chosen in the
browser's picker back in that format."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from activities.models import Activity
from customers import roles
from projects.models import Project
from tests.factories import ActivityTypeFactory, CustomerFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def editor():
    return UserFactory(username="kerstin", roles=[roles.ALL])


def english(browser, live_server, user):
    """A page of an English-speaking browser (American English, which writes 12/24/2026)."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.goto(reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-123")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return context, page


def test_a_deadline_typed_in_iso_form_is_saved_and_shown_so(page, login, editor):
    project = ProjectFactory(name="Datumprojektet", customer=CustomerFactory())
    login(editor)
    page.goto(reverse("projects:project_update", args=[project.pk]))
    deadline = page.locator("input[name=deadline]")
    assert deadline.get_attribute("placeholder") == "ÅÅÅÅ-MM-DD"
    deadline.click()
    page.keyboard.type("2026-12-24")
    page.get_by_test_id("save-project").click()
    page.wait_for_url(f"**{reverse('projects:project_detail', args=[project.pk])}")
    project.refresh_from_db()
    assert project.deadline == datetime.date(2026, 12, 24)
    assert "2026-12-24" in page.locator("dl.kk-details").first.inner_text()
    page.get_by_test_id("edit-project").click()
    assert page.locator("input[name=deadline]").input_value() == "2026-12-24"


def test_a_date_in_another_form_is_refused_not_guessed(page, login, editor):
    project = ProjectFactory(customer=CustomerFactory())
    login(editor)
    page.goto(reverse("projects:project_update", args=[project.pk]))
    page.locator("input[name=deadline]").fill("12/01/2026")
    page.get_by_test_id("save-project").click()
    page.wait_for_load_state()
    assert page.locator("input[name=deadline].is-invalid").is_visible()
    project.refresh_from_db()
    assert project.deadline is None


def test_an_activity_time_typed_with_a_full_stop_is_half_past_nine(page, login, editor):
    customer = CustomerFactory()
    ActivityTypeFactory(name="Möte")
    login(editor)
    page.goto(f"{reverse('activities:activity_create')}?customer={customer.pk}")
    page.fill("input[name=subject]", "Morgonmöte")
    starts = page.locator("input[name=starts_at]")
    starts.click()
    page.keyboard.type("2026-12-24 09.30")
    page.get_by_test_id("save-activity").click()
    page.wait_for_load_state()
    activity = Activity.objects.get(subject="Morgonmöte")
    assert activity.starts_at == datetime.datetime(2026, 12, 24, 9, 30, tzinfo=STOCKHOLM)
    page.goto(f"{reverse('activities:activity_list')}?scope=all&when=all")
    assert "2026-12-24 09.30" in page.get_by_test_id("activity-table").inner_text()
    page.goto(reverse("activities:activity_update", args=[activity.pk]))
    assert page.locator("input[name=starts_at]").input_value() == "2026-12-24 09.30"


def test_the_calendar_button_writes_the_chosen_date_in_the_fields_format(page, login, editor):
    customer = CustomerFactory()
    login(editor)
    page.goto(f"{reverse('activities:activity_create')}?customer={customer.pk}")
    button = page.get_by_role("button", name="Välj i kalendern").first
    assert button.is_visible()
    button.click()  # opens the browser's picker; headless Chromium draws none
    # What the picker hands back when a day and time are chosen in it:
    page.locator("input[name=starts_at] ~ .kk-date-native").evaluate(
        "(el) => { el.value = '2026-12-24T09:30'; el.dispatchEvent(new Event('change')); }"
    )
    assert page.locator("input[name=starts_at]").input_value() == "2026-12-24 09.30"
    # The report's filter has the same button; its date comes back as an ISO date.
    page.goto(reverse("reports:customer_report"))
    page.locator("#id_created_from ~ .kk-date-native").evaluate(
        "(el) => { el.value = '2026-01-31'; el.dispatchEvent(new Event('change')); }"
    )
    assert page.locator("#id_created_from").input_value() == "2026-01-31"


def test_an_english_browser_shows_iso_dates_and_times_with_a_colon(browser, live_server, editor):
    project = ProjectFactory(customer=CustomerFactory(), deadline=datetime.date(2026, 12, 24))
    activity = Activity.objects.create(
        subject="Breakfast",
        type=ActivityTypeFactory(),
        customer=project.customer,
        owner=editor,
        starts_at=datetime.datetime(2026, 12, 24, 9, 30, tzinfo=STOCKHOLM),
    )
    context, page = english(browser, live_server, editor)
    try:
        page.goto(reverse("projects:project_update", args=[project.pk]))
        assert page.locator("input[name=deadline]").input_value() == "2026-12-24"
        assert page.locator("input[name=deadline]").get_attribute("placeholder") == "YYYY-MM-DD"
        page.goto(reverse("activities:activity_update", args=[activity.pk]))
        starts = page.locator("input[name=starts_at]")
        assert starts.input_value() == "2026-12-24 09:30"
        starts.fill("")
        starts.click()
        page.keyboard.type("2026-12-24 14:45")
        page.get_by_test_id("save-activity").click()
        page.wait_for_load_state()
        activity.refresh_from_db()
        assert activity.starts_at == datetime.datetime(2026, 12, 24, 14, 45, tzinfo=STOCKHOLM)
        assert Project.objects.get(pk=project.pk).deadline == datetime.date(2026, 12, 24)
    finally:
        context.close()
