"""The card's Sales & Projects tab."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from tests.factories import CustomerFactory, ProjectFactory, currency

pytestmark = pytest.mark.django_db


def url(customer):
    return reverse("projects:customer_projects", args=[customer.pk])


def listed(response, key):
    return [p.pk for p in response.context[key].object_list]


@pytest.fixture
def customer():
    return CustomerFactory()


def test_open_project_is_listed_under_ongoing(reader_client, customer):
    project = ProjectFactory(customer=customer)
    response = reader_client.get(url(customer))
    assert listed(response, "open_projects") == [project.pk]
    assert listed(response, "closed_projects") == []


def test_closed_project_is_listed_under_closed(reader_client, customer):
    project = ProjectFactory(customer=customer, is_closed=True, closed_date=timezone.localdate())
    response = reader_client.get(url(customer))
    assert listed(response, "closed_projects") == [project.pk]
    assert listed(response, "open_projects") == []


def test_delivery_and_sales_projects_both_show(reader_client, customer):
    sales = ProjectFactory(customer=customer, kind=Project.SALES)
    delivery = ProjectFactory(customer=customer, kind=Project.DELIVERY)
    response = reader_client.get(url(customer))
    assert set(listed(response, "open_projects")) == {sales.pk, delivery.pk}


def test_project_of_another_customer_never_shows(reader_client, customer):
    ProjectFactory(name="Främmande projekt")
    response = reader_client.get(url(customer))
    assert listed(response, "open_projects") == []
    assert "Främmande projekt" not in response.content.decode()


def test_figures_are_hidden_below_the_all_level(editor_client, customer, status_open):
    ProjectFactory(customer=customer, sales_status=status_open, expected_value=Decimal("987654"))
    response = editor_client.get(url(customer))
    html = response.content.decode()
    assert 'data-testid="project-totals"' not in html
    assert "987" not in html
    assert response.context["totals"] == []


def test_figures_and_totals_show_at_the_all_level(all_client, customer, status_open, status_won):
    sek = currency("SEK")
    ProjectFactory(
        customer=customer, sales_status=status_open, expected_value=Decimal("1000"), currency=sek
    )
    ProjectFactory(
        customer=customer,
        sales_status=status_open,
        probability=50,
        expected_value=Decimal("2000"),
        currency=sek,
    )
    ProjectFactory(
        customer=customer,
        sales_status=status_won,
        probability=100,
        won_date=timezone.localdate(),
        expected_value=Decimal("5000"),
        currency=sek,
    )
    ProjectFactory(
        customer=customer,
        sales_status=status_won,
        won_date=timezone.localdate() - datetime.timedelta(days=800),
        expected_value=Decimal("7000"),
        currency=sek,
    )
    response = all_client.get(url(customer))
    (totals,) = response.context["totals"]
    weighted = Decimal("1000") * status_open.probability / 100 + Decimal("1000")
    assert totals["currency"] == "SEK"
    assert totals["pipeline"] == Decimal("3000")
    assert totals["weighted"] == weighted
    assert totals["won"] == Decimal("5000")
    assert 'data-testid="project-totals"' in response.content.decode()


def test_closed_project_is_not_in_the_pipeline(all_client, customer, status_open):
    ProjectFactory(
        customer=customer, sales_status=status_open, expected_value=Decimal("1000"), is_closed=True
    )
    response = all_client.get(url(customer))
    assert response.context["totals"] == []


def test_new_project_button_is_preset_to_the_customer_for_editors(editor_client, customer):
    html = editor_client.get(url(customer)).content.decode()
    assert f"{reverse('projects:project_create')}?customer={customer.pk}" in html


def test_new_project_button_is_hidden_from_readers(reader_client, customer):
    html = reader_client.get(url(customer)).content.decode()
    assert 'data-testid="new-project"' not in html


def test_anonymous_is_sent_to_login(client, customer):
    response = client.get(url(customer))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_user_without_rights_is_refused(client, no_rights_user, customer):
    client.force_login(no_rights_user)
    assert client.get(url(customer)).status_code == 403


def test_unknown_customer_is_not_found(reader_client):
    assert (
        reader_client.get(reverse("projects:customer_projects", args=[999999])).status_code == 404
    )


@pytest.mark.parametrize("count", [1, 100])
def test_query_count_is_fixed(
    all_client, customer, status_open, count, django_assert_num_queries, django_user_model
):
    owner = django_user_model.objects.create(username="agare", first_name="Åsa", last_name="Ek")
    for i in range(count):
        for closed in (False, True):
            ProjectFactory(
                customer=customer,
                sales_status=status_open,
                expected_value=Decimal(100 + i),
                currency=currency("SEK"),
                is_closed=closed,
                owner=owner,
            )
    all_client.get(url(customer))  # warm the session and permission caches
    with django_assert_num_queries(QUERIES_PROJECTS_TAB):
        response = all_client.get(url(customer))
    assert response.status_code == 200
    assert "Åsa Ek" in response.content.decode()  # the owner's name, drawn without a query


# session, user with permissions, customer, both lists' counts, 2 x page, totals
QUERIES_PROJECTS_TAB = 7
