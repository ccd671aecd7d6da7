"""core.auth_backends: the user and their permissions in one query, the same answers as
Django's ModelBackend, nothing kept across requests."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from core.auth_backends import UserWithPermissionsBackend
from customers import permissions, roles

pytestmark = pytest.mark.django_db


def _permission(codename):
    return Permission.objects.get(codename=codename)


def test_the_user_and_every_permission_come_in_one_query(make_user, django_assert_num_queries):
    user = make_user(roles.EDIT)
    user.user_permissions.add(_permission("view_financials"))
    with django_assert_num_queries(1):
        loaded = UserWithPermissionsBackend().get_user(user.pk)
        assert loaded.has_perm(permissions.CHANGE)
        assert loaded.has_perm(permissions.FINANCIALS)
        assert not loaded.has_perm(permissions.DELETE)
        assert loaded.has_module_perms("customers")
    fresh = type(user).objects.get(pk=user.pk)
    backend = ModelBackend()
    assert backend.get_user_permissions(fresh) == backend.get_user_permissions(loaded)
    assert backend.get_group_permissions(fresh) == backend.get_group_permissions(loaded)
    assert backend.get_all_permissions(fresh) == loaded.get_all_permissions()


def test_a_user_without_permissions_has_none(make_user):
    loaded = UserWithPermissionsBackend().get_user(make_user().pk)
    assert loaded.get_all_permissions() == set()
    assert not loaded.has_perm(permissions.VIEW)


def test_a_permission_taken_away_counts_from_the_next_load(make_user):
    user = make_user(roles.EDIT)
    assert UserWithPermissionsBackend().get_user(user.pk).has_perm(permissions.CHANGE)
    for group in Group.objects.filter(user=user):
        group.permissions.remove(_permission("change_customer"))
    assert not UserWithPermissionsBackend().get_user(user.pk).has_perm(permissions.CHANGE)


def test_inactive_and_missing_users_are_not_loaded(make_user):
    user = make_user(roles.EDIT, is_active=False)
    assert UserWithPermissionsBackend().get_user(user.pk) is None
    assert UserWithPermissionsBackend().get_user(user.pk + 1000) is None


def test_a_superuser_may_do_anything(make_user):
    user = make_user(is_superuser=True)
    assert UserWithPermissionsBackend().get_user(user.pk).has_perm(permissions.DELETE)


def test_a_page_asks_the_database_twice_about_who_asks(editor_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("customers:customer_list")
    editor_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert editor_client.get(url).status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    assert "django_session" in sql[0]
    assert '"auth_user"' in sql[1] and "auth_permission" in sql[1]
    # ModelBackend's own look-ups of the user's and the groups' permissions are not made.
    model_backend = 'SELECT "django_content_type"."app_label", "auth_permission"."codename"'
    assert not [s for s in sql if s.startswith(model_backend)]
