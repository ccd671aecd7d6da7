"""The customer rules, once: pure functions over a customer held in memory.

Both write paths call these functions and nothing else decides the matters below:

- the one-row services (``customers/services/*.py``) lock the customer, load its addresses
  (model instances) or options, call a rule, and save the rows the rule says changed;
- the importer (``customers/importing/``) keeps its plan of every customer of a file in memory
  (``importing/state.py``), calls the same rules row by row, in file order, and writes the
  result in bulk.

An address here is anything with ``pk`` (None until saved), ``is_head_office``, ``is_billing``
and ``is_default_billing``: an ``Address`` instance or the importer's planned address. A
customer's ``addresses`` are given in the order they were added (saved ones by id, then new
ones in the order they came). The functions set the flags on the objects and return the
*other* addresses whose flags they changed, so the caller knows what to save; they never
touch the database.

The invariants they keep (``Address`` has the matching database constraints):

- a customer with addresses has exactly one head office; the first address becomes it, and
  only an explicit choice moves it;
- at most one default billing address, and it is flagged billing. The first billing address
  becomes the default; after that the user's choice sticks: a new billing address does not
  take the flag over. Only when the default stops being billing (or is deleted) does another
  take its place: the head office when it is billing, else the oldest billing address.
- a grouping option of a single-choice category replaces the customer's other option of that
  category; two of them in one request are an error.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# -- the customer's own fields ------------------------------------------------------------------

# Fields a user may set on a customer (``customer_create``, ``customer_update``).
CUSTOMER_FIELDS = (
    "number",
    "name",
    "organisation_number",
    "vat_number",
    "country",
    "website",
    "email",
    "industry",
    "owner",
    "description",
    "show_description",
    "payment_term",
    "invoice_template",
    "price_list",
    "currency",
    "invoice_language",
    "overdue_interest",
    "einvoice_address",
    "einvoice_operator",
)
# Of those, the look-ups (foreign keys) an import column names by their name.
CUSTOMER_LOOKUP_FIELDS = (
    "industry",
    "owner",
    "payment_term",
    "invoice_template",
    "price_list",
    "currency",
    "einvoice_operator",
)
# Of those, the free-text ones an import column fills as written (trimmed).
CUSTOMER_TEXT_FIELDS = ("name", "einvoice_address", "description")
# The customer fields a file can fill (column key = field name), in the order exports write
# them; ``importing/columns.py`` gives each its header.
CUSTOMER_IMPORT_FIELDS = (
    "number",
    "name",
    "organisation_number",
    "vat_number",
    "country",
    "website",
    "email",
    "industry",
    "owner",
    "payment_term",
    "invoice_template",
    "price_list",
    "currency",
    "einvoice_address",
    "einvoice_operator",
    "description",
)

# Fields an address edit form may change (``address_update``).
ADDRESS_FIELDS = (
    "line1",
    "line2",
    "postal_code",
    "city",
    "country",
    "phone",
    "is_postal",
    "is_visiting",
    "is_billing",
)
ADDRESS_TYPES = ("is_postal", "is_visiting", "is_billing")
# Of an address already there, what an import may change ("Update existing customers'
# details"): line 1, postal code, city and country identify the address, so they stay.
ADDRESS_IMPORT_UPDATABLE = ("line2", *ADDRESS_TYPES)

# Fields a contact edit form may change (``contact_update``).
CONTACT_FIELDS = (
    "address",
    "first_name",
    "last_name",
    "title",
    "role",
    "email",
    "phone",
    "mobile",
    "language",
    "email_allowed",
    "notes",
    "is_active",
)
# Of a contact already there, what an import may change: name and email identify the person.
CONTACT_IMPORT_UPDATABLE = ("title", "role_id", "phone", "mobile")


def unknown_fields(given, allowed):
    """Raise ``TypeError`` naming the fields of ``given`` that ``allowed`` lacks."""
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(sorted(unknown))}")


# -- head office --------------------------------------------------------------------------------


def head_office_of(addresses):
    """The head office among ``addresses``, or None."""
    for address in addresses:
        if address.is_head_office:
            return address
    return None


def default_billing_of(addresses):
    """The default billing address among ``addresses``, or None."""
    for address in addresses:
        if address.is_default_billing:
            return address
    return None


def add_address(addresses, new, *, make_head_office=False):
    """``new`` joins the customer's ``addresses`` (which do not hold it yet).

    The first address becomes the head office whatever was asked; ``make_head_office`` on a
    later one moves the head office to it. ``new`` becomes the default billing address only
    when it is billing and the customer has no default yet. Returns the others changed.
    """
    current = head_office_of(addresses)
    changed = []
    if current is None:
        new.is_head_office = True
    elif make_head_office:
        current.is_head_office = False
        changed.append(current)
        new.is_head_office = True
    else:
        new.is_head_office = False
    new.is_default_billing = bool(new.is_billing) and default_billing_of(addresses) is None
    return changed


def move_head_office(addresses, target):
    """Make ``target`` (one of ``addresses``) the head office; return the others changed."""
    changed = []
    for address in addresses:
        if address is not target and address.is_head_office:
            address.is_head_office = False
            changed.append(address)
    target.is_head_office = True
    return changed


def check_keeps_head_office(address, *, is_head_office):
    """Refuse to take the flag off the head office: another address must take its place."""
    if is_head_office is False and address.is_head_office:
        raise ValidationError(
            {
                "is_head_office": _(
                    "The head office stays until another address is made head office."
                )
            }
        )


# -- billing ------------------------------------------------------------------------------------


def _creation_order(address):
    # Saved addresses by id, then new ones in the order they came (``sorted`` is stable).
    return (address.pk is None, address.pk or 0)


def promote_default_billing(addresses):
    """When no address is the default billing one, make one so: the head office if it is
    billing, else the oldest billing address. Return the address promoted, or None."""
    if default_billing_of(addresses) is not None:
        return None
    billing = [address for address in addresses if address.is_billing]
    if not billing:
        return None
    billing.sort(key=lambda address: (not address.is_head_office, *_creation_order(address)))
    billing[0].is_default_billing = True
    return billing[0]


def set_billing(addresses, address, is_billing):
    """Flag ``address`` (one of ``addresses``) billing or not; return the others changed.

    A billing address becomes the default when the customer has none. The default billing
    address that stops being billing loses the default, and another billing address takes it
    (``promote_default_billing``).
    """
    address.is_billing = bool(is_billing)
    if address.is_billing:
        if default_billing_of(addresses) is None:
            address.is_default_billing = True
        return []
    if not address.is_default_billing:
        return []
    address.is_default_billing = False
    promoted = promote_default_billing([a for a in addresses if a is not address])
    return [promoted] if promoted is not None else []


def set_default_billing(addresses, address):
    """The user's choice: ``address`` (flagged billing) becomes the default billing address."""
    if not address.is_billing:
        raise ValidationError(
            _("Only a billing address can be the default billing address."), code="not_billing"
        )
    changed = []
    for other in addresses:
        if other is not address and other.is_default_billing:
            other.is_default_billing = False
            changed.append(other)
    address.is_default_billing = True
    return changed


def remove_address(addresses, address, *, new_head_office=None):
    """``address`` leaves the customer; return the remaining addresses changed.

    The head office can go only as the last address or when ``new_head_office`` takes its
    place; the default billing address passes to another billing address.
    """
    others = [a for a in addresses if a is not address]
    if address.is_head_office and others and new_head_office is None:
        raise ValidationError(
            {
                "new_head_office": _(
                    "The head office can be deleted only when another address becomes the "
                    "head office."
                )
            },
            code="head_office_needs_replacement",
        )
    changed = []
    if address.is_head_office and new_head_office is not None:
        address.is_head_office = False
        new_head_office.is_head_office = True
        changed.append(new_head_office)
    if address.is_default_billing:
        address.is_default_billing = False
        promoted = promote_default_billing(others)
        if promoted is not None and promoted not in changed:
            changed.append(promoted)
    return changed


def flags(addresses):
    """The head office and default billing flags of ``addresses`` now, for ``lowered_first``."""
    return {
        id(address): (address.is_head_office, address.is_default_billing) for address in addresses
    }


def loses_flag(address, previous):
    """Whether ``address`` had a flag in ``previous`` (see ``flags``) that it no longer has."""
    head, default = previous.get(id(address), (False, False))
    return (head and not address.is_head_office) or (default and not address.is_default_billing)


def lowered_first(addresses, previous):
    """``addresses`` in the order to save them: those that lose a flag before the others.

    The database allows one head office and one default billing address per customer at any
    moment, so a flag must be cleared before another row takes it."""
    return sorted(addresses, key=lambda address: not loses_flag(address, previous))


# -- contacts -----------------------------------------------------------------------------------


def contact_address(chosen, head_office):
    """The address a new contact belongs to: the one chosen, else the head office (or None)."""
    return chosen if chosen is not None else head_office


# -- grouping options ---------------------------------------------------------------------------


def doubled_single_choice(options, *, category, is_single):
    """The single-choice category of which ``options`` hold two, or None.

    ``category(option)`` gives an option's category, ``is_single(category)`` whether the
    category allows one option per customer (``single_choice_error`` says so to the user)."""
    seen = {}
    for option in options:
        key = category(option)
        if not is_single(key):
            continue
        if key in seen and seen[key] != option:
            return key
        seen[key] = option
    return None


def single_choice_error(category_name):
    return ValidationError(
        _("%(category)s allows only one option.") % {"category": category_name},
        code="single_choice",
    )


def replaced_options(held, option, *, category, single):
    """The options of ``held`` that ``option`` replaces when the customer gets it: those of
    its category when the category is single-choice (``single``), else none."""
    if not single:
        return []
    wanted = category(option)
    return [other for other in held if other != option and category(other) == wanted]
