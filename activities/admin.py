from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from customers.admin_columns import person_column

from .models import Activity, ActivityType


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "icon", "is_default", "is_active", "order"]
    list_editable = ["order"]
    list_filter = ["category", "is_active"]
    search_fields = ["name"]

    def has_delete_permission(self, request, obj=None):
        # A type in use is deactivated, not deleted.
        if obj is not None and obj.activities.exists():
            return False
        return super().has_delete_permission(request, obj)


class ActivityAdminForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "subject",
            "type",
            "owner",
            "starts_at",
            "ends_at",
            "is_all_day",
            "location",
            "notes",
            "is_done",
            "done_at",
            "customer",
            "project",
            "participant_users",
            "participant_contacts",
        ]

    def clean(self):
        cleaned = super().clean()
        project = cleaned.get("project")
        customer_id = (
            project.customer_id if project else getattr(cleaned.get("customer"), "pk", None)
        )
        foreign = [
            c for c in cleaned.get("participant_contacts") or [] if c.customer_id != customer_id
        ]
        if foreign:
            self.add_error(
                "participant_contacts",
                _("%(names)s is not a contact of the activity's customer.")
                % {"names": ", ".join(str(c) for c in foreign)},
            )
        return cleaned


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    form = ActivityAdminForm
    list_display = [
        "subject",
        "type",
        "starts_at",
        "customer",
        "project",
        person_column("owner", _("owner")),
        "is_done",
    ]
    list_filter = ["type", "is_done"]
    search_fields = ["subject", "customer__name", "project__name"]
    raw_id_fields = ["customer", "project", "owner", "participant_contacts"]
    filter_horizontal = ["participant_users"]
    list_select_related = ["type", "customer", "project", "owner"]
    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by", "version"]
    date_hierarchy = "starts_at"
