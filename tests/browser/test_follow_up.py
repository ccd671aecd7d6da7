"""Follow-up per customer in Chromium: a sales project with an activity and a note, an
activity without project, the three card views, won and turned into a delivery project."""

import pytest
from django.urls import reverse

from activities.models import Activity
from customers import roles
from projects.models import Project, ProjectNote
from tests.factories import ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_follow_up_a_customer_from_sales_project_to_delivery(page, login, screenshot):
    user = UserFactory(username="allan", roles=[roles.ALL])
    customer = CustomerFactory(name="Uppföljning AB")
    ContactFactory(customer=customer, first_name="Karin", last_name="Berg")
    projects_tab = reverse("projects:customer_projects", args=[customer.pk])
    card = reverse("customers:customer_detail", args=[customer.pk])
    collaboration = reverse("activities_card:customer_collaboration", args=[customer.pk])
    login(user)

    # A new sales project from the Sales & Projects tab.
    page.goto(projects_tab)
    page.get_by_test_id("new-project").click()
    page.fill("input[name=name]", "Ny webbplats")
    page.fill("input[name=expected_value]", "120000")
    page.select_option("select[name=contact]", label="Karin Berg")
    screenshot("follow-up-project-form")
    page.get_by_test_id("save-project").click()
    project = Project.objects.get(customer=customer)
    page.wait_for_url(f"**{reverse('projects:project_detail', args=[project.pk])}")
    assert project.kind == Project.SALES
    assert project.sales_status.name == "Prospekt"

    # A task on the project, from the project page.
    page.get_by_test_id("new-activity").click()
    page.fill("input[name=subject]", "Skicka offert")
    page.select_option("select[name=type]", label="Uppgift")
    page.fill("input[name=starts_at]", "2030-05-02T09:00")
    screenshot("follow-up-activity-form")
    page.get_by_test_id("save-activity").click()
    page.wait_for_url(f"**{reverse('projects:project_detail', args=[project.pk])}")
    task = Activity.objects.get(subject="Skicka offert")
    assert (task.project, task.customer) == (project, customer)

    # A meeting without project, from the Contact details tab.
    page.goto(card)
    page.get_by_test_id("new-activity").click()
    page.fill("input[name=subject]", "Lunchmöte")
    page.fill("input[name=starts_at]", "2030-05-03T12:00")
    page.get_by_test_id("save-activity").click()
    page.wait_for_url(f"**{card}")
    meeting = Activity.objects.get(subject="Lunchmöte")
    assert (meeting.project, meeting.customer) == (None, customer)
    section = page.get_by_test_id("customer-activities")
    assert section.get_by_test_id(f"activity-{task.pk}").is_visible()
    assert section.get_by_test_id(f"activity-{meeting.pk}").is_visible()
    screenshot("follow-up-contact-details-activities")

    # A note from the Collaboration tab, choosing the project.
    page.goto(collaboration)
    page.select_option("#note-project", str(project.pk))
    page.fill("#note-text", "Kunden vill se två förslag på startsida.")
    page.get_by_test_id("post-note").click()
    page.wait_for_url(f"**{collaboration}")
    note = ProjectNote.objects.get(project=project)
    timeline = page.get_by_test_id("timeline")
    assert timeline.get_by_test_id(f"timeline-note-{note.pk}").is_visible()
    assert timeline.get_by_test_id(f"timeline-activity-{task.pk}").is_visible()
    assert timeline.get_by_test_id(f"timeline-activity-{meeting.pk}").count() == 0
    screenshot("follow-up-collaboration")

    # The project on Sales & Projects, with the figures for the All level.
    page.goto(projects_tab)
    assert (
        page.get_by_test_id("open-projects")
        .get_by_test_id(f"project-row-{project.pk}")
        .is_visible()
    )
    assert page.get_by_test_id("project-totals").is_visible()
    screenshot("follow-up-sales-and-projects")

    # Won, then turned into a delivery project.
    page.goto(reverse("projects:project_detail", args=[project.pk]))
    page.select_option("select[name=sales_status]", label="Vunnen")
    page.get_by_test_id("set-status").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("project-status").get_attribute("data-category") == "won"
    assert page.get_by_test_id("project-probability").inner_text().startswith("100")
    screenshot("follow-up-project-won")
    page.get_by_test_id("convert-project").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("project-kind").get_attribute("data-kind") == "delivery"
    project.refresh_from_db()
    assert project.kind == Project.DELIVERY
    assert project.won_date is not None
    screenshot("follow-up-project-delivery")

    # The lists: the project among the delivery projects, the activities among everyone's.
    page.goto(f"{reverse('projects:project_list')}?kind=delivery")
    assert page.get_by_test_id(f"project-row-{project.pk}").is_visible()
    screenshot("follow-up-project-list")
    page.goto(f"{reverse('activities:activity_list')}?scope=all")
    assert page.get_by_test_id(f"activity-row-{task.pk}").is_visible()
    screenshot("follow-up-activity-list")


def test_new_project_from_the_project_list_finds_the_customer_first(page, login, screenshot):
    user = UserFactory(username="erik", roles=[roles.EDIT])
    customer = CustomerFactory(name="Sökbara Byggare AB")
    CustomerFactory(name="Annat Företag AB")
    login(user)
    page.goto(reverse("projects:project_list"))
    page.get_by_test_id("new-project").click()
    page.fill("#chooser-q", "sökbara")
    page.get_by_test_id("chooser-search").click()
    page.wait_for_load_state()
    screenshot("follow-up-customer-chooser")
    assert page.get_by_test_id("chooser-results").locator("a").count() == 1
    page.get_by_test_id(f"choose-customer-{customer.pk}").click()
    page.fill("input[name=name]", "Förstudie")
    page.get_by_test_id("save-project").click()
    page.wait_for_load_state()
    project = Project.objects.get(name="Förstudie")
    assert project.customer == customer
    assert page.url.endswith(reverse("projects:project_detail", args=[project.pk]))
