"""Template helpers for the project and activity pages."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, name, value):
    """The current query string with ``name`` set to ``value`` (for pagination links)."""
    params = context["request"].GET.copy()
    params[name] = value
    return "?" + params.urlencode()


@register.filter
def status_class(project):
    """A Bootstrap badge class for a project's state."""
    if project.is_closed:
        return "text-bg-secondary"
    category = project.sales_status.category if project.sales_status_id else None
    return {"won": "text-bg-success", "lost": "text-bg-danger"}.get(
        category, "text-bg-primary" if project.kind == "sales" else "text-bg-info"
    )
