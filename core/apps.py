from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Plumbing every app uses; it imports no domain app (tests/test_architecture.py)."""

    name = "core"

    def ready(self):
        # history connects the history-source signal, sql_lookups registers __any_of.
        from django.contrib import admin

        from . import history, sql_lookups  # noqa: F401

        admin.site.site_header = _("Kundkort administration")
        admin.site.site_title = "Kundkort"
        admin.site.index_title = _("System settings and import")
