from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The search box in the top bar: customers, contacts and projects in one place. It reads
    the domain apps and sits above them; none of them imports it."""

    name = "search"
    verbose_name = _("Search")
