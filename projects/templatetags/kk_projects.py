"""Template helpers for the project pages."""

from django import template

register = template.Library()


@register.filter
def status_class(project):
    """A Bootstrap badge class for a project's state."""
    if project.is_closed:
        return "text-bg-secondary"
    category = project.sales_status.category if project.sales_status_id else None
    return {"won": "text-bg-success", "lost": "text-bg-danger"}.get(
        category, "text-bg-primary" if project.kind == "sales" else "text-bg-info"
    )
