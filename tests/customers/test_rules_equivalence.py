"""The same changes made through the one-row services and through the importer give the same
rows: head office, default billing, types, contacts' addresses, grouping options, numbers,
versions and history records (each marked with its own path's source).

Each scenario is a list of steps a user could take on the card, one at a time, or write as
rows of a file. Both paths run in the same database from the same starting point (a
savepoint each, rolled back after), and the rows are compared by their natural keys (names,
address lines), since ids differ between the runs. A scenario changes each row in one step
at most: an import writes a row once per file, a form once per save, and versions count saves.
"""

import pytest
from django.db import transaction

from core.history import SOURCE_FORM, change_source
from customers.models import (
    Address,
    Contact,
    Customer,
    CustomerGroupingOption,
    GroupingCategory,
    GroupingOption,
)
from customers.services.addresses import address_create, address_update
from customers.services.contacts import contact_create
from customers.services.customers import customer_create
from customers.services.groupings import customer_set_grouping_options
from tests.customers.import_helpers import confirm, csv_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FILE_NAME = "equivalence.csv"
HEADER = [
    "Customer number",
    "Customer name",
    "Address line 1",
    "Postal code",
    "City",
    "Address types",
    "Head office",
    "Contact first name",
    "Contact last name",
    "Groupings",
]
TYPE_WORDS = {"is_postal": "postal", "is_visiting": "visiting", "is_billing": "billing"}


# -- the steps -------------------------------------------------------------------------------------
def customer(name, number=None):
    return ("customer", name, {"number": number})


def address(name, line1, *types, head=False):
    return ("address", name, {"line1": line1, "types": types, "head": head})


def retype(name, line1, *types):
    return ("retype", name, {"line1": line1, "types": types})


def contact(name, first, last, at=None):
    return ("contact", name, {"first": first, "last": last, "at": at})


def option(name, path):
    return ("option", name, {"path": path})


def _address_cells(line1):
    return {"line1": line1, "postal_code": "111 22", "city": "Stockholm"}


class Services:
    """The steps as the card's forms make them: one service call each."""

    def __init__(self, user):
        self.user = user

    def run(self, steps):
        with change_source(SOURCE_FORM):
            for kind, name, args in steps:
                getattr(self, kind)(name, **args)

    def customer(self, name, number):
        customer_create(user=self.user, name=name, number=number)

    def address(self, name, line1, types, head):
        address_create(
            customer=Customer.objects.get(name=name),
            user=self.user,
            **_address_cells(line1),
            **{flag: True for flag in types},
            is_head_office=head,
        )

    def retype(self, name, line1, types):
        """The address's edit form, with its types ticked anew."""
        chosen = Address.objects.get(customer__name=name, line1=line1)
        address_update(
            address=chosen,
            user=self.user,
            expected_version=chosen.version,
            **{flag: flag in types for flag in TYPE_WORDS},
        )

    def contact(self, name, first, last, at):
        owner = Customer.objects.get(name=name)
        chosen = Address.objects.get(customer=owner, line1=at) if at else None
        contact_create(
            customer=owner, user=self.user, first_name=first, last_name=last, address=chosen
        )

    def option(self, name, path):
        """What the settings tab posts: the options held, with the new one picked (for a
        single-choice category the user's pick takes the radio button from the old one)."""
        owner = Customer.objects.get(name=name)
        category_name, option_name = path.split("\\")
        picked = GroupingOption.objects.get(category__name=category_name, name=option_name)
        held = [
            held
            for held in owner.grouping_options.select_related("category")
            if not (picked.category.is_single_choice and held.category_id == picked.category_id)
        ]
        customer_set_grouping_options(customer=owner, user=self.user, options=[*held, picked])


def _file(steps):
    """The steps as rows of one file, in the same order."""
    rows = []
    for kind, name, args in steps:
        cells = dict.fromkeys(HEADER, "")
        cells["Customer name"] = name
        if kind == "customer":
            cells["Customer number"] = str(args["number"] or "")
        elif kind == "retype":
            cells.update(
                {
                    "Address line 1": args["line1"],
                    "Postal code": "111 22",
                    "City": "Stockholm",
                    "Address types": ",".join(TYPE_WORDS[flag] for flag in args["types"]),
                }
            )
        elif kind == "address":
            cells.update(
                {
                    "Address line 1": args["line1"],
                    "Postal code": "111 22",
                    "City": "Stockholm",
                    "Address types": ",".join(TYPE_WORDS[flag] for flag in args["types"]),
                    "Head office": "yes" if args["head"] else "",
                }
            )
        elif kind == "contact":
            cells["Contact first name"] = args["first"]
            cells["Contact last name"] = args["last"]
            if args["at"]:
                cells.update(
                    {"Address line 1": args["at"], "Postal code": "111 22", "City": "Stockholm"}
                )
        else:
            cells["Groupings"] = args["path"]
        rows.append([cells[column] for column in HEADER])
    return csv_bytes(HEADER, rows)


# -- what is compared ------------------------------------------------------------------------------
def _history(model, since, **filters):
    """The history records of ``model`` written after ``since`` (the steps', not the setup's)."""
    return model.history.filter(history_id__gt=since[model], **filters)


def snapshot(names, since):
    """Every row of the customers ``names`` that a rule decides, by natural key."""
    found = {}
    sources = set()
    for customer in Customer.objects.filter(name__in=names).order_by("name"):
        addresses = list(customer.addresses.order_by("line1"))
        by_pk = {a.pk: a.line1 for a in addresses}
        history = []
        for model, label, filters in (
            (Customer, lambda r: r.name, {"id": customer.pk}),
            (Address, lambda r: r.line1, {"customer_id": customer.pk}),
            (Contact, lambda r: r.first_name, {"customer_id": customer.pk}),
            (
                CustomerGroupingOption,
                lambda r: GroupingOption.objects.get(pk=r.option_id).name,
                {"customer_id": customer.pk},
            ),
        ):
            for record in _history(model, since, **filters):
                history.append((model.__name__, label(record), record.history_type))
                sources.add(record.history_change_reason)
        found[customer.name] = {
            "number": customer.number,
            "version": customer.version,
            "addresses": [
                (
                    a.line1,
                    a.is_head_office,
                    a.is_default_billing,
                    a.is_postal,
                    a.is_visiting,
                    a.is_billing,
                    a.version,
                )
                for a in addresses
            ],
            "contacts": sorted(
                (c.first_name, c.last_name, by_pk.get(c.address_id), c.version)
                for c in customer.contacts.all()
            ),
            "options": sorted(customer.grouping_options.values_list("category__name", "name")),
            "history": sorted(history),
        }
    return found, sources


class Rollback(Exception):
    pass


def run_both(user, setup, steps):
    """(rows after the services, their history sources, rows after the import, its sources)."""
    names = sorted({name for _kind, name, _args in setup + steps})
    results = []
    for path in ("services", "import"):
        try:
            with transaction.atomic():
                Services(user).run(setup)
                since = {
                    model: model.history.order_by("-history_id")
                    .values_list("history_id", flat=True)
                    .first()
                    or 0
                    for model in (Customer, Address, Contact, CustomerGroupingOption)
                }
                if path == "services":
                    Services(user).run(steps)
                else:
                    result = confirm(_file(steps), user, file_name=FILE_NAME, update_existing=True)
                    assert result.committed, [e.message for e in result.errors]
                results.append(snapshot(names, since))
                raise Rollback
        except Rollback:
            pass
    (by_services, service_sources), (by_import, import_sources) = results
    return by_services, service_sources, by_import, import_sources


@pytest.fixture
def user(db):
    return UserFactory(username="equal", is_staff=True, is_superuser=True)


@pytest.fixture
def groupings(db):
    region = GroupingCategory.objects.create(name="Region", selection=GroupingCategory.SINGLE)
    interests = GroupingCategory.objects.create(name="Interests")
    for category, names in ((region, ("North", "South")), (interests, ("Golf", "Wine"))):
        for name in names:
            GroupingOption.objects.create(category=category, name=name)


SCENARIOS = {
    "one postal address": (
        [],
        [customer("Alfa AB"), address("Alfa AB", "Storgatan 1", "is_postal")],
    ),
    "one address of every type": (
        [],
        [
            customer("Alfa AB"),
            address("Alfa AB", "Storgatan 1", "is_postal", "is_visiting", "is_billing"),
        ],
    ),
    "two addresses, the second billing": (
        [],
        [
            customer("Alfa AB"),
            address("Alfa AB", "Storgatan 1", "is_visiting"),
            address("Alfa AB", "Box 12", "is_postal", "is_billing"),
        ],
    ),
    "three addresses, two of them billing": (
        [],
        [
            customer("Alfa AB"),
            address("Alfa AB", "Storgatan 1", "is_postal", "is_visiting"),
            address("Alfa AB", "Box 12", "is_billing"),
            address("Alfa AB", "Fakturavägen 3", "is_postal", "is_billing"),
        ],
    ),
    "a second billing address does not take the default over": (
        [customer("Alfa AB"), address("Alfa AB", "Storgatan 1", "is_billing")],
        [address("Alfa AB", "Box 12", "is_billing")],
    ),
    "a new head office that is billing leaves the default where it was": (
        [customer("Alfa AB"), address("Alfa AB", "Storgatan 1", "is_billing")],
        [address("Alfa AB", "Box 12", "is_billing", "is_postal", head=True)],
    ),
    "the default billing address stops being billing: the oldest billing one takes over": (
        [
            customer("Alfa AB"),
            address("Alfa AB", "Storgatan 1", "is_postal"),
            address("Alfa AB", "Box 12", "is_billing"),
            address("Alfa AB", "Box 13", "is_billing"),
        ],
        [
            address("Alfa AB", "Fakturavägen 3", "is_billing"),
            retype("Alfa AB", "Box 12", "is_postal"),
        ],
    ),
    "the default billing address stops being billing: a billing head office takes over": (
        [
            customer("Alfa AB"),
            address("Alfa AB", "Storgatan 1", "is_postal"),
            address("Alfa AB", "Box 12", "is_billing"),
            address("Alfa AB", "Box 13", "is_billing"),
            retype("Alfa AB", "Storgatan 1", "is_postal", "is_billing"),
        ],
        [retype("Alfa AB", "Box 12", "is_visiting")],
    ),
    "head office change": (
        [customer("Alfa AB"), address("Alfa AB", "Storgatan 1", "is_postal")],
        [address("Alfa AB", "Industrivägen 5", "is_visiting", head=True)],
    ),
    "contact at an address that is not the head office": (
        [
            customer("Alfa AB"),
            address("Alfa AB", "Storgatan 1", "is_postal"),
            address("Alfa AB", "Industrivägen 5", "is_visiting"),
        ],
        [
            contact("Alfa AB", "Märta", "Öberg", at="Industrivägen 5"),
            contact("Alfa AB", "Örjan", "Lindström"),
        ],
    ),
    "replacing the option of a single-choice category": (
        [customer("Alfa AB"), option("Alfa AB", "Region\\North")],
        [option("Alfa AB", "Region\\South")],
    ),
    "an added multi-choice option": (
        [customer("Alfa AB"), option("Alfa AB", "Interests\\Golf")],
        [option("Alfa AB", "Interests\\Wine")],
    ),
    "numbers given": (
        [],
        [customer("Alfa AB", number=5000), customer("Beta AB", number=1001), customer("Gamma AB")],
    ),
    "numbers from the sequence": ([], [customer("Alfa AB"), customer("Beta AB")]),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_services_and_import_give_the_same_rows(user, groupings, scenario):
    setup, steps = SCENARIOS[scenario]
    by_services, service_sources, by_import, import_sources = run_both(user, setup, steps)
    assert by_services  # the scenario's customers exist
    assert by_import == by_services
    assert service_sources == {SOURCE_FORM}
    assert import_sources == {f"import: {FILE_NAME}"}
