import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services
from activities.models import Activity
from customers.services.versioning import StaleObjectError
from projects import services as project_services
from tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def soon(days=1):
    return timezone.now() + datetime.timedelta(days=days)


def create(user, **kwargs):
    kwargs.setdefault("subject", "Möte")
    kwargs.setdefault("starts_at", soon())
    return services.activity_create(user=user, **kwargs)


def test_activity_with_a_project_takes_the_projects_customer(editor):
    project = ProjectFactory()
    activity = create(editor, project=project)
    assert activity.customer == project.customer


def test_activity_with_project_of_another_customer_is_refused(editor):
    project = ProjectFactory()
    with pytest.raises(ValidationError) as error:
        create(editor, project=project, customer=CustomerFactory())
    assert "project" in error.value.error_dict
    assert not Activity.objects.exists()


def test_activity_without_customer_or_project_is_allowed(editor):
    activity = create(editor)
    assert activity.customer is None
    assert activity.owner == editor


def test_participating_contact_of_another_customer_is_refused(editor):
    customer = CustomerFactory()
    with pytest.raises(ValidationError) as error:
        create(editor, customer=customer, participant_contacts=[ContactFactory()])
    assert "participant_contacts" in error.value.error_dict
    assert not Activity.objects.exists()


def test_participating_contact_needs_a_customer(editor):
    with pytest.raises(ValidationError):
        create(editor, participant_contacts=[ContactFactory()])


def test_participants_of_the_customer_are_kept(editor, readonly_user):
    customer = CustomerFactory()
    contact = ContactFactory(customer=customer)
    activity = create(
        editor, customer=customer, participant_contacts=[contact], participant_users=[readonly_user]
    )
    assert list(activity.participant_contacts.all()) == [contact]
    assert list(activity.participant_users.all()) == [readonly_user]


def test_contact_of_project_customer_is_accepted(editor):
    project = ProjectFactory()
    contact = ContactFactory(customer=project.customer)
    activity = create(editor, project=project, participant_contacts=[contact])
    assert list(activity.participant_contacts.all()) == [contact]


def test_moving_to_another_project_takes_its_customer(editor):
    activity = create(editor, project=ProjectFactory())
    other = ProjectFactory()
    activity = services.activity_update(
        activity=activity, user=editor, expected_version=activity.version, project=other
    )
    assert activity.customer == other.customer


def test_update_to_project_of_another_customer_is_refused(editor):
    customer = CustomerFactory()
    activity = create(editor, customer=customer)
    with pytest.raises(ValidationError):
        services.activity_update(
            activity=activity,
            user=editor,
            expected_version=activity.version,
            customer=customer,
            project=ProjectFactory(),
        )
    activity.refresh_from_db()
    assert activity.project is None


def test_update_refuses_a_stale_version(editor):
    activity = create(editor)
    services.activity_update(
        activity=activity, user=editor, expected_version=activity.version, subject="A"
    )
    with pytest.raises(StaleObjectError):
        services.activity_update(
            activity=activity, user=editor, expected_version=activity.version, subject="B"
        )


def test_activity_cannot_end_before_it_starts(editor):
    with pytest.raises(ValidationError):
        create(editor, starts_at=soon(2), ends_at=soon(1))
    assert not Activity.objects.exists()


def test_inactive_type_is_refused_for_a_new_activity(editor):
    with pytest.raises(ValidationError):
        create(editor, type=ActivityTypeFactory(is_active=False))


def test_mark_done_records_when(editor):
    activity = ActivityFactory()
    activity = services.activity_mark_done(activity=activity, user=editor)
    assert activity.is_done
    assert activity.done_at is not None


def test_mark_not_done_clears_when(editor):
    activity = ActivityFactory(is_done=True, done_at=timezone.now())
    activity = services.activity_mark_done(activity=activity, user=editor, done=False)
    assert not activity.is_done
    assert activity.done_at is None


def test_project_customer_is_fixed_once_it_has_activities(editor):
    project = ProjectFactory()
    create(editor, project=project)
    with pytest.raises(ValidationError):
        project_services.project_update(
            project=project,
            user=editor,
            expected_version=project.version,
            customer=CustomerFactory(),
        )
