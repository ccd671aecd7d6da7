import pytest
from django.urls import reverse

from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_card_shows_customer_name_to_reader(reader_client):
    customer = CustomerFactory(name="Åkerlunds Bygg AB")
    response = reader_client.get(reverse("customers:customer_detail", args=[customer.pk]))
    assert response.status_code == 200
    assert "Åkerlunds Bygg AB" in response.content.decode()


def test_card_is_forbidden_without_customer_rights(client, no_rights_user):
    customer = CustomerFactory()
    client.force_login(no_rights_user)
    response = client.get(reverse("customers:customer_detail", args=[customer.pk]))
    assert response.status_code == 403
