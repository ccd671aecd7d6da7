"""Fixtures for the project and activity tests: the default statuses and types come from the
data migrations (projects 0004, activities 0004)."""

import pytest

from projects.models import SalesStatus


@pytest.fixture
def status_open(db):
    return SalesStatus.objects.get(is_default=True)


@pytest.fixture
def status_won(db):
    return SalesStatus.objects.filter(category=SalesStatus.WON).first()


@pytest.fixture
def status_lost(db):
    return SalesStatus.objects.filter(category=SalesStatus.LOST).first()


@pytest.fixture
def all_client(client, all_user):
    client.force_login(all_user)
    return client
