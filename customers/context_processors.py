"""Context every page needs: the side menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import may_view_customers

# (key, label, url name, icon, who sees it)
_MENU = [
    ("customers", _("Customers"), "customers:customer_list", "people", may_view_customers),
    (
        "projects",
        _("Projects"),
        "projects:project_list",
        "kanban",
        lambda user: user.has_perm("projects.view_project"),
    ),
    (
        "activities",
        _("Activities"),
        "activities:activity_list",
        "calendar-event",
        lambda user: user.has_perm("activities.view_activity"),
    ),
    ("reports", _("Reports"), "reports:customer_report", "bar-chart", may_view_customers),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": []}
    path = request.path
    menu = []
    for key, label, url_name, icon, allowed in _MENU:
        if not allowed(user):
            continue
        url = reverse(url_name)
        menu.append(
            {"key": key, "label": label, "url": url, "icon": icon, "active": path.startswith(url)}
        )
    if user.is_staff:
        menu.append(
            {
                "key": "admin",
                "label": _("Admin"),
                "url": reverse("admin:index"),
                "icon": "gear",
                "active": path.startswith("/admin/"),
            }
        )
    return {"menu": menu}
