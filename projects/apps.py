from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from customers.registry import (
            CardTab,
            HistorySource,
            register_history_source,
            register_tab,
        )

        from .models import Project

        register_tab(
            CardTab(
                "projects",
                _("Sales & Projects"),
                "projects:customer_projects",
                20,
                permissions=("projects.view_project",),
            )
        )
        # Project changes appear on the customer's History tab.
        register_history_source(
            HistorySource(
                key="project",
                model=Project,
                customer_field="customer_id",
                label=lambda record: f"{record.number} {record.name}",
                select_related=("contact", "owner", "sales_status", "currency"),
                financial_fields=("expected_value", "currency"),
                order=50,
            )
        )
        # The Collaboration tab merges notes with activities, so the activities app, which may
        # import projects, registers it (activities/apps.py).
