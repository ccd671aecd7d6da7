"""Shared fixtures: users at each permission level and logged-in clients."""

import importlib

import pytest

from customers import roles
from projects.models import SalesStatus
from tests.factories import UserFactory


@pytest.fixture
def make_user(db):
    """``make_user(roles.EDIT, roles.DELETE, username=...)``: a user in those role groups."""

    def _make(*role_names, **fields):
        return UserFactory(roles=list(role_names), **fields)

    return _make


@pytest.fixture
def readonly_user(make_user):
    return make_user(roles.READ_ONLY, username="reader")


@pytest.fixture
def editor(make_user):
    return make_user(roles.EDIT, username="editor")


@pytest.fixture
def all_user(make_user):
    return make_user(roles.ALL, username="allan")


@pytest.fixture
def no_rights_user(make_user):
    return make_user(username="nobody")


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reader_client(client, readonly_user):
    client.force_login(readonly_user)
    return client


# The rows the data migrations write (role groups, currencies, sales statuses, activity types).
_DATA_MIGRATIONS = [
    "customers.migrations.0002_roles_and_defaults",
    "projects.migrations.0002_roles",
    "projects.migrations.0004_default_sales_statuses",
    "activities.migrations.0002_roles",
    "activities.migrations.0004_default_activity_types",
    "privacy.migrations.0002_roles",
]


def restore_reference_data():
    """Run the data migrations again: a transactional test flushes every table afterwards, so
    the next one would otherwise find no role groups, currencies, statuses or types."""
    from django.apps import apps

    for module in _DATA_MIGRATIONS:
        importlib.import_module(module).forwards(apps, None)


@pytest.fixture(autouse=True)
def _reference_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        restore_reference_data()


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
