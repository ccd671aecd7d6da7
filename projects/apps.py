from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from core.navigation import MenuEntry, register_menu_entry
        from core.registry import (
            CardTab,
            HistorySource,
            register_history_source,
            register_tab,
        )
        from customers import roles

        from .models import Project

        # Every level that views customers sees their projects; Edit and All also change them.
        roles.grant(
            viewing=["projects.view_project", "projects.view_projectnote"],
            editing=["projects.add_project", "projects.change_project", "projects.add_projectnote"],
        )
        register_menu_entry(
            MenuEntry(
                "projects",
                _("Projects"),
                "projects:project_list",
                "kanban",
                lambda user: user.has_perm("projects.view_project"),
                order=20,
            )
        )

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
