"""Projects and activities through the API: with their customer, narrowed like the pages,
financial figures only for the All level."""

import decimal

import pytest
from django.urls import reverse

from customers import roles
from tests.api.conftest import token_client
from tests.factories import ActivityFactory, CustomerFactory, ProjectFactory, currency

pytestmark = pytest.mark.django_db

FINANCIAL = {"expected_value", "currency", "probability"}


@pytest.fixture
def project(db):
    return ProjectFactory(
        name="Stort bygge",
        customer=CustomerFactory(name="Bygg AB"),
        expected_value=decimal.Decimal("125000.00"),
        currency=currency("SEK"),
        probability=40,
    )


def test_projects_carry_their_customer(editor, project):
    body = token_client(editor).get(reverse("api:project_list")).json()
    assert body["results"][0]["customer"] == {
        "id": project.customer_id,
        "number": project.customer.number,
        "name": "Bygg AB",
    }


def test_financial_figures_only_for_the_all_level(editor, all_user, project):
    url = reverse("api:project_detail", args=[project.pk])
    edit = token_client(editor).get(url).json()
    assert not FINANCIAL & set(edit)
    full = token_client(all_user).get(url).json()
    assert full["expected_value"] == "125000.00" and full["currency"] == "SEK"
    assert full["probability"] == 40
    listed = token_client(editor).get(reverse("api:project_list")).json()["results"][0]
    assert not FINANCIAL & set(listed)


def test_projects_filter_by_customer(editor, project):
    ProjectFactory(name="Annat")
    body = token_client(editor).get(reverse("api:project_list"), {"customer": project.customer_id})
    assert [p["name"] for p in body.json()["results"]] == ["Stort bygge"]
    bad = token_client(editor).get(reverse("api:project_list"), {"customer": "x"})
    assert bad.status_code == 400 and "customer" in bad.json()


def test_activities_carry_customer_and_project(editor, project):
    activity = ActivityFactory(customer=project.customer, project=project, subject="Möte")
    response = token_client(editor).get(reverse("api:activity_detail", args=[activity.pk]))
    body = response.json()
    assert response["ETag"] == f'"{activity.version}"'
    assert body["customer"]["name"] == "Bygg AB" and body["project"]["id"] == project.pk
    listed = token_client(editor).get(reverse("api:activity_list"), {"project": project.pk})
    assert [a["subject"] for a in listed.json()["results"]] == ["Möte"]


def test_a_user_without_project_rights_gets_403(make_user, project):
    client = token_client(make_user(username="ingen"))
    assert client.get(reverse("api:project_list")).status_code == 403
    assert client.get(reverse("api:activity_list")).status_code == 403


def test_read_only_users_read_projects(make_user, project):
    client = token_client(make_user(roles.READ_ONLY))
    assert client.get(reverse("api:project_detail", args=[project.pk])).status_code == 200
