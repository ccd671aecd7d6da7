"""Users in the admin: the permission levels (role groups) are assigned on the user's page.

The stock User admin already edits a user's groups; this adds what an administrator needs to
choose well: a help text that explains every level, and the roles in the user list.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import roles

ROLE_HELP = {
    roles.READ_ONLY: _(
        "view customers, addresses and contacts; may create activities and change their own"
    ),
    roles.EDIT: _("add and edit customers, addresses, contacts and projects"),
    roles.ALL: _("Edit, and see financial figures"),
    roles.DELETE: _("may delete customers (together with Edit or All)"),
    roles.OWN_ONLY: _(
        "restricts Edit and All to the customers the user owns; other customers are read-only. "
        "Superusers are never restricted"
    ),
}


def groups_help_text():
    parts = [format_lazy("“{}”: {}.", name, text) for name, text in ROLE_HELP.items()]
    return format_lazy(
        "{} {} {}",
        _("Permission levels for customers:"),
        format_lazy(" ".join(["{}"] * len(parts)), *parts),
        _("A user without any of these groups sees no customer pages."),
    )


User = get_user_model()


class KundkortUserAdmin(UserAdmin):
    """The stock User admin, with the customer roles explained and shown in the list."""

    list_display = [*UserAdmin.list_display, "customer_roles"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.help_text = groups_help_text()
        return field

    @admin.display(description=_("roles"))
    def customer_roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or "–"


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, KundkortUserAdmin)
