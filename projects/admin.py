from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

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
    list_display = ["number", "name", "customer", "kind", "sales_status", "owner", "is_closed"]
    list_filter = ["kind", "is_closed", "sales_status"]
    search_fields = ["number", "name", "customer__name"]
    raw_id_fields = ["customer", "contact", "owner"]
    list_select_related = ["customer", "sales_status", "owner"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by", "version"]
    inlines = [ProjectNoteInline]


@admin.register(ProjectNote)
class ProjectNoteAdmin(admin.ModelAdmin):
    list_display = ["project", "author", "created_at", "__str__"]
    search_fields = ["text", "project__name"]
    raw_id_fields = ["project", "author"]
    list_select_related = ["project", "author"]
