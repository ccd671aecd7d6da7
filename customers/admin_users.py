"""Users in the admin: the permission levels (role groups) are assigned on the user's page.

The stock User admin already edits a user's groups; this adds what an administrator needs to
choose well: a help text that explains every level, and the roles in the user list.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
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
    parts = [
        format_lazy("“{}”: {}.", roles.ROLE_LABELS[name], text) for name, text in ROLE_HELP.items()
    ]
    return format_lazy(
        "{} {} {}",
        _("Permission levels for customers:"),
        format_lazy(" ".join(["{}"] * len(parts)), *parts),
        _("A user without any of these groups sees no customer pages."),
    )


User = get_user_model()


class RoleListFilter(admin.RelatedFieldListFilter):
    """The user list's filter by group, the roles named in the reader's language."""

    def field_choices(self, field, request, model_admin):
        choices = super().field_choices(field, request, model_admin)
        return [(pk, roles.role_label(name)) for pk, name in choices]


class KundkortUserAdmin(UserAdmin):
    """The stock User admin, with the customer roles explained and shown in the list."""

    list_display = [*UserAdmin.list_display, "customer_roles"]
    list_filter = [
        ("groups", RoleListFilter) if name == "groups" else name for name in UserAdmin.list_filter
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.help_text = groups_help_text()
            field.label_from_instance = lambda group: roles.role_label(group.name)
        return field

    @admin.display(description=_("roles"))
    def customer_roles(self, obj):
        return ", ".join(roles.role_label(group.name) for group in obj.groups.all()) or "–"


class KundkortGroupAdmin(GroupAdmin):
    """The stock Group admin with the roles' names in the reader's language in the list."""

    list_display = ["role_name"]

    @admin.display(description=_("name"), ordering="name")
    def role_name(self, obj):
        return roles.role_label(obj.name)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, KundkortUserAdmin)
if admin.site.is_registered(Group):
    admin.site.unregister(Group)
admin.site.register(Group, KundkortGroupAdmin)
