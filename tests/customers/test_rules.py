"""The customer rules of customers/rules.py on a customer held in memory (no database), and
the one numbering function (customers/numbering.py) for customers and projects."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from customers import rules
from customers.importing.columns import COLUMNS
from customers.models import Customer, NumberSequence
from customers.numbering import CUSTOMER_SERIES, PROJECT_SERIES, take_numbers
from projects.models import Project
from tests.factories import CustomerFactory, ProjectFactory


class Place:
    """An address as the rules see it."""

    def __init__(self, pk=None, *, billing=False, head=False, default=False):
        self.pk = pk
        self.is_billing = billing
        self.is_head_office = head
        self.is_default_billing = default


def test_first_address_becomes_head_office_whatever_was_asked():
    first = Place()
    assert rules.add_address([], first, make_head_office=False) == []
    assert first.is_head_office


def test_later_address_moves_the_head_office_only_when_asked():
    head = Place(1, head=True)
    quiet, moved = Place(), Place()
    rules.add_address([head], quiet)
    assert head.is_head_office and not quiet.is_head_office
    assert rules.add_address([head, quiet], moved, make_head_office=True) == [head]
    assert moved.is_head_office and not head.is_head_office


def test_first_billing_address_becomes_the_default():
    head = Place(1, head=True)
    billing = Place(billing=True)
    rules.add_address([head], billing)
    assert billing.is_default_billing


def test_a_new_billing_address_does_not_take_the_default_over():
    default = Place(1, head=True, billing=True, default=True)
    newer = Place(billing=True)
    assert rules.add_address([default], newer, make_head_office=True) == [default]
    assert default.is_default_billing and not newer.is_default_billing


def test_losing_billing_passes_the_default_to_a_billing_head_office_first():
    head = Place(3, head=True, billing=True)
    older = Place(1, billing=True)
    default = Place(2, billing=True, default=True)
    changed = rules.set_billing([older, default, head], default, False)
    assert changed == [head]
    assert head.is_default_billing and not default.is_default_billing
    assert not older.is_default_billing


def test_losing_billing_passes_the_default_to_the_oldest_billing_address():
    head = Place(1, head=True)
    new = Place(billing=True)  # not saved yet: younger than every saved one
    older = Place(5, billing=True)
    default = Place(2, billing=True, default=True)
    assert rules.set_billing([head, new, default, older], default, False) == [older]
    assert older.is_default_billing


def test_becoming_billing_takes_the_default_only_when_there_is_none():
    default = Place(1, head=True, billing=True, default=True)
    other = Place(2)
    rules.set_billing([default, other], other, True)
    assert not other.is_default_billing
    default.is_default_billing = False
    rules.set_billing([default, other], other, True)
    assert other.is_default_billing


def test_the_user_chooses_the_default_billing_address():
    default = Place(1, billing=True, default=True)
    chosen = Place(2, billing=True)
    assert rules.set_default_billing([default, chosen], chosen) == [default]
    assert chosen.is_default_billing and not default.is_default_billing
    with pytest.raises(ValidationError):
        rules.set_default_billing([default, chosen], Place(3))


def test_head_office_is_removed_only_with_a_replacement():
    head, other = Place(1, head=True), Place(2, billing=True, default=True)
    with pytest.raises(ValidationError):
        rules.remove_address([head, other], head)
    assert rules.remove_address([head, other], head, new_head_office=other) == [other]
    assert other.is_head_office
    assert rules.remove_address([head], head) == []


def test_flags_are_lowered_before_they_are_raised():
    old, new = Place(1, head=True), Place()
    previous = rules.flags([old, new])
    rules.add_address([old], new, make_head_office=True)
    assert rules.lowered_first([new, old], previous) == [old, new]


def test_single_choice_option_replaces_the_others_of_its_category():
    category = {"north": "region", "south": "region", "golf": "interests"}.get
    assert rules.replaced_options(["north", "golf"], "south", category=category, single=True) == [
        "north"
    ]
    assert rules.replaced_options(["north", "golf"], "wine", category=category, single=False) == []
    assert (
        rules.doubled_single_choice(
            ["north", "south"], category=category, is_single=lambda c: c == "region"
        )
        == "region"
    )


def test_export_columns_follow_the_customer_field_list():
    keys = [column.key for column in COLUMNS]
    assert keys[: len(rules.CUSTOMER_IMPORT_FIELDS)] == list(rules.CUSTOMER_IMPORT_FIELDS)
    assert set(rules.CUSTOMER_IMPORT_FIELDS) <= set(rules.CUSTOMER_FIELDS)


@pytest.mark.django_db
def test_numbers_skip_taken_and_reserved_ones_for_customers_and_projects(settings):
    settings.KUNDKORT_CUSTOMER_NUMBER_START = 1001
    CustomerFactory(number=1002)
    ProjectFactory(number=2)
    with transaction.atomic():
        assert take_numbers(CUSTOMER_SERIES, 3, model=Customer, start=1001, reserved={1003}) == [
            1001,
            1004,
            1005,
        ]
        assert take_numbers(PROJECT_SERIES, 2, model=Project, start=1) == [1, 3]
    assert NumberSequence.objects.get(key=CUSTOMER_SERIES).next_value == 1006
    assert NumberSequence.objects.get(key=PROJECT_SERIES).next_value == 4
