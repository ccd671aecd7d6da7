"""Template helpers every app's pages use."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, name, value):
    """The current query string with ``name`` set to ``value`` (for pagination links).

    Django's ``{% querystring %}`` takes parameter names only as literal keywords; a page with
    two paged lists (the Sales & Projects tab) names its parameter in a variable.
    """
    params = context["request"].GET.copy()
    params[name] = value
    return "?" + params.urlencode()
