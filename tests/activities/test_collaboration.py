"""The card's Collaboration tab: notes and project activities of all the customer's projects."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import ProjectNote
from tests.factories import (
    ActivityFactory,
    CustomerFactory,
    ProjectFactory,
    ProjectNoteFactory,
)

pytestmark = pytest.mark.django_db


def url(customer, **params):
    base = reverse("activities_card:customer_collaboration", args=[customer.pk])
    if params:
        base += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return base


def timeline(response):
    return [(item["kind"], item["object"].pk) for item in response.context["items"]]


def days(n):
    return timezone.now() + datetime.timedelta(days=n)


@pytest.fixture
def customer():
    return CustomerFactory()


@pytest.fixture
def project(customer):
    return ProjectFactory(customer=customer)


def test_notes_and_project_activities_of_every_project_show(reader_client, customer, project):
    other_project = ProjectFactory(customer=customer, is_closed=True)
    note = ProjectNoteFactory(project=project)
    activity = ActivityFactory(customer=customer, project=other_project, starts_at=days(-1))
    items = timeline(reader_client.get(url(customer)))
    assert set(items) == {("note", note.pk), ("activity", activity.pk)}


def test_activity_without_a_project_is_not_on_the_timeline(reader_client, customer, project):
    ActivityFactory(customer=customer, project=None)
    assert timeline(reader_client.get(url(customer))) == []


def test_another_customers_notes_and_activities_never_show(reader_client, customer, project):
    foreign = ProjectFactory()
    ProjectNoteFactory(project=foreign, text="Främmande anteckning")
    ActivityFactory(customer=foreign.customer, project=foreign)
    response = reader_client.get(url(customer))
    assert timeline(response) == []
    assert "Främmande anteckning" not in response.content.decode()


def test_timeline_is_newest_first(reader_client, customer, project):
    old_activity = ActivityFactory(customer=customer, project=project, starts_at=days(-10))
    note = ProjectNoteFactory(project=project)  # posted now
    ProjectNote.objects.filter(pk=note.pk).update(created_at=days(-5))
    new_activity = ActivityFactory(customer=customer, project=project, starts_at=days(-1))
    assert timeline(reader_client.get(url(customer))) == [
        ("activity", new_activity.pk),
        ("note", note.pk),
        ("activity", old_activity.pk),
    ]


def test_each_item_links_to_its_project(reader_client, customer, project):
    ProjectNoteFactory(project=project)
    html = reader_client.get(url(customer)).content.decode()
    assert reverse("projects:project_detail", args=[project.pk]) in html


def test_filter_by_project(reader_client, customer, project):
    other = ProjectFactory(customer=customer)
    kept = ProjectNoteFactory(project=project)
    ProjectNoteFactory(project=other)
    ActivityFactory(customer=customer, project=other)
    assert timeline(reader_client.get(url(customer, project=project.pk))) == [("note", kept.pk)]


def test_filter_by_a_project_of_another_customer_shows_everything(reader_client, customer, project):
    note = ProjectNoteFactory(project=project)
    response = reader_client.get(url(customer, project=ProjectFactory().pk))
    assert timeline(response) == [("note", note.pk)]


def test_timeline_is_paginated(reader_client, customer, project, settings):
    for _ in range(settings.KUNDKORT_PAGE_SIZE + 5):
        ProjectNoteFactory(project=project)
    first = reader_client.get(url(customer))
    second = reader_client.get(url(customer, page=2))
    assert len(timeline(first)) == settings.KUNDKORT_PAGE_SIZE
    assert len(timeline(second)) == 5
    assert not set(timeline(first)) & set(timeline(second))


@pytest.mark.parametrize(
    ("asked", "shown", "entries"), [("2", 2, 5), ("99", 2, 5), ("0", 2, 5), ("x", 1, 25)]
)
def test_timeline_page_number_is_picked_as_django_picks_it(
    reader_client, customer, project, settings, asked, shown, entries
):
    """Past the end or below 1: the last page; not a number: the first (``get_page``)."""
    for _ in range(settings.KUNDKORT_PAGE_SIZE + 5):
        ProjectNoteFactory(project=project)
    response = reader_client.get(url(customer, page=asked))
    page = response.context["page_obj"]
    assert (page.number, len(timeline(response))) == (shown, entries)
    assert page.paginator.count == settings.KUNDKORT_PAGE_SIZE + 5


def test_editor_posts_a_note_choosing_the_project(editor_client, editor, customer, project):
    response = editor_client.post(url(customer), {"project": project.pk, "text": "Offert skickad"})
    assert response.status_code == 302
    note = ProjectNote.objects.get()
    assert (note.project, note.author, note.text) == (project, editor, "Offert skickad")


def test_note_on_a_project_of_another_customer_is_refused(editor_client, customer, project):
    response = editor_client.post(url(customer), {"project": ProjectFactory().pk, "text": "Hej"})
    assert response.status_code == 200
    assert response.context["note_form"].errors["project"]
    assert not ProjectNote.objects.exists()


def test_empty_note_is_refused_with_an_error(editor_client, customer, project):
    response = editor_client.post(url(customer), {"project": project.pk, "text": ""})
    assert response.status_code == 200
    assert response.context["note_form"].errors["text"]
    assert not ProjectNote.objects.exists()


def test_read_only_user_cannot_post_a_note(reader_client, customer, project):
    response = reader_client.post(url(customer), {"project": project.pk, "text": "Hej"})
    assert response.status_code == 403
    assert not ProjectNote.objects.exists()


def test_read_only_user_sees_no_note_form(reader_client, customer, project):
    assert 'data-testid="note-form"' not in reader_client.get(url(customer)).content.decode()


def test_anonymous_is_sent_to_login(client, customer):
    response = client.get(url(customer))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_user_without_rights_is_refused(client, no_rights_user, customer):
    client.force_login(no_rights_user)
    assert client.get(url(customer)).status_code == 403


def test_unknown_customer_is_not_found(reader_client):
    assert reader_client.get(url(CustomerFactory.build(pk=999999))).status_code == 404


@pytest.mark.parametrize("count", [1, 100])
def test_query_count_is_fixed(editor_client, customer, count, django_assert_num_queries):
    projects = [ProjectFactory(customer=customer) for _ in range(min(count, 10))]
    for i in range(count):
        # Alternate notes and activities in time so every page holds both kinds.
        note = ProjectNoteFactory(project=projects[i % len(projects)])
        hours_ago = timezone.now() - datetime.timedelta(hours=2 * i)
        ProjectNote.objects.filter(pk=note.pk).update(created_at=hours_ago)
        ActivityFactory(
            customer=customer,
            project=projects[i % len(projects)],
            starts_at=hours_ago - datetime.timedelta(hours=1),
        )
    editor_client.get(url(customer))
    with django_assert_num_queries(QUERIES_COLLABORATION):
        response = editor_client.get(url(customer))
    assert len(response.context["items"]) == min(2 * count, 25)


# session, user with permissions, customer, projects, page of keys with the count, notes,
# activities
QUERIES_COLLABORATION = 7
