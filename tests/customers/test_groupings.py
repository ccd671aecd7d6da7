"""Customer grouping: the settings tab's checkboxes and radios, and the grouping services."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import history
from customers.models import Customer, CustomerGroupingOption, GroupingCategory
from customers.services.groupings import (
    customer_set_grouping_options,
    grouping_option_add,
    grouping_option_add_preview,
    grouping_option_remove,
)
from tests.factories import (
    CustomerFactory,
    GroupingCategoryFactory,
    GroupingOptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(customer):
    return reverse("customers:customer_settings", args=[customer.pk])


@pytest.fixture
def customer(db):
    maker = UserFactory(username="maker")
    return CustomerFactory(name="Björkvik AB", created_by=maker, updated_by=maker)


@pytest.fixture
def region():
    """A single-choice category with three options."""
    category = GroupingCategoryFactory(name="Region", selection=GroupingCategory.SINGLE, order=1)
    for order, name in enumerate(["North", "Middle", "South"]):
        GroupingOptionFactory(category=category, name=name, order=order)
    return category


@pytest.fixture
def interests():
    """A multiple-choice category."""
    category = GroupingCategoryFactory(name="Interests", selection=GroupingCategory.MULTIPLE)
    for name in ["Golf", "Wine", "Sailing"]:
        GroupingOptionFactory(category=category, name=name)
    return category


def opt(category, name):
    return category.options.get(name=name)


def held(customer):
    return set(
        CustomerGroupingOption.objects.filter(customer=customer).values_list(
            "option__name", flat=True
        )
    )


def post_groupings(client, customer, **fields):
    customer.refresh_from_db()
    data = {"settings-version": customer.version}
    for category, values in fields.items():
        data[f"groups-grouping_{category}"] = values
    return client.post(url(customer), data)


# The tab ------------------------------------------------------------------------------------


def test_tab_shows_checkboxes_for_multiple_and_radios_with_none_for_single(
    editor_client, customer, region, interests
):
    content = editor_client.get(url(customer)).content.decode()
    assert f'type="checkbox"\n                 name="groups-grouping_{interests.pk}"' in content
    assert f'type="radio"\n                 name="groups-grouping_{region.pk}"' in content
    assert f'id="id_grouping_{region.pk}_none"' in content


def test_tab_shows_active_categories_in_order(editor_client, customer, region, interests):
    GroupingCategoryFactory(name="Old", is_active=False)
    GroupingOptionFactory(category=GroupingCategory.objects.get(name="Old"), name="X")
    interests.order = 0
    interests.save()
    region.order = 5
    region.save()
    form = editor_client.get(url(customer)).context["grouping_form"]
    assert [s["category"].name for s in form.sections] == ["Interests", "Region"]


def test_ticking_options_saves_them(editor_client, customer, region, interests):
    response = post_groupings(
        editor_client,
        customer,
        **{
            str(region.pk): opt(region, "North").pk,
            str(interests.pk): [opt(interests, "Golf").pk, opt(interests, "Wine").pk],
        },
    )
    assert response.status_code == 302
    assert held(customer) == {"North", "Golf", "Wine"}


def test_unticking_an_option_removes_it(editor_client, customer, interests):
    customer_set_grouping_options(
        customer=customer, user=None, options=list(interests.options.all())
    )
    post_groupings(editor_client, customer, **{str(interests.pk): [opt(interests, "Golf").pk]})
    assert held(customer) == {"Golf"}


def test_choosing_none_clears_a_single_choice_category(editor_client, customer, region):
    customer_set_grouping_options(customer=customer, user=None, options=[opt(region, "North")])
    post_groupings(editor_client, customer, **{str(region.pk): ""})
    assert held(customer) == set()


def test_two_options_posted_for_a_single_choice_category_keep_at_most_one(
    editor_client, customer, region
):
    response = post_groupings(
        editor_client,
        customer,
        **{str(region.pk): [opt(region, "North").pk, opt(region, "South").pk]},
    )
    assert len(held(customer)) <= 1
    assert response.status_code in (200, 302)


def test_reader_cannot_change_groupings(reader_client, customer, interests):
    response = post_groupings(
        reader_client, customer, **{str(interests.pk): [opt(interests, "Golf").pk]}
    )
    assert response.status_code == 403
    assert held(customer) == set()


def test_deactivated_option_is_not_offered_to_a_customer_without_it(
    editor_client, customer, interests
):
    golf = opt(interests, "Golf")
    golf.is_active = False
    golf.save()
    form = editor_client.get(url(customer)).context["grouping_form"]
    field = form.fields[f"grouping_{interests.pk}"]
    assert str(golf.pk) not in dict(field.choices)
    assert form.sections[0]["held_inactive"] == []


def test_deactivated_option_stays_on_the_customer_and_is_shown_marked(
    editor_client, customer, interests
):
    golf = opt(interests, "Golf")
    customer_set_grouping_options(customer=customer, user=None, options=[golf])
    golf.is_active = False
    golf.save()
    response = editor_client.get(url(customer))
    assert f'data-testid="held-inactive-{golf.pk}"' in response.content.decode()


def test_saving_the_tab_keeps_a_deactivated_option(editor_client, customer, interests):
    golf = opt(interests, "Golf")
    customer_set_grouping_options(customer=customer, user=None, options=[golf])
    golf.is_active = False
    golf.save()
    post_groupings(editor_client, customer, **{str(interests.pk): [opt(interests, "Wine").pk]})
    assert held(customer) == {"Golf", "Wine"}


def test_deactivated_single_choice_option_stays_when_the_radios_are_untouched(
    editor_client, customer, region
):
    north = opt(region, "North")
    customer_set_grouping_options(customer=customer, user=None, options=[north])
    north.is_active = False
    north.save()
    post_groupings(editor_client, customer)
    assert held(customer) == {"North"}


def test_choosing_another_single_option_replaces_a_deactivated_one(editor_client, customer, region):
    north = opt(region, "North")
    customer_set_grouping_options(customer=customer, user=None, options=[north])
    north.is_active = False
    north.save()
    post_groupings(editor_client, customer, **{str(region.pk): opt(region, "South").pk})
    assert held(customer) == {"South"}


def test_option_of_a_deactivated_category_stays_on_the_customer(editor_client, customer, interests):
    golf = opt(interests, "Golf")
    customer_set_grouping_options(customer=customer, user=None, options=[golf])
    interests.is_active = False
    interests.save()
    response = editor_client.get(url(customer))
    assert f'data-testid="held-inactive-{golf.pk}"' in response.content.decode()
    post_groupings(editor_client, customer)
    assert held(customer) == {"Golf"}


# customer_set_grouping_options -------------------------------------------------------------


def test_service_refuses_two_options_of_a_single_choice_category(customer, region):
    with pytest.raises(ValidationError) as caught:
        customer_set_grouping_options(
            customer=customer, user=None, options=[opt(region, "North"), opt(region, "South")]
        )
    assert caught.value.code == "single_choice"
    assert held(customer) == set()


def test_service_allows_several_options_of_a_multiple_choice_category(customer, interests):
    customer_set_grouping_options(
        customer=customer, user=None, options=list(interests.options.all())
    )
    assert held(customer) == {"Golf", "Wine", "Sailing"}


def test_service_refuses_to_add_an_inactive_option(customer, interests):
    golf = opt(interests, "Golf")
    golf.is_active = False
    golf.save()
    with pytest.raises(ValidationError):
        customer_set_grouping_options(customer=customer, user=None, options=[golf])
    assert held(customer) == set()


def test_service_writes_history_with_user_for_added_and_removed_options(customer, interests):
    user = UserFactory(username="historian")
    golf, wine = opt(interests, "Golf"), opt(interests, "Wine")
    customer_set_grouping_options(customer=customer, user=user, options=[golf])
    customer_set_grouping_options(customer=customer, user=user, options=[wine])
    records = CustomerGroupingOption.history.filter(customer_id=customer.pk).order_by("history_id")
    assert [(r.history_type, r.option_id, r.history_user_id) for r in records] == [
        ("+", golf.pk, user.pk),
        ("-", golf.pk, user.pk),
        ("+", wine.pk, user.pk),
    ]


# Bulk services -----------------------------------------------------------------------------


def make_customers(n):
    return [CustomerFactory() for _ in range(n)]


def test_bulk_add_gives_the_option_to_customers_lacking_it_and_counts_them(interests):
    customers = make_customers(4)
    golf = opt(interests, "Golf")
    customer_set_grouping_options(customer=customers[0], user=None, options=[golf])
    changed = grouping_option_add(
        customers_qs=Customer.objects.all(), option=golf, user=UserFactory()
    )
    assert changed == 3
    assert CustomerGroupingOption.objects.filter(option=golf).count() == 4


def test_bulk_add_of_single_choice_option_replaces_the_other_option(region):
    customers = make_customers(3)
    north, south = opt(region, "North"), opt(region, "South")
    customer_set_grouping_options(customer=customers[0], user=None, options=[north])
    customer_set_grouping_options(customer=customers[1], user=None, options=[south])
    assert grouping_option_add_preview(customers_qs=Customer.objects.all(), option=south) == (2, 1)
    changed = grouping_option_add(
        customers_qs=Customer.objects.all(), option=south, user=UserFactory()
    )
    assert changed == 2
    for customer in customers:
        assert held(customer) == {"South"}


def test_bulk_add_refuses_an_inactive_option(interests):
    make_customers(2)
    golf = opt(interests, "Golf")
    golf.is_active = False
    golf.save()
    with pytest.raises(ValidationError):
        grouping_option_add(customers_qs=Customer.objects.all(), option=golf, user=None)
    assert not CustomerGroupingOption.objects.exists()


def test_bulk_remove_takes_the_option_from_holders_and_counts_them(interests):
    customers = make_customers(3)
    golf, wine = opt(interests, "Golf"), opt(interests, "Wine")
    for customer in customers[:2]:
        customer_set_grouping_options(customer=customer, user=None, options=[golf, wine])
    changed = grouping_option_remove(
        customers_qs=Customer.objects.all(), option=golf, user=UserFactory()
    )
    assert changed == 2
    assert not CustomerGroupingOption.objects.filter(option=golf).exists()
    assert CustomerGroupingOption.objects.filter(option=wine).count() == 2


def test_bulk_changes_touch_only_the_given_customers(interests):
    customers = make_customers(3)
    golf = opt(interests, "Golf")
    grouping_option_add(
        customers_qs=Customer.objects.filter(pk=customers[0].pk), option=golf, user=None
    )
    assert CustomerGroupingOption.objects.filter(option=golf).count() == 1


def test_bulk_history_rows_name_the_user_and_the_bulk_source(region):
    customers = make_customers(2)
    user = UserFactory(username="bulker")
    north, south = opt(region, "North"), opt(region, "South")
    customer_set_grouping_options(customer=customers[0], user=None, options=[north])
    grouping_option_add(customers_qs=Customer.objects.all(), option=south, user=user)
    grouping_option_remove(customers_qs=Customer.objects.all(), option=south, user=user)
    records = CustomerGroupingOption.history.filter(history_user=user)
    assert sorted(r.history_type for r in records) == ["+", "+", "-", "-", "-"]
    assert {r.history_change_reason for r in records} == {history.SOURCE_BULK}


def test_bulk_change_makes_an_open_settings_form_stale(editor):
    from customers.services.groupings import grouping_option_add

    customer = CustomerFactory()
    opened_version = customer.version
    option = GroupingOptionFactory()
    grouping_option_add(
        customers_qs=Customer.objects.filter(pk=customer.pk), option=option, user=editor
    )
    customer.refresh_from_db()
    assert customer.version == opened_version + 1
