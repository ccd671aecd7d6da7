"""Expected values are figures of the All level: hidden from forms and history below it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.services import project_update
from tests.factories import CustomerFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_edit_level_project_form_has_no_value_field(editor_client):
    customer = CustomerFactory()
    url = reverse("projects:project_create") + f"?customer={customer.pk}"
    form = editor_client.get(url).context["form"]
    assert "expected_value" not in form.fields
    assert "currency" not in form.fields


def test_all_level_project_form_has_the_value_field(all_client):
    customer = CustomerFactory()
    url = reverse("projects:project_create") + f"?customer={customer.pk}"
    assert "expected_value" in all_client.get(url).context["form"].fields


def _project_with_changed_value(user):
    project = ProjectFactory(expected_value=Decimal("1000"))
    project_update(
        project=project, user=user, expected_version=project.version, expected_value=Decimal("2500")
    )
    return project


def test_history_hides_value_changes_below_the_all_level(editor_client, all_user):
    project = _project_with_changed_value(all_user)
    page = editor_client.get(reverse("customers:customer_history", args=[project.customer_id]))
    assert "2500" not in page.content.decode().replace("\xa0", "").replace(" ", "")


def test_history_shows_value_changes_at_the_all_level(all_client, all_user):
    project = _project_with_changed_value(all_user)
    page = all_client.get(reverse("customers:customer_history", args=[project.customer_id]))
    assert "2500" in page.content.decode().replace("\xa0", "").replace(" ", "")
