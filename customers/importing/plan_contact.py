"""Planning a row's contact: a new contact person of the customer, or one it has whose title,
role or phone numbers change.

A contact is the same person by email, or by first and last name when there is none
(``state.contact_identity``). A new contact belongs to the row's address, else to the head
office (``rules.contact_address``), as on the card.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import rules
from ..models import Contact
from . import values as v
from .state import contact_identity

CONTACT_COLUMNS = (
    "contact_first_name",
    "contact_last_name",
    "contact_title",
    "contact_role",
    "contact_email",
    "contact_phone",
    "contact_mobile",
)
NAME_LIMIT = Contact._meta.get_field("first_name").max_length
TITLE_LIMIT = Contact._meta.get_field("title").max_length


def plan_contact(planner, state, plan, cells, address):
    """Plan the row's contact (``address``: the row's ``PlannedAddress`` or None)."""
    if cells.keys().isdisjoint(CONTACT_COLUMNS):
        return
    ok = True
    first = cells.get("contact_first_name", "")
    last = cells.get("contact_last_name", "")
    fields = {}
    for key, attname in (("contact_first_name", "first_name"), ("contact_last_name", "last_name")):
        if not cells.get(key):
            state.error(key, "", ValidationError(_("A contact needs a first and a last name.")))
            ok = False
            continue
        try:
            fields[attname] = v.clean_text(cells[key], NAME_LIMIT)
        except ValidationError as exc:
            state.error(key, cells[key], exc)
            ok = False
    # Phone numbers are read with the country of a new address, else the customer's.
    country = address.fields[4] if address and address.pk is None else plan.country_now()
    validator = planner.cells
    for key, attname in (
        ("contact_title", "title"),
        ("contact_email", "email"),
        ("contact_phone", "phone"),
        ("contact_mobile", "mobile"),
    ):
        if key not in cells:
            continue
        try:
            if key == "contact_title":
                fields[attname] = v.clean_text(cells[key], TITLE_LIMIT)
            elif key == "contact_email":
                fields[attname] = validator.email(cells[key])
            else:
                fields[attname] = validator.column(key, cells[key], country)
        except ValidationError as exc:
            state.error(key, cells[key], exc)
            ok = False
    if "contact_role" in cells:
        try:
            fields["role_id"] = planner.lookups.contact_role.resolve(
                cells["contact_role"], create=planner.options.create_missing
            )
        except ValidationError as exc:
            state.error("contact_role", cells["contact_role"], exc)
            ok = False
    if not ok:
        return
    identity = contact_identity(fields.get("email", ""), first, last)
    if identity in plan.contacts:
        current = (plan.existing_contacts or {}).get(identity)
        if current is not None:
            _update_contact(planner, state, plan, current, fields)
        return
    plan.contacts.append(identity)
    target = rules.contact_address(address, plan.head_office)
    plan.new_contacts.append((fields, target, state.row))
    plan.added = True
    planner.result.contacts_added += 1
    state.added(
        lambda: planner.t_contact % {"name": f"{fields['first_name']} {fields['last_name']}"}
    )


def _update_contact(planner, state, plan, current, fields):
    """A contact already there that the file names again: title, role, phones may differ."""
    updates = {}
    name = f"{current['first_name']} {current['last_name']}"
    labels = {
        "title": _("title"),
        "role_id": _("role"),
        "phone": _("phone"),
        "mobile": _("mobile"),
    }
    for attname in rules.CONTACT_IMPORT_UPDATABLE:
        if attname not in fields or fields[attname] == current[attname]:
            continue
        if attname == "role_id":
            index = planner.lookups.contact_role
            old, new = index.display(current[attname]), index.display(fields[attname])
        else:
            old, new = current[attname], fields[attname]
        if planner.may_change(state, f"{name}, {labels[attname]}", old, new):
            updates[attname] = fields[attname]
    if updates:
        current.update(updates)
        plan.contact_updates = plan.contact_updates or {}
        plan.contact_updates.setdefault(current["pk"], {}).update(updates)
        plan.changed = True
