"""The side menu: entries registered by each app, drawn on every page (a context processor).

Each app adds its own entry in ``AppConfig.ready()`` (``register_menu_entry``) with the check
that decides who sees it, so the menu names no app's URLs here. The Admin entry is the
project's own and is added for staff.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import url_cache


@dataclass(frozen=True)
class MenuEntry:
    """A link in the side menu; ``allowed(user)`` says whether the user sees it."""

    key: str
    label: str
    url_name: str
    icon: str
    allowed: object
    order: int = 100


menu_entries: list[MenuEntry] = []


def register_menu_entry(entry):
    if any(existing.key == entry.key for existing in menu_entries):
        return
    menu_entries.append(entry)
    menu_entries.sort(key=lambda e: e.order)


def navigation(request):
    """Context processor: ``menu``, the entries the user may see, the current one active."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    path = request.path
    menu = []
    for entry in menu_entries:
        if not entry.allowed(user):
            continue
        url = url_cache.url(entry.url_name)
        menu.append(
            {
                "key": entry.key,
                "label": entry.label,
                "url": url,
                "icon": entry.icon,
                "active": path.startswith(url),
            }
        )
    if user.is_staff:
        menu.append(
            {
                "key": "admin",
                "label": _("Admin"),
                "url": url_cache.url("admin:index"),
                "icon": "gear",
                "active": path.startswith("/admin/"),
            }
        )
    return {"menu": menu}
