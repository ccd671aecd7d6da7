from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from customers.admin_columns import person_column
from customers.models import Customer
from customers.permissions import may_edit_customer

from .models import Project, ProjectNote, SalesStatus


@admin.register(SalesStatus)
class SalesStatusAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "probability", "is_default", "is_active", "order"]
    list_editable = ["order"]
    list_filter = ["category", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # A status in use is deactivated, not deleted (PROTECT would refuse anyway).
        if obj is not None and obj.projects.exists():
            return False
        return super().has_delete_permission(request, obj)


class ProjectNoteInline(admin.TabularInline):
    model = ProjectNote
    extra = 0
    fields = ["text", "author", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "name",
        "customer",
        "kind",
        "sales_status",
        person_column("owner", _("project owner")),
        "is_closed",
    ]
    list_filter = ["kind", "is_closed", "sales_status"]
    search_fields = ["number", "name", "customer__name"]
    raw_id_fields = ["customer", "contact", "owner", "billing_address"]
    list_select_related = ["customer", "sales_status", "owner"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by", "version"]
    inlines = [ProjectNoteInline]

    # "Edit own customers only" holds in the admin too: others' projects are read-only and a
    # project can be put only on a customer the user may edit.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None:
            return may_edit_customer(request.user, obj.customer)
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None:
            return may_edit_customer(request.user, obj.customer)
        return allowed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "customer":
            kwargs["queryset"] = Customer.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ProjectNote)
class ProjectNoteAdmin(admin.ModelAdmin):
    list_display = ["project", person_column("author", _("author")), "created_at", "__str__"]
    search_fields = ["text", "project__name"]
    raw_id_fields = ["project", "author"]
    list_select_related = ["project", "author"]
