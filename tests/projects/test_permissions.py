"""Every URL of the projects and activities apps, walked from the URLconf: anonymous users go
to the login page, users without rights get 403, a missing object 404 for those who have them."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.factories import ActivityFactory, ProjectFactory

pytestmark = pytest.mark.django_db

NAMESPACES = {"projects", "activities", "activities_card"}
POST_ONLY = {
    "project_status",
    "project_convert",
    "project_close",
    "project_reopen",
    "project_note_create",
    "activity_mark_done",
}


def app_urls():
    names = []
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in NAMESPACES:
            for pattern in entry.url_patterns:
                names.append((entry.namespace, pattern.name, "pk" in str(pattern.pattern)))
    return names


URLS = app_urls()


def target(name, objects):
    if name.startswith("customer_"):
        return objects["project"].customer_id
    if name.startswith("activity_"):
        return objects["activity"].pk
    return objects["project"].pk


@pytest.fixture
def objects():
    project = ProjectFactory()
    return {"project": project, "activity": ActivityFactory(customer=project.customer)}


def request(client, namespace, name, has_pk, pk):
    url = reverse(f"{namespace}:{name}", args=[pk] if has_pk else [])
    return client.post(url) if name in POST_ONLY else client.get(url)


def test_every_app_url_is_walked():
    assert len(URLS) >= 14


@pytest.mark.parametrize(("namespace", "name", "has_pk"), URLS)
def test_anonymous_is_sent_to_login(client, objects, namespace, name, has_pk):
    response = request(client, namespace, name, has_pk, target(name, objects))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("namespace", "name", "has_pk"), URLS)
def test_user_without_rights_is_refused(client, no_rights_user, objects, namespace, name, has_pk):
    client.force_login(no_rights_user)
    assert request(client, namespace, name, has_pk, target(name, objects)).status_code == 403


@pytest.mark.parametrize(("namespace", "name", "has_pk"), [u for u in URLS if u[2]])
def test_missing_object_is_not_found(client, superuser, namespace, name, has_pk):
    client.force_login(superuser)
    assert request(client, namespace, name, has_pk, 999999).status_code == 404
