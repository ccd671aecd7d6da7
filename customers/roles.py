"""The permission levels as Django groups, kept in step by data migrations.

Each app's data migration calls ``sync_roles(apps, app_label)`` for its own permissions, so a
role's rights are written here once and every app adds its part without the others knowing it.
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


_CUSTOMERS_VIEW = [
    "customers.view_customer",
    "customers.view_address",
    "customers.view_contact",
    "customers.view_customergroupingoption",
    "projects.view_project",
    "projects.view_projectnote",
    "activities.view_activity",
    "activities.add_activity",
    "activities.change_activity",
]
_CUSTOMERS_EDIT = _CUSTOMERS_VIEW + [
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
    "projects.add_project",
    "projects.change_project",
    "projects.add_projectnote",
    "activities.delete_activity",
]

ROLES = {
    READ_ONLY: _CUSTOMERS_VIEW,
    EDIT: _CUSTOMERS_EDIT,
    ALL: _CUSTOMERS_EDIT + ["customers.view_financials"],
    DELETE: ["customers.delete_customer"],
    OWN_ONLY: ["customers.edit_own_customers_only"],
}


def sync_roles(apps, app_label):
    """Create the role groups and give them this app's permissions (for data migrations)."""
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    # Historical app configs have no models module, which makes create_permissions skip them.
    borrowed = getattr(app_config, "models_module", None) is None
    if borrowed:
        app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    if borrowed:
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in ROLES.items():
        group, _created = Group.objects.get_or_create(name=role)
        codenames = [p.split(".", 1)[1] for p in perms if p.split(".", 1)[0] == app_label]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
