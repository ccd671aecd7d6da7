"""What the rows of an import do: match, create, add, validate, switches, all-or-nothing."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import (
    Address,
    Contact,
    ContactRole,
    Customer,
    CustomerGroupingOption,
    GroupingCategory,
    GroupingOption,
    Industry,
    NumberSequence,
    PaymentTerm,
)
from tests.customers.import_helpers import (
    EN_HEADER,
    confirm,
    csv_bytes,
    en_file,
    one_row,
    review,
    sv_file,
)
from tests.factories import (
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingCategoryFactory,
    GroupingOptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="importer", is_staff=True, is_superuser=True)


def state():
    """Everything an import may write, to compare before and after."""
    return (
        sorted(Customer.objects.values_list("number", "name", "version", "industry_id")),
        sorted(Address.objects.values_list("customer_id", "line1", "is_head_office")),
        sorted(Contact.objects.values_list("customer_id", "email", "first_name")),
        sorted(CustomerGroupingOption.objects.values_list("customer_id", "option_id")),
        Industry.objects.count(),
        GroupingOption.objects.count(),
    )


def errors_of(result):
    return [(e.row, e.column, e.value) for e in result.errors]


# -- the two sample files ------------------------------------------------------------------


def test_swedish_excel_sample_imports_customers_addresses_contacts_and_groupings(admin_user):
    result = confirm(sv_file(), admin_user, create_missing=True)
    assert result.committed, result.errors
    akerlund = Customer.objects.get(name="Åkerlunds Bygg AB")
    assert akerlund.organisation_number == "556036-0793"
    assert akerlund.industry.name == "Bygg"
    addresses = list(akerlund.addresses.order_by("id"))
    assert [a.city for a in addresses] == ["Stockholm", "Västerås"]
    assert [a.is_head_office for a in addresses] == [True, False]
    assert addresses[0].is_postal and addresses[0].is_visiting and addresses[0].is_billing
    assert addresses[0].is_default_billing
    assert addresses[1].is_visiting and not addresses[1].is_billing
    contacts = {c.first_name: c for c in akerlund.contacts.all()}
    assert contacts["Örjan"].address == addresses[0]
    assert contacts["Märta"].address == addresses[1]
    assert {str(o) for o in akerlund.grouping_options.all()} == {
        "Region\\Stockholm",
        "Storlek\\Medel",
    }
    cafe = Customer.objects.get(name="Café Söder HB")
    assert cafe.contacts.count() == 0
    assert cafe.addresses.get().is_head_office


def test_english_sample_imports_cleanly(admin_user):
    result = confirm(en_file(), admin_user, create_missing=True)
    assert result.committed, result.errors
    fjord = Customer.objects.get(name="Fjord Analytics AS")
    assert str(fjord.country) == "NO"
    assert fjord.contacts.get().address == fjord.addresses.get()


def test_review_writes_nothing(admin_user):
    before = state()
    result = review(sv_file(), admin_user, create_missing=True)
    assert result.new_customers == 2
    assert result.addresses_added == 3
    assert result.contacts_added == 2
    assert state() == before


def test_review_counts_and_row_actions(admin_user):
    result = review(sv_file(), admin_user, create_missing=True)
    assert [(r.row, r.action) for r in result.rows] == [(2, "new"), (3, "update"), (4, "new")]
    assert ["Bygg", "Restaurang"] in [names for _label, names in result.values_created]


# -- identity and idempotence -------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(admin_user):
    confirm(sv_file(), admin_user, create_missing=True)
    before = state()
    result = confirm(sv_file(), admin_user, create_missing=True)
    assert result.committed
    assert result.new_customers == 0
    assert result.addresses_added == result.contacts_added == result.groupings_added == 0
    assert {r.action for r in result.rows} == {"unchanged"}
    assert state() == before


def test_customer_is_matched_by_number_before_name(admin_user):
    customer = CustomerFactory(number=4711, name="Old Name AB")
    result = confirm(
        one_row(**{"Kundnummer": "4711", "Kundnamn": "New Name AB"}),
        admin_user,
        update_existing=True,
    )
    assert result.committed
    customer.refresh_from_db()
    assert customer.name == "New Name AB"
    assert Customer.objects.count() == 1


def test_customer_is_matched_by_name_trimmed_and_case_insensitive(admin_user):
    customer = CustomerFactory(name="Åkerlunds Bygg AB")
    result = confirm(
        one_row(
            **{
                "Kundnamn": "  ÅKERLUNDS   bygg ab ",
                "Ort": "Umeå",
                "Postnummer": "903 25",
                "Adressrad 1": "Väg 1",
            }
        ),
        admin_user,
    )
    assert result.committed
    assert Customer.objects.count() == 1
    assert customer.addresses.get().city == "Umeå"


def test_name_shared_by_two_customers_is_a_row_error(admin_user):
    CustomerFactory(name="Dubbel AB")
    CustomerFactory(name="Dubbel AB")
    result = review(one_row(**{"Kundnamn": "Dubbel AB"}), admin_user)
    assert errors_of(result) == [(2, "Kundnamn", "Dubbel AB")]
    assert "2" in result.errors[0].message


def test_same_address_and_contact_are_not_added_twice(admin_user):
    customer = CustomerFactory(name="Kund AB", country="SE")
    AddressFactory(customer=customer, line1="Storgatan 1", postal_code="11122", city="Stockholm")
    ContactFactory(customer=customer, first_name="Anna", last_name="Berg", email="anna@k.se")
    result = confirm(
        one_row(
            **{
                "Kundnamn": "Kund AB",
                "Adressrad 1": " storgatan 1 ",
                "Postnummer": "111 22",
                "Ort": "STOCKHOLM",
                "Kontakt förnamn": "Anna",
                "Kontakt efternamn": "Berg",
                "Kontakt e-post": "ANNA@k.se",
            }
        ),
        admin_user,
    )
    assert result.committed
    assert customer.addresses.count() == 1
    assert customer.contacts.count() == 1
    assert result.rows[0].action == "unchanged"


def test_contact_without_email_is_matched_by_name(admin_user):
    customer = CustomerFactory(name="Kund AB")
    ContactFactory(customer=customer, first_name="Åsa", last_name="Ek", email="")
    confirm(
        one_row(**{"Kundnamn": "Kund AB", "Kontakt förnamn": "åsa", "Kontakt efternamn": "EK"}),
        admin_user,
    )
    assert customer.contacts.count() == 1


def test_contact_without_address_on_its_row_goes_to_the_head_office(admin_user):
    customer = CustomerFactory(name="Kund AB")
    head = AddressFactory(customer=customer, is_head_office=True)
    confirm(
        one_row(**{"Kundnamn": "Kund AB", "Kontakt förnamn": "Per", "Kontakt efternamn": "Ek"}),
        admin_user,
    )
    assert customer.contacts.get().address == head


def test_new_head_office_in_the_file_moves_it_when_updating(admin_user):
    customer = CustomerFactory(name="Kund AB")
    old = AddressFactory(customer=customer, is_head_office=True)
    result = confirm(
        one_row(
            **{
                "Kundnamn": "Kund AB",
                "Adressrad 1": "Ny väg 2",
                "Postnummer": "222 22",
                "Ort": "Lund",
                "Huvudkontor": "ja",
            }
        ),
        admin_user,
        update_existing=True,
    )
    assert result.committed, result.errors
    old.refresh_from_db()
    assert not old.is_head_office
    assert customer.addresses.get(is_head_office=True).line1 == "Ny väg 2"


def test_head_office_stays_when_not_updating_and_review_says_so(admin_user):
    customer = CustomerFactory(name="Kund AB")
    old = AddressFactory(customer=customer, is_head_office=True)
    result = confirm(
        one_row(
            **{
                "Kundnamn": "Kund AB",
                "Adressrad 1": "Ny väg 2",
                "Postnummer": "222 22",
                "Ort": "Lund",
                "Huvudkontor": "ja",
            }
        ),
        admin_user,
    )
    assert result.committed
    old.refresh_from_db()
    assert old.is_head_office
    assert customer.addresses.count() == 2
    assert result.skipped_changes == 1


def test_first_address_of_a_customer_becomes_head_office_even_when_marked_no(admin_user):
    confirm(
        one_row(
            **{
                "Kundnamn": "Ny AB",
                "Adressrad 1": "Väg 1",
                "Postnummer": "111 22",
                "Ort": "Stockholm",
                "Huvudkontor": "nej",
            }
        ),
        admin_user,
    )
    assert Address.objects.get().is_head_office


def test_two_head_offices_for_one_customer_in_the_file_is_a_row_error(admin_user):
    content = csv_bytes(
        ["Kundnamn", "Adressrad 1", "Postnummer", "Ort", "Huvudkontor"],
        [["Ny AB", "Väg 1", "111 22", "Lund", "ja"], ["Ny AB", "Väg 2", "111 22", "Lund", "ja"]],
    )
    result = review(content, admin_user)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Huvudkontor")]


def test_new_customers_get_numbers_from_the_sequence(admin_user, settings):
    settings.KUNDKORT_CUSTOMER_NUMBER_START = 7000
    CustomerFactory(number=7001)
    confirm(csv_bytes(["Kundnamn"], [["A AB"], ["B AB"]]), admin_user)
    assert sorted(Customer.objects.exclude(number=7001).values_list("number", flat=True)) == [
        7000,
        7002,
    ]


def test_history_records_are_marked_as_the_import_of_the_file(admin_user):
    confirm(sv_file(), admin_user, file_name="kunder.csv", create_missing=True)
    for model in (Customer, Address, Contact, CustomerGroupingOption):
        records = model.history.all()
        assert records.exists()
        assert {r.history_change_reason for r in records} == {"import: kunder.csv"}
        assert {r.history_user_id for r in records} == {admin_user.pk}
        assert {r.history_type for r in records} == {"+"}


# -- row errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value", "column"),
    [
        ("Organisationsnummer", "556036-0794", "Organisation number"),
        ("Momsregistreringsnummer", "SE123", "VAT number"),
        ("E-post", "not-an-email", "Email"),
        ("Webbplats", "http://", "Website"),
        ("Land", "Atlantis", "Country"),
        ("Kundnummer", "12a", "Customer number"),
        ("Bransch", "Okänd bransch", "Industry"),
        ("Kundansvarig", "nobody@example.com", "Customer owner"),
        ("Valuta", "XXX", "Currency"),
        ("Betalningsvillkor", "90 dagar", "Payment term"),
        ("Kundgrupperingar", "Region", "Groupings"),
        ("Kundgrupperingar", "Okänd\\Kategori", "Groupings"),
    ],
)
def test_invalid_customer_value_is_a_row_error_naming_row_column_and_value(
    admin_user, header, value, column
):
    cells = {"Kundnamn": "Ny AB", header: value}
    result = review(one_row(**cells), admin_user)
    assert (2, header, value) in errors_of(result), result.errors
    assert result.rows[0].action == "error"


@pytest.mark.parametrize(
    ("header", "value", "column"),
    [
        ("Adresstyper", "hemma", "Address types"),
        ("Huvudkontor", "kanske", "Head office"),
        ("Adressland", "Narnia", "Address country"),
    ],
)
def test_invalid_address_value_is_a_row_error(admin_user, header, value, column):
    result = review(one_row(**{"Kundnamn": "Ny AB", "Adressrad 1": "Väg 1", header: value}))
    assert errors_of(result) == [(2, header, value)]


@pytest.mark.parametrize(
    ("header", "value", "column"),
    [
        ("Kontakt e-post", "anna@", "Contact email"),
        ("Kontakt telefon", "12", "Contact phone"),
        ("Kontakt roll", "Okänd roll", "Contact role"),
    ],
)
def test_invalid_contact_value_is_a_row_error(admin_user, header, value, column):
    cells = {"Kundnamn": "Ny AB", "Kontakt förnamn": "Anna", "Kontakt efternamn": "Berg"}
    result = review(one_row(**cells, **{header: value}), admin_user)
    assert errors_of(result) == [(2, header, value)]


def test_contact_without_last_name_is_a_row_error(admin_user):
    # The file has no last-name column, so the error names it in the user's language (Swedish).
    result = review(one_row(**{"Kundnamn": "Ny AB", "Kontakt förnamn": "Anna"}), admin_user)
    assert errors_of(result) == [(2, "Kontakt efternamn", "")]


def test_row_without_number_or_name_is_a_row_error(admin_user):
    content = csv_bytes(["Kundnamn", "Ort"], [["", "Stockholm"]])
    result = review(content, admin_user)
    assert errors_of(result) == [(2, "Kundnamn", "")]


def test_new_customer_number_without_name_is_a_row_error(admin_user):
    result = review(one_row(**{"Kundnummer": "999", "Kundnamn": ""}), admin_user)
    assert errors_of(result) == [(2, "Kundnamn", "")]


def test_conflicting_values_for_one_customer_in_two_rows_is_a_row_error(admin_user):
    content = csv_bytes(["Kundnamn", "Land"], [["Ny AB", "SE"], ["Ny AB", "NO"]])
    result = review(content, admin_user)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Land")]


def test_two_options_of_a_single_choice_category_is_a_row_error(admin_user):
    category = GroupingCategoryFactory(name="Storlek", selection=GroupingCategory.SINGLE)
    GroupingOptionFactory(category=category, name="Liten")
    GroupingOptionFactory(category=category, name="Stor")
    result = review(one_row(**{"Kundnamn": "Ny AB", "Kundgrupperingar": "Storlek\\Liten|Stor"}))
    assert result.errors  # "Stor" without a category
    result = review(
        one_row(**{"Kundnamn": "Ny AB", "Kundgrupperingar": "Storlek\\Liten|\\Storlek\\Stor"})
    )
    assert errors_of(result) == [(2, "Kundgrupperingar", "Storlek\\Liten|\\Storlek\\Stor")]


def test_row_errors_are_in_the_users_language(admin_user):
    from django.utils import translation

    with translation.override("en"):
        result = review(one_row(**{"Kundnamn": "Ny AB", "E-post": "x"}), admin_user)
    assert result.errors[0].message == "Not a valid email address."


def test_an_error_on_the_last_of_1000_rows_leaves_the_database_untouched(admin_user):
    rows = [
        [f"Kund {i}", "Storgatan 1", "111 22", "Stockholm", f"k{i}@example.com"] for i in range(999)
    ]
    rows.append(["Kund 999", "Storgatan 1", "111 22", "Stockholm", "broken@"])
    content = csv_bytes(["Kundnamn", "Adressrad 1", "Postnummer", "Ort", "E-post"], rows)
    before = state()
    result = confirm(content, admin_user)
    assert not result.committed
    assert errors_of(result) == [(1001, "E-post", "broken@")]
    assert state() == before


# -- the two switches ----------------------------------------------------------------------


def test_missing_values_are_errors_without_create_missing(admin_user):
    result = confirm(sv_file(), admin_user)
    assert not result.committed
    assert {e.column for e in result.errors} == {"Bransch", "Kundgrupperingar"}
    assert not Industry.objects.exists()


def test_create_missing_creates_lookups_categories_and_options(admin_user):
    content = one_row(
        **{
            "Kundnamn": "Ny AB",
            "Bransch": "Bygg",
            "Betalningsvillkor": "30 dagar",
            "Fakturamall": "Standard",
            "Prislista": "2026",
            "Kontakt förnamn": "Anna",
            "Kontakt efternamn": "Berg",
            "Kontakt roll": "Beslutsfattare",
            "Kundgrupperingar": "\\Region\\Norr",
        }
    )
    result = review(content, admin_user, create_missing=True)
    assert result.values_created_count == 7
    result = confirm(content, admin_user, create_missing=True)
    assert result.committed, result.errors
    customer = Customer.objects.get()
    assert customer.industry.name == "Bygg"
    assert customer.payment_term.name == "30 dagar"
    assert customer.invoice_template.name == "Standard"
    assert customer.price_list.name == "2026"
    assert customer.contacts.get().role == ContactRole.objects.get(name="Beslutsfattare")
    assert [str(o) for o in customer.grouping_options.all()] == ["Region\\Norr"]


def test_existing_lookup_is_matched_case_insensitively_and_not_created_again(admin_user):
    industry = Industry.objects.create(name="Bygg")
    confirm(one_row(**{"Kundnamn": "Ny AB", "Bransch": "BYGG"}), admin_user, create_missing=True)
    assert Customer.objects.get().industry == industry
    assert Industry.objects.count() == 1


def test_owner_is_never_created(admin_user):
    result = review(
        one_row(**{"Kundnamn": "Ny AB", "Kundansvarig": "ghost"}), admin_user, create_missing=True
    )
    assert errors_of(result) == [(2, "Kundansvarig", "ghost")]


def test_owner_by_username_or_email(admin_user):
    owner = UserFactory(username="karin", email="karin@firma.se")
    content = csv_bytes(
        ["Kundnamn", "Kundansvarig"], [["A AB", "KARIN"], ["B AB", "karin@firma.se"]]
    )
    confirm(content, admin_user)
    assert set(Customer.objects.values_list("owner_id", flat=True)) == {owner.pk}


def test_without_update_existing_customer_fields_stay_and_review_lists_skipped(admin_user):
    PaymentTerm.objects.create(name="30 dagar")
    customer = CustomerFactory(name="Kund AB", website="https://old.se")
    result = confirm(
        one_row(
            **{
                "Kundnamn": "Kund AB",
                "Webbplats": "https://new.se",
                "Betalningsvillkor": "30 dagar",
            }
        ),
        admin_user,
    )
    assert result.committed
    customer.refresh_from_db()
    assert customer.website == "https://old.se"
    assert customer.payment_term is None
    assert result.skipped_changes == 2
    assert result.rows[0].action == "unchanged"
    assert any("https://new.se" in change for change in result.rows[0].changes)


def test_with_update_existing_customer_fields_change_and_version_goes_up(admin_user):
    customer = CustomerFactory(name="Kund AB", website="https://old.se")
    version = customer.version
    result = confirm(
        one_row(**{"Kundnamn": "Kund AB", "Webbplats": "new.se"}), admin_user, update_existing=True
    )
    assert result.committed
    assert result.updated_customers == 1
    customer.refresh_from_db()
    assert customer.website == "https://new.se"
    assert customer.version == version + 1
    assert customer.history.first().history_change_reason == "import: test.csv"


def test_empty_cells_never_clear_existing_values(admin_user):
    customer = CustomerFactory(name="Kund AB", website="https://old.se")
    confirm(one_row(**{"Kundnamn": "Kund AB", "Webbplats": ""}), admin_user, update_existing=True)
    customer.refresh_from_db()
    assert customer.website == "https://old.se"


# -- queries -------------------------------------------------------------------------------


def _rows_file(count, offset=0):
    rows = [
        [
            f"Kund {offset + i} AB",
            "556036-0793",
            "SE",
            "Bygg",
            f"Storgatan {i}",
            "111 22",
            "Stockholm",
            "post,faktura",
            "ja",
            "Anna",
            f"Berg{i}",
            f"anna{offset + i}@kund.se",
            "Region\\Norr",
        ]
        for i in range(count)
    ]
    return csv_bytes(EN_HEADER, rows)


def _statements(context):
    return Counter(query["sql"].split()[0].upper() for query in context.captured_queries)


@pytest.mark.parametrize("commit", [False, True])
def test_query_count_does_not_grow_with_the_rows(admin_user, commit):
    Industry.objects.create(name="Bygg")
    GroupingOptionFactory(category=GroupingCategoryFactory(name="Region"), name="Norr")
    for i in range(5):
        CustomerFactory(name=f"Kund {i} AB")  # some rows match existing customers
    NumberSequence.objects.create(key="customer", next_value=1001)
    run = confirm if commit else review
    with CaptureQueriesContext(connection) as small:
        assert not run(_rows_file(10), admin_user).has_errors
    for i in range(10, 15):
        CustomerFactory(name=f"Kund {i} AB")  # the larger file matches existing ones too
    with CaptureQueriesContext(connection) as large:
        assert not run(_rows_file(100), admin_user).has_errors
    small, large = _statements(small), _statements(large)
    if connection.vendor == "sqlite":
        # SQLite caps the parameters of one statement, so bulk inserts go in batches of some
        # dozens of rows; everything else is the same. PostgreSQL inserts with COPY (below).
        assert large.pop("INSERT", 0) <= 4 * small.pop("INSERT", 0)
    assert large == small


def _known_customer():
    customer = CustomerFactory(name="Kund AB")
    address = AddressFactory(
        customer=customer,
        line1="Storgatan 1",
        postal_code="111 22",
        city="Stockholm",
        is_postal=True,
        is_head_office=True,
    )
    contact = ContactFactory(
        customer=customer,
        address=address,
        first_name="Anna",
        last_name="Berg",
        email="anna@kund.se",
        title="Säljare",
        phone="",
    )
    return customer, address, contact


def _known_row(**extra):
    return one_row(
        **{
            "Kundnamn": "Kund AB",
            "Adressrad 1": "Storgatan 1",
            "Postnummer": "11122",
            "Ort": "Stockholm",
            "Adresstyper": "post,faktura",
            "Kontakt förnamn": "Anna",
            "Kontakt efternamn": "Berg",
            "Kontakt e-post": "anna@kund.se",
            "Kontakt titel": "VD",
            "Kontakt telefon": "08-123 456 78",
            **extra,
        }
    )


def test_update_existing_changes_known_addresses_and_contacts(admin_user):
    _customer, address, contact = _known_customer()
    result = confirm(_known_row(), admin_user, update_existing=True)
    assert result.committed, result.errors
    assert result.rows[0].action == "update"
    address.refresh_from_db()
    contact.refresh_from_db()
    assert (address.is_postal, address.is_billing, address.is_default_billing) == (True,) * 3
    assert (contact.title, contact.phone) == ("VD", "+46812345678")
    assert contact.version == 2
    assert contact.history.first().history_change_reason == "import: test.csv"
    assert Address.objects.count() == 1 and Contact.objects.count() == 1


def test_without_update_existing_known_addresses_and_contacts_stay(admin_user):
    _customer, address, contact = _known_customer()
    result = confirm(_known_row(), admin_user)
    assert result.committed
    assert result.rows[0].action == "unchanged"
    assert result.skipped_changes == 3  # types, title, phone
    address.refresh_from_db()
    contact.refresh_from_db()
    assert not address.is_billing
    assert (contact.title, contact.phone) == ("Säljare", "")


def test_einvoice_address_is_checked_against_the_operators_format(admin_user):
    from customers.models import EInvoiceOperator

    EInvoiceOperator.objects.create(name="GLN-operatören", address_format="gln")
    cells = {"Kundnamn": "Ny AB", "E-fakturaoperatör": "GLN-operatören"}
    bad = review(one_row(**cells, **{"E-fakturaadress": "123"}), admin_user)
    assert errors_of(bad) == [(2, "E-fakturaadress", "123")]
    good = confirm(one_row(**cells, **{"E-fakturaadress": "7350053850019"}), admin_user)
    assert good.committed, good.errors
    assert Customer.objects.get().einvoice_address == "7350053850019"


def test_grouping_added_by_import_makes_the_customer_one_version_newer(admin_user):
    from tests.factories import CustomerFactory, GroupingOptionFactory

    option = GroupingOptionFactory(category__name="Region", name="Norr")
    customer = CustomerFactory(name="Kund AB")
    confirm(one_row(**{"Kundnamn": "Kund AB", "Kundgrupperingar": "Region\\Norr"}), admin_user)
    customer.refresh_from_db()
    assert list(customer.grouping_options.all()) == [option]
    assert customer.version == 2
