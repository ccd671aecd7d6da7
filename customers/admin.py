"""Admin pages of the customer register: lookups administrators configure, and more."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import ContactRole


@admin.register(ContactRole)
class ContactRoleAdmin(admin.ModelAdmin):
    """Contact roles: a role in use is deactivated, not deleted (contacts keep it)."""

    list_display = ["name", "is_active", "order", "contact_count"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    ordering = ["order", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_contact_count=Count("contact"))

    @admin.display(description=_("contacts"), ordering="_contact_count")
    def contact_count(self, obj):
        return obj._contact_count

    def has_delete_permission(self, request, obj=None):
        # A role some contact holds is deactivated instead (the FK is PROTECT).
        if obj is not None and obj.contact_set.exists():
            return False
        return super().has_delete_permission(request, obj)
