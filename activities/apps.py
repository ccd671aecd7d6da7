from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from core.navigation import MenuEntry, register_menu_entry
        from core.registry import (
            CardSection,
            CardTab,
            HistorySource,
            register_history_source,
            register_section,
            register_tab,
        )
        from customers import roles

        from . import selectors
        from .models import Activity

        # Read-only users may still log activities; deleting one needs Edit.
        roles.grant(
            viewing=[
                "activities.view_activity",
                "activities.add_activity",
                "activities.change_activity",
            ],
            editing=["activities.delete_activity"],
        )
        register_menu_entry(
            MenuEntry(
                "activities",
                _("Activities"),
                "activities:activity_list",
                "calendar-event",
                lambda user: user.has_perm("activities.view_activity"),
                order=30,
            )
        )

        register_tab(
            CardTab(
                "collaboration",
                _("Collaboration"),
                "activities_card:customer_collaboration",
                30,
                permissions=("projects.view_project", "projects.view_projectnote"),
            )
        )
        register_section(
            CardSection(
                "activities",
                "activities/card/_activities_section.html",
                selectors.card_activities_context,
                order=100,
            )
        )
        # Changes of the customer's activities appear on its History tab.
        register_history_source(
            HistorySource(
                key="activity",
                model=Activity,
                customer_field="customer_id",
                label=lambda record: record.subject,
                select_related=("type", "owner", "project"),
                exclude=("done_at",),
                order=60,
            )
        )
