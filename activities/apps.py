from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from customers.registry import CardSection, CardTab, register_section, register_tab

        from . import selectors

        register_tab(
            CardTab(
                "collaboration",
                _("Collaboration"),
                "activities_card:customer_collaboration",
                30,
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
