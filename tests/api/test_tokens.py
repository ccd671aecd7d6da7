"""Personal API tokens: stored hashed, shown once, expiring, revocable, acting as their user."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import APIToken
from api.tokens import hash_token, token_create
from customers import roles
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/v1/customers/"


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_only_the_hash_of_the_secret_is_stored(make_user):
    user = make_user(roles.READ_ONLY)
    token, secret = token_create(user=user, name="Fakturering")
    row = APIToken.objects.get(pk=token.pk)
    assert secret.startswith("kk_") and len(secret) > 40
    assert row.key_hash == hash_token(secret)
    stored = [str(getattr(row, f.attname)) for f in APIToken._meta.concrete_fields]
    assert not any(secret in value for value in stored)
    assert row.prefix == secret[:10]


def test_a_token_authenticates_as_its_user(make_user):
    user = make_user(roles.READ_ONLY)
    CustomerFactory(name="Synlig AB")
    _token, secret = token_create(user=user, name="BI")
    response = bearer(secret).get(CUSTOMERS)
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["Synlig AB"]
    assert APIToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer kk_wrong",
        "Bearer",
        "Bearer a b",
        "Bearer kk_\u00e5\u00e4\u00f6",
        "Bearer " + "x" * 5000,
    ],
)
def test_a_wrong_token_answers_401(make_user, header):
    make_user(roles.READ_ONLY)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get(CUSTOMERS)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_an_expired_token_answers_401(make_user):
    user = make_user(roles.READ_ONLY)
    token, secret = token_create(
        user=user, name="Kort", expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert bearer(secret).get(CUSTOMERS).status_code == 200
    APIToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert bearer(secret).get(CUSTOMERS).status_code == 401


def test_the_token_of_an_inactive_user_answers_401(make_user):
    user = make_user(roles.READ_ONLY)
    _token, secret = token_create(user=user, name="x")
    user.is_active = False
    user.save()
    assert bearer(secret).get(CUSTOMERS).status_code == 401


def test_a_token_without_the_right_to_see_customers_answers_403(make_user):
    user = make_user()
    _token, secret = token_create(user=user, name="x")
    assert bearer(secret).get(CUSTOMERS).status_code == 403


def test_the_page_creates_a_token_and_shows_it_once(client, make_user):
    user = make_user(roles.READ_ONLY)
    client.force_login(user)
    url = reverse("api_tokens:token_list")
    response = client.post(url, {"name": "Webbplatsen", "expires_on": ""})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret in response.content.decode()
    token = APIToken.objects.get(user=user)
    assert token.name == "Webbplatsen" and token.expires_at is None
    assert bearer(secret).get(CUSTOMERS).status_code == 200
    again = client.get(url).content.decode()
    assert secret not in again and token.prefix in again


def test_the_page_sets_the_expiry_at_the_end_of_the_chosen_day(client, make_user):
    user = make_user(roles.READ_ONLY)
    client.force_login(user)
    day = timezone.localdate() + datetime.timedelta(days=30)
    client.post(reverse("api_tokens:token_list"), {"name": "x", "expires_on": day.isoformat()})
    expires = timezone.localtime(APIToken.objects.get().expires_at)
    assert expires.date() == day + datetime.timedelta(days=1) and expires.hour == 0


def test_the_page_refuses_a_past_expiry_and_a_blank_name(client, make_user):
    user = make_user(roles.READ_ONLY)
    client.force_login(user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        reverse("api_tokens:token_list"),
        {"name": "  ", "expires_on": yesterday.isoformat()},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 200
    assert "Utgångsdatumet måste ligga i framtiden." in response.content.decode()
    assert response.context["form"].errors["name"]
    assert not APIToken.objects.exists()


def test_revoking_a_token_stops_it_at_once(client, make_user):
    user = make_user(roles.READ_ONLY)
    token, secret = token_create(user=user, name="Gammal")
    client.force_login(user)
    response = client.post(reverse("api_tokens:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not APIToken.objects.exists()
    assert bearer(secret).get(CUSTOMERS).status_code == 401


def test_a_user_cannot_revoke_another_users_token(client, make_user):
    owner = make_user(roles.READ_ONLY, username="a")
    token, _secret = token_create(user=owner, name="Hans")
    client.force_login(make_user(roles.EDIT, username="b"))
    assert client.post(reverse("api_tokens:token_revoke", args=[token.pk])).status_code == 404
    assert APIToken.objects.filter(pk=token.pk).exists()


def test_an_administrator_creates_a_token_for_a_user_in_the_admin(client, superuser, make_user):
    user = make_user(roles.EDIT, username="integration")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:api_apitoken_add"), {"user": user.pk, "name": "Ekonomisystemet"}
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    token = APIToken.objects.get()
    assert token.user == user and token.key_hash == hash_token(secret)
    assert bearer(secret).get(CUSTOMERS).status_code == 200
    listing = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert token.prefix in listing and secret not in listing


def test_an_administrator_revokes_a_token_in_the_admin(client, superuser, make_user):
    token, secret = token_create(user=make_user(roles.EDIT), name="x")
    client.force_login(superuser)
    response = client.post(reverse("admin:api_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert bearer(secret).get(CUSTOMERS).status_code == 401
