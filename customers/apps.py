from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # history connects the history-source signal, sql_lookups registers __any_of.
        # admin_users runs after the admin's autodiscovery (admin comes first in
        # INSTALLED_APPS), so the stock User admin is registered and can be replaced by the one
        # that explains the roles.
        from django.contrib import admin

        from . import admin_users, history, sql_lookups  # noqa: F401
        from .registry import CardTab, register_tab

        admin.site.site_header = _("Kundkort administration")
        admin.site.site_title = "Kundkort"
        admin.site.index_title = _("System settings and import")

        register_tab(CardTab("contacts", _("Contact details"), "customers:customer_detail", 10))
        register_tab(CardTab("settings", _("Customer settings"), "customers:customer_settings", 40))
        register_tab(CardTab("history", _("History"), "customers:customer_history", 50))
