"""The customer report: permissions, each filter and their combinations, columns, pagination,
query counts, and the bulk add/remove of grouping options with its confirmation."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import roles
from customers.models import Customer, CustomerGroupingOption, GroupingCategory
from customers.selectors import report as report_selectors
from customers.services.groupings import customer_set_grouping_options
from tests.factories import (
    AddressFactory,
    CustomerFactory,
    GroupingCategoryFactory,
    GroupingOptionFactory,
    IndustryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
REPORT = reverse("reports:customer_report")
BULK = reverse("reports:customer_bulk")


def names(response):
    assert response.status_code == 200
    return sorted(row["name"] for row in response.context["rows"])


def report(client, **params):
    return client.get(REPORT, params)


@pytest.fixture
def region():
    category = GroupingCategoryFactory(name="Region", selection=GroupingCategory.SINGLE)
    for name in ["North", "South"]:
        GroupingOptionFactory(category=category, name=name)
    return category


@pytest.fixture
def interests():
    category = GroupingCategoryFactory(name="Interests", selection=GroupingCategory.MULTIPLE)
    for name in ["Golf", "Wine", "Sailing"]:
        GroupingOptionFactory(category=category, name=name)
    return category


def opt(category, name):
    return category.options.get(name=name)


def give(customer, *options):
    customer_set_grouping_options(customer=customer, user=None, options=list(options))


# Permissions -------------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_user_without_customer_rights_is_forbidden(client, no_rights_user):
    client.force_login(no_rights_user)
    assert client.get(REPORT).status_code == 403


def test_reader_sees_the_report_without_bulk_actions(reader_client):
    CustomerFactory(name="Alfa AB")
    response = report(reader_client)
    assert names(response) == ["Alfa AB"]
    assert b'id="bulk-form"' not in response.content


def test_editor_sees_bulk_actions(editor_client):
    CustomerFactory(name="Alfa AB")
    assert b'id="bulk-form"' in report(editor_client).content


# Filters -----------------------------------------------------------------------------------


def test_without_filters_only_active_customers_are_shown(reader_client):
    CustomerFactory(name="Alfa AB")
    CustomerFactory(name="Beta AB", is_active=False)
    assert names(report(reader_client)) == ["Alfa AB"]


def test_active_filter_shows_inactive_or_all(reader_client):
    CustomerFactory(name="Alfa AB")
    CustomerFactory(name="Beta AB", is_active=False)
    assert names(report(reader_client, active="no")) == ["Beta AB"]
    assert names(report(reader_client, active="any")) == ["Alfa AB", "Beta AB"]


def test_industry_filter(reader_client):
    it = IndustryFactory(name="IT")
    CustomerFactory(name="Alfa AB", industry=it)
    CustomerFactory(name="Beta AB", industry=IndustryFactory(name="Retail"))
    assert names(report(reader_client, industry=it.pk)) == ["Alfa AB"]


def test_owner_filter(reader_client):
    anna = UserFactory(username="anna")
    CustomerFactory(name="Alfa AB", owner=anna)
    CustomerFactory(name="Beta AB", owner=UserFactory(username="bo"))
    assert names(report(reader_client, owner=anna.pk)) == ["Alfa AB"]


def test_country_filter(reader_client):
    CustomerFactory(name="Alfa AB", country="SE")
    CustomerFactory(name="Beta Oy", country="FI")
    assert names(report(reader_client, country="FI")) == ["Beta Oy"]


def test_city_filter_matches_any_address_ignoring_case(reader_client):
    alfa = CustomerFactory(name="Alfa AB")
    AddressFactory(customer=alfa, city="Göteborg", is_head_office=True)
    AddressFactory(customer=alfa, city="Umeå")
    beta = CustomerFactory(name="Beta AB")
    AddressFactory(customer=beta, city="Luleå", is_head_office=True)
    assert names(report(reader_client, city="umeå")) == ["Alfa AB"]


def test_created_date_range_includes_both_days(reader_client):
    for name, day in [("Early", 1), ("From", 10), ("To", 20), ("Late", 21)]:
        customer = CustomerFactory(name=name)
        when = datetime.datetime(2026, 3, day, 23, 30, tzinfo=STOCKHOLM)
        Customer.objects.filter(pk=customer.pk).update(created_at=when)
    response = report(reader_client, created_from="2026-03-10", created_to="2026-03-20")
    assert names(response) == ["From", "To"]


def test_grouping_any_of_within_a_category(reader_client, interests):
    give(CustomerFactory(name="Golfer"), opt(interests, "Golf"))
    give(CustomerFactory(name="Taster"), opt(interests, "Wine"))
    give(CustomerFactory(name="Sailor"), opt(interests, "Sailing"))
    response = report(
        reader_client,
        **{f"g{interests.pk}": [opt(interests, "Golf").pk, opt(interests, "Wine").pk]},
    )
    assert names(response) == ["Golfer", "Taster"]


def test_grouping_all_of_within_a_category(reader_client, interests):
    golf, wine = opt(interests, "Golf"), opt(interests, "Wine")
    give(CustomerFactory(name="Both"), golf, wine)
    give(CustomerFactory(name="Golfer"), golf)
    response = report(
        reader_client, **{f"g{interests.pk}": [golf.pk, wine.pk], f"g{interests.pk}_match": "all"}
    )
    assert names(response) == ["Both"]


def test_grouping_categories_combine_with_and(reader_client, interests, region):
    golf, north = opt(interests, "Golf"), opt(region, "North")
    give(CustomerFactory(name="Northern golfer"), golf, north)
    give(CustomerFactory(name="Golfer"), golf)
    give(CustomerFactory(name="Northerner"), north)
    response = report(reader_client, **{f"g{interests.pk}": golf.pk, f"g{region.pk}": north.pk})
    assert names(response) == ["Northern golfer"]


def test_any_of_in_one_category_and_all_of_in_another(reader_client, interests, region):
    golf, wine, sailing = (opt(interests, n) for n in ["Golf", "Wine", "Sailing"])
    north, south = opt(region, "North"), opt(region, "South")
    give(CustomerFactory(name="A"), golf, wine, north)
    give(CustomerFactory(name="B"), golf, wine, south)
    give(CustomerFactory(name="C"), golf, sailing, north)
    response = report(
        reader_client,
        **{
            f"g{interests.pk}": [golf.pk, wine.pk],
            f"g{interests.pk}_match": "all",
            f"g{region.pk}": [north.pk, south.pk],
            f"g{region.pk}_match": "any",
        },
    )
    assert names(response) == ["A", "B"]


def test_grouping_filter_combines_with_other_filters(reader_client, interests):
    golf = opt(interests, "Golf")
    it = IndustryFactory(name="IT")
    give(CustomerFactory(name="IT golfer", industry=it), golf)
    give(CustomerFactory(name="Golfer"), golf)
    CustomerFactory(name="IT", industry=it)
    response = report(reader_client, industry=it.pk, **{f"g{interests.pk}": golf.pk})
    assert names(response) == ["IT golfer"]


def test_deactivated_option_can_still_be_searched(reader_client, interests):
    golf = opt(interests, "Golf")
    give(CustomerFactory(name="Golfer"), golf)
    golf.is_active = False
    golf.save()
    assert names(report(reader_client, **{f"g{interests.pk}": golf.pk})) == ["Golfer"]


def test_unknown_option_id_is_ignored_with_an_error_not_a_crash(reader_client, interests):
    CustomerFactory(name="Alfa AB")
    response = report(reader_client, **{f"g{interests.pk}": 999999})
    assert response.status_code == 200
    assert response.context["filterset"].form.errors


# Count, columns, pagination ----------------------------------------------------------------


def test_count_of_matches_is_shown(reader_client, settings):
    settings.KUNDKORT_PAGE_SIZE = 2
    for n in range(5):
        CustomerFactory(name=f"Customer {n}")
    response = report(reader_client)
    assert response.context["count"] == 5
    assert b'data-count="5"' in response.content


def test_pagination_keeps_the_filters(reader_client, settings, interests):
    settings.KUNDKORT_PAGE_SIZE = 2
    golf = opt(interests, "Golf")
    for n in range(3):
        give(CustomerFactory(name=f"Golfer {n}"), golf)
    CustomerFactory(name="Other")
    params = {f"g{interests.pk}": golf.pk, "page": 2}
    response = report(reader_client, **params)
    assert names(response) == ["Golfer 2"]
    assert response.context["count"] == 3


@pytest.mark.parametrize("sort_up_to", [0, 1000])
def test_pages_are_in_name_then_number_order_with_few_or_many_matches(
    reader_client, settings, monkeypatch, interests, sort_up_to
):
    # With few matches the page is sorted by another expression (report_selectors.in_page_order)
    # than with many: the pages must come out the same either way.
    monkeypatch.setattr(report_selectors, "SORT_MATCHES_UP_TO", sort_up_to)
    settings.KUNDKORT_PAGE_SIZE = 3
    golf = opt(interests, "Golf")
    for name in ["Beta", "alfa", "Alfa", "Öberg", "Alfa", "Åkesson", "Gamma"]:
        give(CustomerFactory(name=name), golf)
    CustomerFactory(name="Aaa not golfing")
    expected = list(
        Customer.objects.filter(grouping_assignments__option=golf)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )
    params = {f"g{interests.pk}": golf.pk}
    shown = []
    for page in (1, 2, 3):
        response = report(reader_client, **params, page=page)
        assert response.context["count"] == 7
        shown += [row["pk"] for row in response.context["rows"]]
    assert shown == expected


def test_in_page_order_sorts_few_matches_by_an_expression_the_name_index_cannot_give():
    customers = Customer.objects.order_by("name", "pk")
    few = report_selectors.in_page_order(customers, report_selectors.SORT_MATCHES_UP_TO)
    many = report_selectors.in_page_order(customers, report_selectors.SORT_MATCHES_UP_TO + 1)
    assert many.query.order_by == ("name", "pk")
    assert few.query.order_by[0] != "name"
    assert few.query.order_by[1] == "pk"


def test_default_columns_are_shown(reader_client):
    CustomerFactory(name="Alfa AB")
    response = report(reader_client)
    assert response.context["chosen_column_keys"] == [
        "number",
        "name",
        "city",
        "industry",
        "owner",
        "groupings",
    ]


def test_chosen_columns_are_shown_in_their_fixed_order(reader_client):
    CustomerFactory(name="Alfa AB", organisation_number="", email="info@alfa.se")
    response = report(reader_client, cols=["email", "name"], HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["chosen_column_keys"] == ["name", "email"]
    assert "info@alfa.se" in response.content.decode()


# Query counts --------------------------------------------------------------------------------


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(REPORT, params)
    assert response.status_code == 200
    return len(captured)


def _populate(customers, categories, options_each, suffix):
    created = []
    all_options = []
    for c in range(categories):
        category = GroupingCategoryFactory(name=f"Cat {suffix} {c}")
        for o in range(options_each):
            all_options.append(GroupingOptionFactory(category=category, name=f"Opt {o}"))
    industry = IndustryFactory(name=f"Industry {suffix}")
    owner = UserFactory(username=f"owner-{suffix}")
    for n in range(customers):
        customer = CustomerFactory(name=f"{suffix} {n}", industry=industry, owner=owner)
        AddressFactory(customer=customer, is_head_office=True, city="Umeå")
        CustomerGroupingOption.objects.bulk_create(
            [CustomerGroupingOption(customer=customer, option=o) for o in all_options[::2]]
        )
        created.append(customer)
    return created, all_options


def test_query_count_is_fixed_whatever_the_number_of_rows_categories_and_options(
    editor_client, settings
):
    settings.KUNDKORT_PAGE_SIZE = 25
    params = {"cols": ["number", "name", "city", "industry", "owner", "groupings", "price_list"]}
    _populate(1, 1, 1, "few")
    few = _queries(editor_client, params)
    _populate(40, 8, 6, "many")
    many = _queries(editor_client, params)
    assert few == many
    assert many <= 20


def test_query_count_is_fixed_with_grouping_filters_in_several_categories(editor_client):
    # Every customer holds the first option of each category, so every filter matches rows.
    _created, options = _populate(2, 1, 2, "few")
    few = _queries(editor_client, {f"g{options[0].category_id}": options[0].pk})
    _created, options = _populate(30, 6, 4, "many")
    firsts = {f"g{o.category_id}": o.pk for o in options[::4]}
    with CaptureQueriesContext(connection) as captured:
        response = editor_client.get(REPORT, firsts)
    assert response.context["count"] == 30
    assert len(captured) == few


# Bulk actions --------------------------------------------------------------------------------


def bulk(client, *, action, option, scope="all", query="", customers=(), confirmed=False):
    data = {"action": action, "option": option.pk, "scope": scope, "query": query}
    if customers:
        data["customers"] = [c.pk for c in customers]
    if confirmed:
        data["confirmed"] = "1"
    return client.post(BULK, data)


def test_reader_cannot_post_a_bulk_action(reader_client, interests):
    CustomerFactory()
    response = bulk(reader_client, action="add", option=opt(interests, "Golf"), confirmed=True)
    assert response.status_code == 403
    assert not CustomerGroupingOption.objects.exists()


def test_anonymous_bulk_post_is_sent_to_login(client, interests):
    response = bulk(client, action="add", option=opt(interests, "Golf"), confirmed=True)
    assert response.status_code == 302
    assert not CustomerGroupingOption.objects.exists()


def test_bulk_add_confirmation_counts_the_customers_that_change_and_writes_nothing(
    editor_client, interests
):
    golf = opt(interests, "Golf")
    give(CustomerFactory(name="Golfer"), golf)
    CustomerFactory(name="A")
    CustomerFactory(name="B")
    response = bulk(editor_client, action="add", option=golf)
    assert response.status_code == 200
    assert response.context["change_count"] == 2
    assert b'data-count="2"' in response.content
    assert CustomerGroupingOption.objects.filter(option=golf).count() == 1


def test_confirmed_bulk_add_changes_as_many_customers_as_confirmed(editor_client, interests):
    golf = opt(interests, "Golf")
    give(CustomerFactory(name="Golfer"), golf)
    for n in range(3):
        CustomerFactory(name=f"C{n}")
    preview = bulk(editor_client, action="add", option=golf).context["change_count"]
    response = bulk(editor_client, action="add", option=golf, confirmed=True)
    assert response.status_code == 302
    assert CustomerGroupingOption.objects.filter(option=golf).count() == 4
    assert preview == 3


def test_bulk_add_on_all_matching_uses_the_report_filters(editor_client, interests):
    golf = opt(interests, "Golf")
    it = IndustryFactory(name="IT")
    CustomerFactory(name="IT one", industry=it)
    CustomerFactory(name="IT two", industry=it)
    CustomerFactory(name="Retail")
    bulk(editor_client, action="add", option=golf, query=f"industry={it.pk}", confirmed=True)
    holders = Customer.objects.filter(grouping_assignments__option=golf)
    assert sorted(holders.values_list("name", flat=True)) == ["IT one", "IT two"]


def test_bulk_add_on_ticked_customers_only(editor_client, interests):
    golf = opt(interests, "Golf")
    a, b = CustomerFactory(name="A"), CustomerFactory(name="B")
    CustomerFactory(name="C")
    response = bulk(editor_client, action="add", option=golf, scope="selected", customers=[a, b])
    assert response.context["change_count"] == 2
    bulk(
        editor_client, action="add", option=golf, scope="selected", customers=[a, b], confirmed=True
    )
    holders = Customer.objects.filter(grouping_assignments__option=golf)
    assert sorted(holders.values_list("name", flat=True)) == ["A", "B"]


def test_bulk_on_ticked_customers_without_any_ticked_says_so(editor_client, interests):
    CustomerFactory()
    response = bulk(editor_client, action="add", option=opt(interests, "Golf"), scope="selected")
    assert response.status_code == 302
    assert not CustomerGroupingOption.objects.exists()


def test_bulk_remove_counts_and_removes(editor_client, interests):
    golf = opt(interests, "Golf")
    for n in range(3):
        give(CustomerFactory(name=f"G{n}"), golf)
    CustomerFactory(name="None")
    response = bulk(editor_client, action="remove", option=golf)
    assert response.context["change_count"] == 3
    bulk(editor_client, action="remove", option=golf, confirmed=True)
    assert not CustomerGroupingOption.objects.filter(option=golf).exists()


def test_bulk_add_of_single_choice_option_replaces_and_the_confirmation_says_so(
    editor_client, region
):
    north, south = opt(region, "North"), opt(region, "South")
    give(CustomerFactory(name="Northerner"), north)
    CustomerFactory(name="Nowhere")
    response = bulk(editor_client, action="add", option=south)
    assert response.context["change_count"] == 2
    assert response.context["replaced_count"] == 1
    assert b'id="bulk-replaced-count"' in response.content
    bulk(editor_client, action="add", option=south, confirmed=True)
    assert not CustomerGroupingOption.objects.filter(option=north).exists()
    assert CustomerGroupingOption.objects.filter(option=south).count() == 2


def test_bulk_add_of_inactive_option_is_refused(editor_client, interests):
    golf = opt(interests, "Golf")
    golf.is_active = False
    golf.save()
    CustomerFactory()
    response = bulk(editor_client, action="add", option=golf, confirmed=True)
    assert response.status_code == 302
    assert not CustomerGroupingOption.objects.exists()


def test_bulk_changes_only_customers_the_user_may_edit(client, make_user, interests):
    user = make_user(roles.EDIT, roles.OWN_ONLY, username="ownonly")
    client.force_login(user)
    golf = opt(interests, "Golf")
    CustomerFactory(name="Mine", owner=user)
    CustomerFactory(name="Theirs")
    response = bulk(client, action="add", option=golf)
    assert response.context["matching_count"] == 2
    assert response.context["change_count"] == 1
    assert response.context["not_editable_count"] == 1
    bulk(client, action="add", option=golf, confirmed=True)
    holders = Customer.objects.filter(grouping_assignments__option=golf)
    assert list(holders.values_list("name", flat=True)) == ["Mine"]


def test_bulk_ticked_customer_outside_the_filter_is_not_changed(editor_client, interests):
    golf = opt(interests, "Golf")
    it = IndustryFactory(name="IT")
    inside = CustomerFactory(name="Inside", industry=it)
    outside = CustomerFactory(name="Outside")
    bulk(
        editor_client,
        action="add",
        option=golf,
        scope="selected",
        customers=[inside, outside],
        query=f"industry={it.pk}",
        confirmed=True,
    )
    holders = Customer.objects.filter(grouping_assignments__option=golf)
    assert list(holders.values_list("name", flat=True)) == ["Inside"]


def test_invalid_date_is_shown_as_an_error_and_not_applied(reader_client):
    CustomerFactory(name="Alfa AB")
    response = report(reader_client, created_from="yesterday")
    assert names(response) == ["Alfa AB"]
    assert b'data-testid="filter-errors"' in response.content
