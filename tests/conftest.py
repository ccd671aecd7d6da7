"""Shared fixtures: users at each permission level and logged-in clients."""

import pytest

from customers import roles
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
