"""Planning a row's address: a new one for the customer, or one it has whose details change.

The head office and default billing flags are decided by ``customers/rules.py``, called row by
row in file order, so a file gives the same flags as adding its addresses one by one on the
card. What is import policy stays here: a file may make one address per customer the head
office, and an existing customer's head office and address details change only with "Update
existing customers' details" on.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import rules
from ..models import Address
from ..validators import validate_address
from . import values as v
from .state import PlannedAddress, address_identity

# The address columns that name an address (any of them filled: the row has one).
ADDRESS_COLUMNS = ("line1", "line2", "postal_code", "city")
# The cells that only make sense with an address on the row.
ADDRESS_DETAILS = ("address_types", "head_office", "address_country")
ADDRESS_LIMITS = tuple((name, Address._meta.get_field(name).max_length) for name in ADDRESS_COLUMNS)


def plan_address(planner, state, plan, cells):
    """Plan the row's address; return the ``PlannedAddress`` it names (new or matched) or
    None."""
    if cells.keys().isdisjoint(ADDRESS_COLUMNS):
        for key in ADDRESS_DETAILS:
            if key in cells:
                message = _("The row has no address for this value to belong to.")
                state.error(key, cells[key], ValidationError(message))
        return None
    ok = True
    fields = {}
    for key, limit in ADDRESS_LIMITS:
        try:
            fields[key] = v.clean_text(cells.get(key, ""), limit)
        except ValidationError as exc:
            state.error(key, cells[key], exc)
            ok = False
    try:
        country = (
            v.clean_country(cells["address_country"])
            if "address_country" in cells
            else plan.country_now()
        )
    except ValidationError as exc:
        state.error("address_country", cells["address_country"], exc)
        ok = False
        country = "SE"
    flags = set()
    if "address_types" in cells:
        try:
            flags = v.clean_address_types(cells["address_types"])
        except ValidationError as exc:
            state.error("address_types", cells["address_types"], exc)
            ok = False
    head = None
    if "head_office" in cells:
        try:
            head = v.clean_yes_no(cells["head_office"])
        except ValidationError as exc:
            state.error("head_office", cells["head_office"], exc)
            ok = False
    if ok:  # the rule of every address (Address.clean() applies it to forms)
        try:
            fields["postal_code"] = validate_address(
                line1=fields["line1"],
                postal_code=fields["postal_code"],
                city=fields["city"],
                country=country,
            )
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                state.error(key, cells.get(key, ""), ValidationError(messages))
            ok = False
    if not ok:
        return None
    identity = address_identity(fields["line1"], fields["postal_code"], fields["city"], country)
    existing = plan.addresses.get(identity)
    if existing is not None:
        if existing.pk is not None:
            _update_address(planner, state, plan, existing, cells, flags)
        if head and existing.is_head_office:
            existing.explicit_head_office = True
        elif head and _may_move_head_office(planner, state, plan, cells["head_office"]):
            _move_head_office(state, plan, existing)
        return existing
    fields = (
        fields["line1"],
        fields["line2"],
        fields["postal_code"],
        fields["city"],
        country,
        "is_postal" in flags,
        "is_visiting" in flags,
        "is_billing" in flags,
    )  # state.NEW_ADDRESS_FIELDS; a tuple, as the plan holds one per address of the file
    address = PlannedAddress(fields=fields, billing="is_billing" in flags, row=state.row)
    rules.add_address(plan.addresses.values(), address)
    plan.addresses[identity] = address
    plan.added = True
    planner.result.addresses_added += 1
    state.added(lambda: planner.t_address % {"address": _short(fields)})
    if plan.head_office is None:
        address.explicit_head_office = bool(head)
        plan.head_office = address
    elif head and _may_move_head_office(planner, state, plan, cells["head_office"]):
        _move_head_office(state, plan, address)
    return address


def _may_move_head_office(planner, state, plan, cell):
    """Whether the row may make another address the head office: not when an earlier row
    did so already, nor an existing customer's saved one with updating off."""
    current = plan.head_office
    if current.explicit_head_office:
        message = _("Row %(row)s already makes another address the head office.") % {
            "row": current.row
        }
        state.error("head_office", cell, ValidationError(message))
        return False
    if current.pk is not None and not plan.is_new and not planner.options.update_existing:
        planner.result.skipped_changes += 1
        state.note(
            _("head office not moved to this address: updating details is off"), skipped=True
        )
        return False
    return True


def _move_head_office(state, plan, address):
    rules.move_head_office(plan.addresses.values(), address)
    address.explicit_head_office = True
    plan.head_office = address
    if address.pk is not None:
        plan.changed = True
    state.note(_("head office moved to this address"))


def _update_address(planner, state, plan, address, cells, flags):
    """An existing address the file names again: its line 2 and types may differ."""
    line2, is_postal, is_visiting, is_billing = address.fields  # ADDRESS_IMPORT_UPDATABLE
    updates = {}
    where = _("Address %(address)s") % {"address": cells.get("line1", "")}
    if (
        cells.get("line2")
        and cells["line2"] != line2
        and planner.may_change(state, "{}, {}".format(where, _("line 2")), line2, cells["line2"])
    ):
        updates["line2"] = cells["line2"]
    if "address_types" in cells:
        new = {name: name in flags for name in rules.ADDRESS_TYPES}
        old = {"is_postal": is_postal, "is_visiting": is_visiting, "is_billing": is_billing}
        if new != old and planner.may_change(
            state, "{}, {}".format(where, _("types")), _types_text(old), _types_text(new)
        ):
            updates.update(new)
            rules.set_billing(plan.addresses.values(), address, new["is_billing"])
    if updates:
        address.updates = {**(address.updates or {}), **updates}
        address.fields = tuple(
            updates.get(name, value)
            for name, value in zip(
                rules.ADDRESS_IMPORT_UPDATABLE,
                (line2, is_postal, is_visiting, is_billing),
                strict=True,
            )
        )
        plan.changed = True


def _types_text(flags):
    names = (("is_postal", "postal"), ("is_visiting", "visiting"), ("is_billing", "billing"))
    return ",".join(name for key, name in names if flags[key])


def _short(fields):
    line1, _line2, postal_code, city = fields[:4]
    return ", ".join(p for p in (line1, f"{postal_code} {city}".strip()) if p)
