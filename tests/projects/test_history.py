"""Changes of a customer's projects and activities appear on the card's History tab."""

import pytest
from django.urls import reverse

from activities import services as activity_services
from projects import services
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def entries(client, customer):
    # English, so the model names compare the same once the Swedish translation exists.
    response = client.get(
        reverse("customers:customer_history", args=[customer.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    return [(e.object_type, e.object_label, e.action) for e in response.context["entries"]]


def test_project_creation_and_change_show_on_the_history_tab(reader_client, editor):
    customer = CustomerFactory()
    project = services.project_create(user=editor, customer=customer, name="Molnflytt")
    services.project_close(project=project, user=editor)
    shown = entries(reader_client, customer)
    label = f"{project.number} Molnflytt"
    assert ("Project", label, "+") in shown
    assert ("Project", label, "~") in shown


def test_activity_of_the_customer_shows_on_the_history_tab(reader_client, editor):
    from django.utils import timezone

    customer = CustomerFactory()
    activity_services.activity_create(
        user=editor, subject="Uppstartsmöte", starts_at=timezone.now(), customer=customer
    )
    assert ("Activity", "Uppstartsmöte", "+") in entries(reader_client, customer)
