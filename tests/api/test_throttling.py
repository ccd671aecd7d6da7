"""Request rates per token and per user (settings KUNDKORT_API_THROTTLE_RATES)."""

import pytest
from rest_framework.test import APIClient

from api.tokens import token_create
from customers import roles

pytestmark = pytest.mark.django_db

URL = "/api/v1/industries/"


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_over_its_rate_gets_429_with_retry_after(settings, make_user):
    settings.KUNDKORT_API_THROTTLE_RATES = {"token": "3/minute", "user": "100/minute"}
    user = make_user(roles.READ_ONLY)
    _token, secret = token_create(user=user, name="a")
    _token, other = token_create(user=user, name="b")
    statuses = [bearer(secret).get(URL).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = bearer(secret).get(URL, HTTP_ACCEPT_LANGUAGE="sv")
    assert int(refused["Retry-After"]) > 0
    assert "Förfrågan" in refused.json()["detail"] or "strypt" in refused.json()["detail"].lower()
    # The user's other token has a budget of its own.
    assert bearer(other).get(URL).status_code == 200


def test_all_of_a_users_tokens_share_the_users_rate(settings, make_user):
    settings.KUNDKORT_API_THROTTLE_RATES = {"token": "100/minute", "user": "4/minute"}
    user = make_user(roles.READ_ONLY)
    secrets = [token_create(user=user, name=str(i))[1] for i in range(3)]
    statuses = [bearer(secrets[i % 3]).get(URL).status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # Another user is not affected.
    other = make_user(roles.READ_ONLY, username="annan")
    assert bearer(token_create(user=other, name="x")[1]).get(URL).status_code == 200


def test_the_browser_session_counts_against_the_user(settings, make_user):
    settings.KUNDKORT_API_THROTTLE_RATES = {"token": "100/minute", "user": "2/minute"}
    user = make_user(roles.READ_ONLY)
    client = APIClient()
    client.force_login(user)
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert bearer(token_create(user=user, name="x")[1]).get(URL).status_code == 429
