"""Project pages: list, detail with notes, create, edit and the status actions."""

from decimal import Decimal

import pytest
from django.urls import reverse

from customers import roles
from projects import querysets as project_querysets
from projects import views as project_views
from projects.models import Project, ProjectNote
from projects.views import ProjectListView
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
    ProjectNoteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("projects:project_list")
CREATE = reverse("projects:project_create")


def listed(response):
    return [p.pk for p in response.context["projects"]]


def detail(project):
    return reverse("projects:project_detail", args=[project.pk])


# --- list -------------------------------------------------------------------------------


def test_list_shows_ongoing_projects_by_default(reader_client):
    ongoing = ProjectFactory()
    ProjectFactory(is_closed=True)
    assert listed(reader_client.get(LIST)) == [ongoing.pk]


def test_list_shows_closed_projects_on_request(reader_client):
    ProjectFactory()
    closed = ProjectFactory(is_closed=True)
    assert listed(reader_client.get(LIST, {"state": "closed"})) == [closed.pk]


def test_list_searches_name_and_customer(reader_client):
    by_name = ProjectFactory(name="Molnflytt")
    by_customer = ProjectFactory(customer=CustomerFactory(name="Molnbolaget AB"))
    ProjectFactory(name="Annat")
    assert set(listed(reader_client.get(LIST, {"q": "moln"}))) == {by_name.pk, by_customer.pk}


def test_list_searches_project_number(reader_client):
    project = ProjectFactory(number=424242)
    ProjectFactory()
    assert listed(reader_client.get(LIST, {"q": "424242"})) == [project.pk]


@pytest.fixture
def searchable():
    """Projects found by their name, number, customer's name or customer's number, and some
    that are not; several created at the same moment, so the id decides their order."""
    moln = CustomerFactory(name="Molnbolaget AB")
    numbered = CustomerFactory(number=777001)
    found = [
        ProjectFactory(name="Molnflytt"),
        ProjectFactory(name="MOLN 2"),
        ProjectFactory(customer=moln),
        ProjectFactory(customer=moln, is_closed=True),
        ProjectFactory(number=777001),
        ProjectFactory(customer=numbered),
    ]
    ProjectFactory(name="Annat")
    ProjectFactory(customer=CustomerFactory(name="Sol AB"))
    Project.objects.filter(pk__in=[p.pk for p in found[:3]]).update(created_at=found[0].created_at)
    return found


@pytest.mark.parametrize(
    ("text", "expected"), [("moln", [0, 1, 2, 3]), ("777001", [4, 5]), ("ingen", [])]
)
@pytest.mark.parametrize("customer_ids", [2_000, 0])
def test_the_search_finds_projects_by_their_own_and_their_customers_name_or_number(
    searchable, monkeypatch, text, expected, customer_ids
):
    # 0: more matching customers than a list of ids holds, so they stay a subquery.
    monkeypatch.setattr(project_querysets, "CUSTOMER_IDS", customer_ids)
    found = Project.objects.search(text).order_by("-created_at", "-id")
    assert {p.pk for p in found} == {searchable[i].pk for i in expected}


@pytest.mark.parametrize(
    ("params", "narrowed"),
    [
        ({"state": "open"}, {"is_closed": False}),
        ({"state": "all"}, {}),
        ({"state": "closed"}, {"is_closed": True}),
        ({"state": "all", "kind": Project.DELIVERY}, {"kind": Project.DELIVERY}),
    ],
)
def test_search_pages_keep_the_other_filters_and_the_list_order(
    reader_client, monkeypatch, searchable, params, narrowed
):
    monkeypatch.setattr(ProjectListView, "paginate_by", 2)
    Project.objects.filter(pk=searchable[1].pk).update(kind=Project.DELIVERY)
    expected = list(
        Project.objects.filter(**narrowed)
        .filter(pk__in=[p.pk for p in searchable[:4]])
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
    )
    assert expected
    shown = []
    for page in (1, 2):
        response = reader_client.get(LIST, {"q": "moln", **params, "page": page})
        if response.status_code == 404:
            break
        shown += listed(response)
    assert shown == expected


def test_search_runs_a_fixed_number_of_queries(all_client, searchable, django_assert_num_queries):
    all_client.get(LIST, {"q": "moln"})
    # session, user with permissions, the matching customers' ids, count, page, status and
    # owner choices
    with django_assert_num_queries(7):
        all_client.get(LIST, {"q": "moln"})


def test_a_search_counts_its_matches_up_to_the_search_cap(reader_client, monkeypatch, searchable):
    monkeypatch.setattr(ProjectListView, "paginate_by", 1)
    monkeypatch.setattr(project_views, "SEARCH_CAP", 2)
    searched = reader_client.get(LIST, {"q": "moln"}).context["paginator"]
    assert searched.is_capped and searched.count == 2
    # Without a search the list's own, larger cap counts them all.
    listed_all = reader_client.get(LIST, {"state": "all"}).context["paginator"]
    assert not listed_all.is_capped and listed_all.count == Project.objects.count()


def test_list_filters_by_kind(reader_client):
    ProjectFactory(kind=Project.SALES)
    delivery = ProjectFactory(kind=Project.DELIVERY)
    assert listed(reader_client.get(LIST, {"kind": "delivery"})) == [delivery.pk]


def test_list_filters_by_status(reader_client, status_open, status_won):
    ProjectFactory(sales_status=status_open)
    won = ProjectFactory(sales_status=status_won)
    assert listed(reader_client.get(LIST, {"sales_status": status_won.pk})) == [won.pk]


def test_list_filters_by_owner(reader_client, editor):
    mine = ProjectFactory(owner=editor)
    ProjectFactory()
    assert listed(reader_client.get(LIST, {"owner": editor.pk})) == [mine.pk]


def test_list_filters_by_customer(reader_client):
    project = ProjectFactory()
    ProjectFactory()
    assert listed(reader_client.get(LIST, {"customer": project.customer_id})) == [project.pk]


def test_list_is_paginated(reader_client, settings):
    for _ in range(settings.KUNDKORT_PAGE_SIZE + 1):
        ProjectFactory()
    assert len(listed(reader_client.get(LIST))) == settings.KUNDKORT_PAGE_SIZE
    assert len(listed(reader_client.get(LIST, {"page": 2}))) == 1


def test_list_hides_values_below_the_all_level(editor_client):
    ProjectFactory(expected_value=Decimal("987654"))
    assert "987" not in editor_client.get(LIST).content.decode()


@pytest.mark.parametrize("count", [1, 100])
def test_list_query_count_is_fixed(
    all_client, editor, status_open, count, django_assert_num_queries
):
    for _ in range(count):
        ProjectFactory(owner=editor, sales_status=status_open, contact=None)
    all_client.get(LIST)
    # session, user with permissions, count, page, status and owner choices
    with django_assert_num_queries(6):
        all_client.get(LIST)


# --- detail and notes -------------------------------------------------------------------


def test_detail_shows_the_projects_activities_and_notes(reader_client):
    project = ProjectFactory()
    activity = ActivityFactory(customer=project.customer, project=project)
    ActivityFactory(customer=project.customer, subject="Utan projekt")
    note = ProjectNoteFactory(project=project)
    response = reader_client.get(detail(project))
    assert [a.pk for a in response.context["activities"]] == [activity.pk]
    assert [n.pk for n in response.context["notes"]] == [note.pk]
    assert "Utan projekt" not in response.content.decode()


def test_editor_posts_a_note_on_the_project_page(editor_client, editor):
    project = ProjectFactory()
    response = editor_client.post(
        reverse("projects:project_note_create", args=[project.pk]), {"text": "Klart"}
    )
    assert response.status_code == 302
    assert ProjectNote.objects.get().author == editor


def test_empty_note_on_the_project_page_shows_an_error(editor_client):
    project = ProjectFactory()
    response = editor_client.post(
        reverse("projects:project_note_create", args=[project.pk]), {"text": ""}
    )
    assert response.status_code == 200
    assert response.context["note_form"].errors["text"]
    assert not ProjectNote.objects.exists()


def test_read_only_user_cannot_post_a_note(reader_client):
    project = ProjectFactory()
    url = reverse("projects:project_note_create", args=[project.pk])
    assert reader_client.post(url, {"text": "Hej"}).status_code == 403


@pytest.mark.parametrize("count", [1, 100])
def test_detail_query_count_is_fixed(all_client, count, django_assert_num_queries):
    project = ProjectFactory(contact=None)
    for _ in range(count):
        ActivityFactory(customer=project.customer, project=project)
        ProjectNoteFactory(project=project)
    all_client.get(detail(project))
    # session, user with permissions, project, activities, notes, statuses of the status form
    with django_assert_num_queries(6):
        all_client.get(detail(project))


# --- create -----------------------------------------------------------------------------


def test_create_without_customer_opens_the_chooser(editor_client):
    customer = CustomerFactory(name="Väljbar AB")
    response = editor_client.get(CREATE, {"q": "väljbar"})
    assert [c.pk for c in response.context["results"]] == [customer.pk]


def test_editor_creates_a_project_for_the_customer(editor_client, editor, status_open):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer)
    response = editor_client.post(
        f"{CREATE}?customer={customer.pk}",
        {
            "customer": customer.pk,
            "name": "Ny webbplats",
            "kind": "sales",
            "contact": contact.pk,
            "owner": editor.pk,
            "sales_status": status_open.pk,
            "expected_value": "50000",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(project)
    assert (project.customer, project.contact, project.created_by) == (customer, contact, editor)


def test_contact_of_another_customer_is_refused_on_the_form(editor_client, editor):
    customer = CustomerFactory()
    response = editor_client.post(
        f"{CREATE}?customer={customer.pk}",
        {"customer": customer.pk, "name": "X", "kind": "sales", "contact": ContactFactory().pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["contact"]
    assert not Project.objects.exists()


def test_forged_customer_in_the_form_is_refused(editor_client):
    customer = CustomerFactory()
    response = editor_client.post(
        f"{CREATE}?customer={customer.pk}",
        {"customer": CustomerFactory().pk, "name": "X", "kind": "sales"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["customer"]
    assert not Project.objects.exists()


def test_unknown_customer_for_a_new_project_is_not_found(editor_client):
    assert editor_client.get(CREATE, {"customer": 999999}).status_code == 404


def test_own_only_editor_cannot_create_for_anothers_customer(client, make_user):
    user = make_user(roles.EDIT, roles.OWN_ONLY, username="olle")
    client.force_login(user)
    customer = CustomerFactory(owner=UserFactory())
    assert client.get(CREATE, {"customer": customer.pk}).status_code == 404


def test_read_only_user_cannot_create_projects(reader_client):
    assert reader_client.get(CREATE, {"customer": CustomerFactory().pk}).status_code == 403


# --- edit -------------------------------------------------------------------------------


def edit_data(project, **changes):
    data = {"customer": project.customer_id, "name": project.name, "version": project.version}
    if project.sales_status_id:
        data["sales_status"] = project.sales_status_id
    data.update(changes)
    return data


def test_editor_edits_a_project(editor_client, editor, status_open):
    project = ProjectFactory(sales_status=status_open)
    url = reverse("projects:project_update", args=[project.pk])
    response = editor_client.post(url, edit_data(project, name="Nytt namn"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.updated_by, project.version) == ("Nytt namn", editor, 2)


def test_stale_edit_shows_an_error_and_keeps_the_newer_version(editor_client, status_open):
    project = ProjectFactory(sales_status=status_open)
    url = reverse("projects:project_update", args=[project.pk])
    stale = edit_data(project, name="Gammal")
    editor_client.post(url, edit_data(project, name="Först"))
    response = editor_client.post(url, stale)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    project.refresh_from_db()
    assert project.name == "Först"


def test_read_only_user_cannot_edit(reader_client):
    project = ProjectFactory()
    assert (
        reader_client.get(reverse("projects:project_update", args=[project.pk])).status_code == 403
    )


def test_own_only_editor_cannot_edit_anothers_customers_project(client, make_user):
    client.force_login(make_user(roles.EDIT, roles.OWN_ONLY, username="olle"))
    project = ProjectFactory(customer=CustomerFactory(owner=UserFactory()))
    assert client.get(reverse("projects:project_update", args=[project.pk])).status_code == 403


def test_unknown_project_is_not_found(editor_client):
    assert editor_client.get(reverse("projects:project_update", args=[999999])).status_code == 404


# --- actions ----------------------------------------------------------------------------


def post_action(client, name, project, **data):
    return client.post(reverse(f"projects:{name}", args=[project.pk]), data)


def test_marking_won_on_the_page_sets_probability(editor_client, status_open, status_won):
    project = ProjectFactory(sales_status=status_open)
    response = post_action(editor_client, "project_status", project, sales_status=status_won.pk)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.sales_status, project.effective_probability) == (status_won, 100)


def test_won_project_is_converted_on_the_page(editor_client, status_won):
    project = ProjectFactory(sales_status=status_won)
    post_action(editor_client, "project_convert", project)
    project.refresh_from_db()
    assert project.kind == Project.DELIVERY


def test_converting_a_project_not_won_shows_an_error(editor_client, status_open):
    project = ProjectFactory(sales_status=status_open)
    response = editor_client.post(
        reverse("projects:project_convert", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    project.refresh_from_db()
    assert project.kind == Project.SALES
    messages = [(m.level_tag, str(m)) for m in response.wsgi_request._messages]
    assert messages and messages[0][0] == "error" and "won" in messages[0][1]


def test_close_and_reopen_on_the_page(editor_client):
    project = ProjectFactory(kind=Project.DELIVERY)
    post_action(editor_client, "project_close", project)
    project.refresh_from_db()
    assert project.is_closed
    post_action(editor_client, "project_reopen", project)
    project.refresh_from_db()
    assert not project.is_closed


@pytest.mark.parametrize(
    "name", ["project_status", "project_convert", "project_close", "project_reopen"]
)
def test_read_only_user_cannot_act_on_projects(reader_client, name):
    project = ProjectFactory()
    assert post_action(reader_client, name, project).status_code == 403


def test_actions_refuse_get(editor_client):
    project = ProjectFactory()
    assert (
        editor_client.get(reverse("projects:project_close", args=[project.pk])).status_code == 405
    )
