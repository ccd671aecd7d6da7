import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from customers.models import NumberSequence
from customers.services.versioning import StaleObjectError
from projects import services
from projects.models import Project, ProjectNote
from tests.factories import ContactFactory, CustomerFactory, ProjectFactory, SalesStatusFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    return CustomerFactory()


def create(customer, user, **kwargs):
    kwargs.setdefault("name", "Ny webbplats")
    return services.project_create(user=user, customer=customer, **kwargs)


@override_settings(KUNDKORT_PROJECT_NUMBER_START=7001)
def test_first_project_number_starts_at_the_setting(customer, editor):
    assert create(customer, editor).number == 7001


def test_project_numbers_follow_the_sequence(customer, editor):
    first = create(customer, editor)
    second = create(customer, editor)
    assert second.number == first.number + 1
    assert NumberSequence.objects.get(key="project").next_value == second.number + 1


def test_sequence_skips_a_number_taken_by_hand(customer, editor):
    first = create(customer, editor)
    ProjectFactory(number=first.number + 1)
    assert create(customer, editor).number == first.number + 2


def test_new_sales_project_takes_default_status_and_its_probability(customer, editor, status_open):
    project = create(customer, editor)
    assert project.sales_status == status_open
    assert project.probability is None
    assert project.effective_probability == status_open.probability


def test_overridden_probability_wins_over_the_status(customer, editor, status_open):
    project = create(customer, editor, probability=35)
    assert project.effective_probability == 35


def test_status_change_moves_probability_when_not_overridden(customer, editor):
    project = create(customer, editor)
    offer = SalesStatusFactory(name="Offer", probability=60)
    project = services.project_set_status(project=project, user=editor, status=offer)
    assert project.effective_probability == 60


def test_marking_won_sets_probability_100_and_won_date(customer, editor, status_won):
    project = create(customer, editor, probability=20)
    project = services.project_set_status(project=project, user=editor, status=status_won)
    assert project.effective_probability == 100
    assert project.won_date == timezone.localdate()
    assert not project.is_closed


def test_marking_lost_closes_the_project(customer, editor, status_lost):
    project = create(customer, editor)
    project = services.project_set_status(project=project, user=editor, status=status_lost)
    assert project.is_closed
    assert project.closed_date == timezone.localdate()


def test_leaving_won_clears_won_date_and_probability(customer, editor, status_won, status_open):
    project = create(customer, editor, sales_status=status_won)
    project = services.project_set_status(project=project, user=editor, status=status_open)
    assert project.won_date is None
    assert project.effective_probability == status_open.probability


def test_status_change_of_a_closed_project_is_refused(customer, editor, status_lost, status_won):
    project = create(customer, editor, sales_status=status_lost)
    with pytest.raises(ValidationError):
        services.project_set_status(project=project, user=editor, status=status_won)


def test_contact_of_another_customer_is_refused_on_create(customer, editor):
    stranger = ContactFactory()
    with pytest.raises(ValidationError) as error:
        create(customer, editor, contact=stranger)
    assert "contact" in error.value.error_dict
    assert not Project.objects.exists()


def test_contact_of_the_customer_is_accepted(customer, editor):
    contact = ContactFactory(customer=customer)
    assert create(customer, editor, contact=contact).contact == contact


def test_contact_of_another_customer_is_refused_on_update(customer, editor):
    project = create(customer, editor)
    with pytest.raises(ValidationError):
        services.project_update(
            project=project, user=editor, expected_version=project.version, contact=ContactFactory()
        )
    project.refresh_from_db()
    assert project.contact is None


def test_won_sales_project_turns_into_delivery_project(customer, editor, status_won):
    project = create(customer, editor, sales_status=status_won)
    project = services.project_convert_to_delivery(project=project, user=editor)
    assert project.kind == Project.DELIVERY
    assert project.start_date == timezone.localdate()


def test_sales_project_not_won_cannot_become_delivery(customer, editor):
    project = create(customer, editor)
    with pytest.raises(ValidationError):
        services.project_convert_to_delivery(project=project, user=editor)
    project.refresh_from_db()
    assert project.kind == Project.SALES


def test_closed_won_project_cannot_become_delivery(customer, editor, status_won):
    project = create(customer, editor, sales_status=status_won)
    project = services.project_close(project=project, user=editor)
    with pytest.raises(ValidationError):
        services.project_convert_to_delivery(project=project, user=editor)


def test_delivery_project_has_no_sales_status(customer, editor, status_open):
    with pytest.raises(ValidationError):
        create(customer, editor, kind=Project.DELIVERY, sales_status=status_open)


def test_update_refuses_a_stale_version(customer, editor):
    project = create(customer, editor)
    services.project_update(
        project=project, user=editor, expected_version=project.version, name="First"
    )
    with pytest.raises(StaleObjectError):
        services.project_update(
            project=project, user=editor, expected_version=project.version, name="Second"
        )
    project.refresh_from_db()
    assert project.name == "First"


def test_update_to_won_status_applies_the_won_rule(customer, editor, status_won):
    project = create(customer, editor)
    project = services.project_update(
        project=project, user=editor, expected_version=project.version, sales_status=status_won
    )
    assert project.effective_probability == 100
    assert project.won_date is not None


def test_update_records_who_changed_it(customer, editor, all_user):
    project = create(customer, editor)
    project = services.project_update(
        project=project, user=all_user, expected_version=project.version, name="X"
    )
    assert project.created_by == editor
    assert project.updated_by == all_user
    assert project.version == 2


def test_reopening_a_lost_project_returns_to_the_default_status(
    customer, editor, status_lost, status_open
):
    project = create(customer, editor, sales_status=status_lost)
    project = services.project_reopen(project=project, user=editor)
    assert not project.is_closed
    assert project.closed_date is None
    assert project.sales_status == status_open


def test_closing_sets_the_closed_date(customer, editor):
    project = create(customer, editor, kind=Project.DELIVERY)
    project = services.project_close(project=project, user=editor)
    assert project.is_closed
    assert project.closed_date == timezone.localdate()


def test_empty_note_is_refused(customer, editor):
    project = create(customer, editor)
    with pytest.raises(ValidationError):
        services.project_note_create(project=project, user=editor, text="   ")
    assert not ProjectNote.objects.exists()


def test_note_records_its_author(customer, editor):
    project = create(customer, editor)
    note = services.project_note_create(project=project, user=editor, text="Hej")
    assert note.author == editor
    assert list(project.notes.all()) == [note]


def test_expected_order_date_is_kept(customer, editor):
    day = datetime.date(2027, 3, 1)
    assert create(customer, editor, expected_order_date=day).expected_order_date == day
