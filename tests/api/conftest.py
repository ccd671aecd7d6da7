"""Fixtures of the API tests: users with personal tokens and clients that send them."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from api.tokens import token_create


@pytest.fixture(autouse=True)
def _fresh_throttle_counters(settings):
    """Every test starts with empty request counters (they live in a cache, not the database)."""
    caches[settings.KUNDKORT_API_THROTTLE_CACHE].clear()
    yield
    caches[settings.KUNDKORT_API_THROTTLE_CACHE].clear()


def token_client(user, *, language=None):
    """An API client authenticated by a new personal token of ``user``."""
    _token, secret = token_create(user=user, name="test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    if language:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    client.secret = secret
    return client


@pytest.fixture
def api_client_for(db):
    return token_client
