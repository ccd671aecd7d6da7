"""Admin pages of sales statuses, projects, notes, activity types and activities."""

import pytest
from django.urls import reverse

from tests.factories import ActivityFactory, ProjectFactory, ProjectNoteFactory

pytestmark = pytest.mark.django_db

MODELS = [
    ("projects", "salesstatus"),
    ("projects", "project"),
    ("projects", "projectnote"),
    ("activities", "activitytype"),
    ("activities", "activity"),
]


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_and_add_pages_open(admin_client_, app, model):
    ProjectNoteFactory()
    ActivityFactory()
    assert admin_client_.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert admin_client_.get(reverse(f"admin:{app}_{model}_add")).status_code == 200


def test_project_change_page_opens(admin_client_):
    project = ProjectFactory()
    ProjectNoteFactory(project=project)
    url = reverse("admin:projects_project_change", args=[project.pk])
    assert admin_client_.get(url).status_code == 200


def test_sales_status_in_use_cannot_be_deleted(admin_client_, status_open):
    ProjectFactory(sales_status=status_open)
    url = reverse("admin:projects_salesstatus_delete", args=[status_open.pk])
    assert admin_client_.get(url).status_code == 403


def test_activity_type_in_use_cannot_be_deleted(admin_client_):
    activity = ActivityFactory()
    url = reverse("admin:activities_activitytype_delete", args=[activity.type_id])
    assert admin_client_.get(url).status_code == 403


def test_unused_sales_status_can_be_deleted(admin_client_, status_lost):
    url = reverse("admin:projects_salesstatus_delete", args=[status_lost.pk])
    assert admin_client_.get(url).status_code == 200


def test_admin_refuses_a_participant_contact_of_another_customer(superuser):
    from activities.admin import ActivityAdminForm
    from tests.factories import ActivityTypeFactory, ContactFactory, CustomerFactory

    customer = CustomerFactory()
    form = ActivityAdminForm(
        data={
            "subject": "Möte",
            "type": ActivityTypeFactory().pk,
            "starts_at": "2030-01-01 10:00",
            "customer": customer.pk,
            "participant_contacts": [ContactFactory().pk],
        }
    )
    assert not form.is_valid()
    assert "participant_contacts" in form.errors


def test_project_customer_cannot_change_once_it_has_activities():
    from django.core.exceptions import ValidationError

    from tests.factories import CustomerFactory

    project = ProjectFactory()
    ActivityFactory(customer=project.customer, project=project)
    project.customer = CustomerFactory()
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "customer" in error.value.error_dict


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_probability_over_100_is_refused_with_its_message(language):
    """The constraint's message has a per cent sign, which Django formats with the constraint's
    name: a bare one was an incomplete format (a server error in the admin)."""
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from projects.models import SalesStatus

    status = SalesStatus(name="Över", probability=188)
    with translation.override(language), pytest.raises(ValidationError) as refused:
        status.full_clean()
    expected = "Sannolikheten kan inte vara över 100 %." if language == "sv" else "over 100 %."
    assert any(expected in message for message in refused.value.messages)
