from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # admin_users runs after the admin's autodiscovery (admin comes first in
        # INSTALLED_APPS), so the stock User admin is registered and can be replaced by the one
        # that explains the roles.
        from core.navigation import MenuEntry, register_menu_entry
        from core.registry import CardTab, register_tab
        from core.roles import register_role_permissions

        from . import admin_users, roles  # noqa: F401
        from .permissions import may_view_customers

        for role, permissions in roles.PERMISSIONS.items():
            register_role_permissions(role, permissions)

        register_menu_entry(
            MenuEntry(
                "customers",
                _("Customers"),
                "customers:customer_list",
                "people",
                may_view_customers,
                order=10,
            )
        )
        register_menu_entry(
            MenuEntry(
                "reports",
                _("Reports"),
                "reports:customer_report",
                "bar-chart",
                may_view_customers,
                order=40,
            )
        )

        import django_countries
        from django.contrib import admin
        from django.db.backends.signals import connection_created

        from .collation import country_sort_key, register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="kundkort_sqlite_sv")
        # Country lists in Swedish order: django-countries sorts with its module-level sort_key
        # (ASCII folding without pyuca, which would still file Å under A) and offers no setting.
        django_countries.sort_key = country_sort_key

        admin.site.site_header = _("Kundkort administration")
        admin.site.site_title = "Kundkort"
        admin.site.index_title = _("System settings and import")
        # Every app's admin is registered by now (the admin's autodiscovery runs first).
        from .form_tokens import one_time_admin_add_views

        one_time_admin_add_views(admin.site)

        register_tab(CardTab("contacts", _("Contact details"), "customers:customer_detail", 10))
        register_tab(CardTab("settings", _("Customer settings"), "customers:customer_settings", 40))
        register_tab(CardTab("history", _("History"), "customers:customer_history", 50))
