from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from customers.registry import (
            CardSection,
            CardTab,
            HistorySource,
            register_history_source,
            register_section,
            register_tab,
        )

        from . import selectors
        from .models import Activity

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
