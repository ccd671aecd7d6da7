"""Activity pages: list with its filters, create (also by read-only users), edit, mark done."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from activities.models import Activity
from tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("activities:activity_list")
CREATE = reverse("activities:activity_create")


def listed(response):
    return [a.pk for a in response.context["activities"]]


def days(n):
    return timezone.now() + datetime.timedelta(days=n)


def form_data(**changes):
    data = {
        "subject": "Uppföljning",
        "type": ActivityTypeFactory(name="Samtal test").pk,
        "starts_at": days(3).strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(changes)
    return data


# --- list -------------------------------------------------------------------------------


def test_list_shows_my_upcoming_activities_by_default(reader_client, readonly_user):
    mine = ActivityFactory(owner=readonly_user)
    ActivityFactory()  # someone else's
    ActivityFactory(owner=readonly_user, starts_at=days(-1))  # overdue
    assert listed(reader_client.get(LIST)) == [mine.pk]


def test_mine_includes_activities_i_take_part_in(reader_client, readonly_user):
    activity = ActivityFactory()
    activity.participant_users.add(readonly_user)
    assert listed(reader_client.get(LIST)) == [activity.pk]


def test_list_shows_everyones_on_request(reader_client):
    activity = ActivityFactory()
    assert listed(reader_client.get(LIST, {"scope": "all"})) == [activity.pk]


def test_list_shows_overdue(reader_client):
    ActivityFactory()
    overdue = ActivityFactory(starts_at=days(-1))
    assert listed(reader_client.get(LIST, {"scope": "all", "when": "overdue"})) == [overdue.pk]


def test_list_shows_done(reader_client):
    ActivityFactory()
    done = ActivityFactory(is_done=True, done_at=days(0))
    assert listed(reader_client.get(LIST, {"scope": "all", "when": "done"})) == [done.pk]


def test_an_empty_when_lists_everything_newest_first_in_a_stable_order(reader_client):
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    older, newer = ActivityFactory(starts_at=days(1)), ActivityFactory(starts_at=days(2))
    with warnings.catch_warnings():
        # An unordered page would warn (and page unstably).
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = reader_client.get(LIST, {"scope": "all", "when": ""})
    assert listed(response) == [newer.pk, older.pk]


def test_list_filters_by_type(reader_client):
    call = ActivityFactory(type=ActivityTypeFactory(name="Call x"))
    ActivityFactory()
    response = reader_client.get(LIST, {"scope": "all", "type": call.type_id})
    assert listed(response) == [call.pk]


def test_list_filters_by_customer(reader_client):
    activity = ActivityFactory()
    ActivityFactory()
    response = reader_client.get(LIST, {"scope": "all", "customer": activity.customer_id})
    assert listed(response) == [activity.pk]


def test_list_is_paginated(reader_client, settings):
    for i in range(settings.KUNDKORT_PAGE_SIZE + 2):
        ActivityFactory(starts_at=days(i + 1))
    response = reader_client.get(LIST, {"scope": "all", "page": 2})
    assert len(listed(response)) == 2


def test_user_without_customer_rights_sees_only_activities_without_customer(client, make_user):
    from django.contrib.auth.models import Permission

    user = make_user(username="calendar-only")
    user.user_permissions.add(Permission.objects.get(codename="view_activity"))
    client.force_login(user)
    own = ActivityFactory(customer=None)
    ActivityFactory()
    assert listed(client.get(LIST, {"scope": "all"})) == [own.pk]


@pytest.mark.parametrize("count", [1, 100])
def test_list_query_count_is_fixed(reader_client, count, django_assert_num_queries, make_user):
    project = ProjectFactory()
    owner = make_user(username="agare", first_name="Åsa", last_name="Ek")
    for i in range(count):
        ActivityFactory(
            customer=project.customer, project=project, starts_at=days(i + 1), owner=owner
        )
    reader_client.get(LIST, {"scope": "all"})
    # session, user with permissions, count, page, type choices; the rows draw only what the
    # list's query loaded (activities.querysets.LIST_ROW_FIELDS)
    with django_assert_num_queries(5):
        html = reader_client.get(LIST, {"scope": "all"}).content.decode()
    assert "Åsa Ek" in html
    assert escape(project.customer.name) in html
    assert escape(project.name) in html


# --- create -----------------------------------------------------------------------------


def test_read_only_user_creates_an_activity_for_a_customer(reader_client, readonly_user):
    customer = CustomerFactory()
    response = reader_client.post(f"{CREATE}?customer={customer.pk}", form_data())
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:customer_detail", args=[customer.pk])
    assert (activity.customer, activity.owner, activity.created_by) == (
        customer,
        readonly_user,
        readonly_user,
    )


def test_preset_project_gives_the_customer(reader_client):
    project = ProjectFactory()
    response = reader_client.get(CREATE, {"project": project.pk})
    assert response.context["customer"] == project.customer
    assert response.context["form"]["project"].value() == project.pk
    reader_client.post(f"{CREATE}?project={project.pk}", form_data(project=project.pk))
    activity = Activity.objects.get()
    assert (activity.project, activity.customer) == (project, project.customer)


def test_project_of_another_customer_is_refused_on_the_form(reader_client):
    customer = CustomerFactory()
    response = reader_client.post(
        f"{CREATE}?customer={customer.pk}", form_data(project=ProjectFactory().pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["project"]
    assert not Activity.objects.exists()


def test_contact_of_another_customer_is_refused_on_the_form(reader_client):
    customer = CustomerFactory()
    response = reader_client.post(
        f"{CREATE}?customer={customer.pk}",
        form_data(participant_contacts=[ContactFactory().pk]),
    )
    assert response.context["form"].errors["participant_contacts"]
    assert not Activity.objects.exists()


def test_contact_of_the_customer_is_accepted_on_the_form(reader_client):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer)
    reader_client.post(
        f"{CREATE}?customer={customer.pk}", form_data(participant_contacts=[contact.pk])
    )
    assert list(Activity.objects.get().participant_contacts.all()) == [contact]


def test_activity_without_a_customer_is_created(reader_client):
    response = reader_client.post(CREATE, form_data())
    assert response.status_code == 302
    assert Activity.objects.get().customer is None


def test_end_before_start_shows_an_error(reader_client):
    response = reader_client.post(CREATE, form_data(ends_at=days(1).strftime("%Y-%m-%dT%H:%M")))
    assert response.context["form"].errors["ends_at"]
    assert not Activity.objects.exists()


def test_unknown_preset_customer_is_not_found(reader_client):
    assert reader_client.get(CREATE, {"customer": 999999}).status_code == 404


def test_unknown_preset_project_is_not_found(reader_client):
    assert reader_client.get(CREATE, {"project": 999999}).status_code == 404


def test_chooser_finds_customers(reader_client):
    customer = CustomerFactory(name="Sökbar AB")
    response = reader_client.get(CREATE, {"choose": 1, "q": "sökbar"})
    assert [c.pk for c in response.context["results"]] == [customer.pk]


def test_next_is_followed_only_on_this_site(reader_client):
    response = reader_client.post(CREATE, {**form_data(), "next": "https://evil.example/"})
    assert response["Location"] == LIST


# --- edit and done ----------------------------------------------------------------------


def test_edit_saves_and_bumps_the_version(reader_client, readonly_user):
    activity = ActivityFactory(owner=readonly_user)
    url = reverse("activities:activity_update", args=[activity.pk])
    response = reader_client.post(
        url,
        form_data(
            subject="Nytt ämne",
            type=activity.type_id,
            owner=readonly_user.pk,
            version=activity.version,
        ),
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.subject, activity.version) == ("Nytt ämne", 2)


def test_stale_edit_shows_an_error(reader_client, readonly_user):
    activity = ActivityFactory(owner=readonly_user)
    url = reverse("activities:activity_update", args=[activity.pk])
    mine = {"type": activity.type_id, "owner": readonly_user.pk}
    stale = form_data(subject="Gammal", version=activity.version, **mine)
    reader_client.post(url, form_data(subject="Först", version=1, **mine))
    response = reader_client.post(url, stale)
    assert response.context["form"].non_field_errors()
    activity.refresh_from_db()
    assert activity.subject == "Först"


def test_unknown_activity_is_not_found(reader_client):
    assert (
        reader_client.get(reverse("activities:activity_update", args=[999999])).status_code == 404
    )


def test_reader_cannot_change_someone_elses_activity_of_a_customer(reader_client, editor):
    activity = ActivityFactory(owner=editor, subject="Möte")
    url = reverse("activities:activity_update", args=[activity.pk])
    data = form_data(subject="Ändrat", type=activity.type_id, version=activity.version)
    assert reader_client.post(url, data).status_code == 403
    done_url = reverse("activities:activity_mark_done", args=[activity.pk])
    assert reader_client.post(done_url).status_code == 403
    activity.refresh_from_db()
    assert (activity.subject, activity.is_done) == ("Möte", False)


def test_editor_changes_activities_of_customers_they_may_edit(editor_client, readonly_user):
    activity = ActivityFactory(owner=readonly_user)
    response = editor_client.post(reverse("activities:activity_mark_done", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.is_done


def test_mark_done(reader_client, readonly_user):
    activity = ActivityFactory(owner=readonly_user)
    response = reader_client.post(reverse("activities:activity_mark_done", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.is_done


def test_mark_done_refuses_get(reader_client, readonly_user):
    activity = ActivityFactory(owner=readonly_user)
    url = reverse("activities:activity_mark_done", args=[activity.pk])
    assert reader_client.get(url).status_code == 405


def test_new_activity_preset_with_a_closed_project_keeps_it(editor_client):
    project = ProjectFactory(is_closed=True)
    url = reverse("activities:activity_create") + f"?project={project.pk}"
    form = editor_client.get(url).context["form"]
    assert list(form.fields["project"].queryset) == [project]
    assert form["project"].value() == project.pk
