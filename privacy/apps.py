from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The role that holds the personal-data tools; superusers have them anyway.
ROLE = "Personal data: Administrator"


class PrivacyConfig(AppConfig):
    """Personal data under GDPR: find, export and erase a person, retention, and the records
    of processing. It reads and writes the domain apps and sits above them; none imports it."""

    name = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from core.navigation import MenuEntry, register_menu_entry
        from core.roles import register_role_permissions

        from .models import PERMISSION

        register_role_permissions(ROLE, [PERMISSION])
        register_menu_entry(
            MenuEntry(
                "privacy",
                _("Personal data"),
                "privacy:find",
                "shield-lock",
                lambda user: user.has_perm(PERMISSION),
                order=90,
            )
        )
