"""The permission levels (modelled on Severa's "Customers and contacts" levels) as groups.

The names are defined here, with the customers app's share of each level; ``projects`` and
``activities`` grant their own permissions to the same groups in their ``AppConfig.ready()``.
``core.roles.sync_roles`` writes them in each app's data migration.
"""

from django.utils.translation import gettext_lazy

READ_ONLY = "Customers: Read-only"
EDIT = "Customers: Edit"
ALL = "Customers: All"
DELETE = "Customers: Delete customers"
OWN_ONLY = "Customers: Edit own customers only"

ROLE_NAMES = [READ_ONLY, EDIT, ALL, DELETE, OWN_ONLY]

# The group names are data (kept in English, the migrations find the groups by them); people
# read them in their own language through these.
ROLE_LABELS = {
    READ_ONLY: gettext_lazy("Customers: Read-only"),
    EDIT: gettext_lazy("Customers: Edit"),
    ALL: gettext_lazy("Customers: All"),
    DELETE: gettext_lazy("Customers: Delete customers"),
    OWN_ONLY: gettext_lazy("Customers: Edit own customers only"),
}


def role_label(name):
    """A group's name as people read it: a role translated, any other group as it is named."""
    return str(ROLE_LABELS.get(name, name))


_VIEW = [
    "customers.view_customer",
    "customers.view_address",
    "customers.view_contact",
    "customers.view_customergroupingoption",
]
_EDIT = _VIEW + [
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_address",
    "customers.change_address",
    "customers.delete_address",
    "customers.add_contact",
    "customers.change_contact",
    "customers.delete_contact",
    "customers.add_customergroupingoption",
    "customers.delete_customergroupingoption",
]

PERMISSIONS = {
    READ_ONLY: _VIEW,
    EDIT: _EDIT,
    ALL: _EDIT + ["customers.view_financials"],
    DELETE: ["customers.delete_customer"],
    OWN_ONLY: ["customers.edit_own_customers_only"],
}


def grant(viewing, editing):
    """Register another app's permissions with the levels: ``viewing`` for every level that
    views customers, ``editing`` in addition for Edit and All."""
    from core.roles import register_role_permissions

    register_role_permissions(READ_ONLY, viewing)
    register_role_permissions(EDIT, [*viewing, *editing])
    register_role_permissions(ALL, [*viewing, *editing])
