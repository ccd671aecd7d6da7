"""The personal-data log in the admin, read-only: nobody edits the proof."""

from django.contrib import admin

from .models import PERMISSION, PrivacyLogEntry


@admin.register(PrivacyLogEntry)
class PrivacyLogEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "user", "reference", "counts")
    list_filter = ("action",)
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.has_perm(PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
