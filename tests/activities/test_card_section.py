"""The Activities section at the bottom of the Contact details tab."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.selectors import card_activities_context
from tests.factories import ActivityFactory, CustomerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def url(customer):
    return reverse("customers:customer_detail", args=[customer.pk])


def section(response):
    (found,) = [s for s in response.context["card_sections"] if s["key"] == "activities"]
    return found["context"]


def ids(activities):
    return [a.pk for a in activities]


def days(n):
    return timezone.now() + datetime.timedelta(days=n)


@pytest.fixture
def customer():
    return CustomerFactory()


def test_activity_without_a_project_shows(reader_client, customer):
    activity = ActivityFactory(customer=customer, project=None)
    assert ids(section(reader_client.get(url(customer)))["upcoming"]) == [activity.pk]


def test_activity_of_any_project_of_the_customer_shows(reader_client, customer):
    first = ActivityFactory(customer=customer, project=ProjectFactory(customer=customer))
    second = ActivityFactory(customer=customer, project=ProjectFactory(customer=customer))
    assert set(ids(section(reader_client.get(url(customer)))["upcoming"])) == {
        first.pk,
        second.pk,
    }


def test_activity_of_another_customer_never_shows(reader_client, customer):
    other = ActivityFactory(subject="Hos någon annan")
    ActivityFactory(project=ProjectFactory(), customer=other.customer)
    response = reader_client.get(url(customer))
    context = section(response)
    assert context["total"] == 0
    assert "Hos någon annan" not in response.content.decode()


def test_upcoming_overdue_and_done_are_split(reader_client, customer):
    upcoming = ActivityFactory(customer=customer, starts_at=days(2))
    overdue = ActivityFactory(customer=customer, starts_at=days(-2))
    done = ActivityFactory(customer=customer, starts_at=days(-5), is_done=True, done_at=days(-4))
    context = section(reader_client.get(url(customer)))
    assert ids(context["upcoming"]) == [upcoming.pk]
    assert ids(context["overdue"]) == [overdue.pk]
    assert ids(context["done"]) == [done.pk]


def test_upcoming_are_soonest_first(reader_client, customer):
    later = ActivityFactory(customer=customer, starts_at=days(5))
    sooner = ActivityFactory(customer=customer, starts_at=days(1))
    assert ids(section(reader_client.get(url(customer)))["upcoming"]) == [sooner.pk, later.pk]


def test_upcoming_come_before_overdue_on_the_page(reader_client, customer):
    ActivityFactory(customer=customer, subject="Framtida möte", starts_at=days(1))
    ActivityFactory(customer=customer, subject="Försenat samtal", starts_at=days(-1))
    html = reader_client.get(url(customer)).content.decode()
    assert html.index("Framtida möte") < html.index("Försenat samtal")


def test_lists_are_limited_and_link_to_the_full_list(reader_client, customer):
    for i in range(15):
        ActivityFactory(customer=customer, starts_at=days(i + 1))
    context = section(reader_client.get(url(customer)))
    assert len(context["upcoming"]) == 10
    assert context["counts"] == {"upcoming": 15, "overdue": 0, "done": 0}
    assert f"customer={customer.pk}" in context["list_url"]


def test_new_activity_button_is_preset_for_read_only_users(reader_client, customer):
    html = reader_client.get(url(customer)).content.decode()
    assert f"{reverse('activities:activity_create')}?customer={customer.pk}" in html


def test_new_activity_button_is_hidden_without_the_right(client, make_user, customer):
    from django.contrib.auth.models import Permission

    user = make_user(username="viewer-only")
    user.user_permissions.add(
        Permission.objects.get(codename="view_customer"),
        Permission.objects.get(codename="view_activity"),
    )
    client.force_login(user)
    html = client.get(url(customer)).content.decode()
    assert 'data-testid="new-activity"' not in html


@pytest.mark.parametrize("count", [1, 100])
def test_selector_query_count_is_fixed(readonly_user, customer, count, django_assert_num_queries):
    project = ProjectFactory(customer=customer)
    for i in range(count):
        ActivityFactory(
            customer=customer,
            project=project if i % 2 else None,
            starts_at=days(i + 1),
            owner=readonly_user,
        )
        ActivityFactory(customer=customer, starts_at=days(-i - 1))
        ActivityFactory(customer=customer, is_done=True, done_at=days(-i))
    request = RequestFactory().get("/")
    request.user = readonly_user
    readonly_user.has_perm("activities.view_activity")  # load the permission cache
    with django_assert_num_queries(2):
        context = card_activities_context(request, customer)
        # Drawing the rows reads only what the selector loaded (no query per row).
        html = render_to_string(
            "activities/card/_activities_section.html", {"section": context}, request=request
        )
    assert context["total"] == 3 * count
    assert context["counts"] == {"upcoming": count, "overdue": count, "done": count}
    if count > 1:
        assert str(project) in html
        owner_name = readonly_user.get_full_name() or readonly_user.username
        assert f"· {owner_name}" in html


def page_queries(client, customer):
    client.get(url(customer))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(customer)).status_code == 200
    return len(queries)


def test_card_query_count_does_not_grow_with_activities(reader_client):
    few, many = CustomerFactory(), CustomerFactory()
    for customer, count in ((few, 1), (many, 100)):
        project = ProjectFactory(customer=customer)
        for i in range(count):
            ActivityFactory(customer=customer, project=project, starts_at=days(i + 1))
            ActivityFactory(customer=customer, starts_at=days(-i - 1))
            ActivityFactory(customer=customer, is_done=True, done_at=days(-i))
    assert page_queries(reader_client, few) == page_queries(reader_client, many)
