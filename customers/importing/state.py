"""The import's plan of a customer held in memory: what it has and what the file adds.

``PlannedCustomer`` and ``PlannedAddress`` are the in-memory state the rules of
``customers/rules.py`` work on (an address has ``pk``, ``is_head_office``, ``is_billing`` and
``is_default_billing``, like an ``Address``). They use ``__slots__``: a 100,000-row file holds
one of each per row, and slots halve their memory.
"""

from .values import fold

# The fields of a new address, in the order ``PlannedAddress.fields`` holds them.
NEW_ADDRESS_FIELDS = (
    "line1",
    "line2",
    "postal_code",
    "city",
    "country",
    "is_postal",
    "is_visiting",
    "is_billing",
)


class PlannedAddress:
    """An address of a planned customer: one already saved (``pk``) or one the file adds.

    ``fields`` is a tuple: ``NEW_ADDRESS_FIELDS`` for a new address; for a saved one what the
    file may change of it (``rules.ADDRESS_IMPORT_UPDATABLE``: line 2 and the three types).
    """

    __slots__ = (
        "pk",
        "fields",
        "is_head_office",
        "was_head_office",
        "explicit_head_office",
        "is_billing",
        "is_default_billing",
        "was_default_billing",
        "row",
        "updates",
    )

    def __init__(self, pk=None, fields=None, *, head=False, billing=False, default=False, row=0):
        self.pk = pk
        self.updates = None  # field -> value, for a saved address the file changes
        self.fields = fields
        self.is_head_office = head
        self.was_head_office = head
        self.explicit_head_office = False  # a row of the file says "head office: yes"
        self.is_billing = billing
        self.is_default_billing = default
        self.was_default_billing = default
        self.row = row

    @property
    def flags_changed(self):
        return (
            self.is_head_office != self.was_head_office
            or self.is_default_billing != self.was_default_billing
        )

    @property
    def loses_flag(self):
        return (self.was_head_office and not self.is_head_office) or (
            self.was_default_billing and not self.is_default_billing
        )


class PlannedCustomer:
    """A customer of the file: an existing one (``instance``) or one the file creates."""

    __slots__ = (
        "instance",
        "values",
        "value_rows",
        "first_row",
        "addresses",
        "head_office",
        "contacts",
        "new_contacts",
        "options",
        "new_options",
        "removed_options",
        "changed",
        "added",
        "label",
        "pk",
        "country",
        "existing_contacts",
        "contact_updates",
    )

    def __init__(self, instance=None, row=0, label=""):
        self.instance = instance  # None for a customer the file creates
        self.pk = instance.pk if instance is not None else None
        self.existing_contacts = None  # identity -> {"pk", "title", "role_id", ...} (existing)
        self.contact_updates = None  # contact pk -> {field: value}
        # The stored code, not ``instance.country``: django-countries builds a Country object
        # and checks the active language on each read, 40 µs a customer.
        self.country = instance.__dict__["country"] if instance is not None else "SE"
        self.values = {}  # field attname -> new value
        self.value_rows = None  # attname -> row, only for values from a later row
        self.first_row = row
        self.addresses = {}  # identity -> PlannedAddress, in the order they were added
        self.head_office = None
        self.contacts = []  # identities (a list: a customer has few, and a set costs 216 bytes)
        self.new_contacts = []  # (fields, PlannedAddress or None, row)
        self.options = []  # option keys held (existing and planned)
        self.new_options = []
        self.removed_options = ()  # option pks to take off (single-choice replaced)
        self.changed = False
        self.added = False
        self.label = label

    @property
    def is_new(self):
        return self.instance is None

    def country_now(self):
        """The customer's country as the file leaves it."""
        if "country" in self.values:
            return self.values["country"]
        return self.country


def address_identity(line1, postal_code, city, country):
    """Two addresses are the same when line 1, postal code, city and country match."""
    # One string rather than a tuple of four: the plan holds one per address.
    return "\x1f".join(
        (fold(line1), postal_code.replace(" ", "").casefold(), fold(city), str(country))
    )


def contact_identity(email, first_name, last_name):
    """A contact is the same person by email, or by first and last name when there is none."""
    if email:
        return "@\x1f" + email.casefold()
    return "\x1f".join((fold(first_name), fold(last_name)))
