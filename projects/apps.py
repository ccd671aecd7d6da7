from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from customers.registry import CardTab, register_tab

        register_tab(CardTab("projects", _("Sales & Projects"), "projects:customer_projects", 20))
        # The Collaboration tab merges notes with activities, so the activities app, which may
        # import projects, registers it (activities/apps.py).
