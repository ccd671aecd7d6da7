"""The benchmark's reference page: what any logged-in Django page costs on this machine now.

A bare view behind the project's own middleware (so the two queries are the ones every page
makes: the session and the user) rendering a ten-row table from a small inline template. It is
served only by the benchmark's URLconf (``reference.urlpatterns`` puts it in front of the
project's URLs), never by the product. Every page figure is also reported as a multiple of
this page's median measured in the same run, interleaved with the pages, because absolute
times differ between machines and between moments on the same machine.
"""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

REFERENCE_PATH = "/bench/reference/"

_TEMPLATE = engines["django"].from_string(
    """<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><h1>{{ title }}</h1><table>
{% for row in rows %}<tr><td>{{ row.number }}</td><td>{{ row.name }}</td>
<td>{{ row.city }}</td></tr>
{% endfor %}</table></body></html>"""
)

_ROWS = [{"number": 1000 + i, "name": f"Kund {i} AB", "city": "Umeå"} for i in range(10)]


def reference_view(request):
    """Ten rows, no queries of its own, no context processors (a bare page has no menu); the
    session and the user are loaded by the middleware."""
    request.user.is_authenticated  # noqa: B018 - loads the user, as every product page does
    return HttpResponse(_TEMPLATE.render({"title": "Referens", "rows": _ROWS}))


urlpatterns = [
    path(REFERENCE_PATH.strip("/") + "/", reference_view, name="bench_reference"),
    path("", include("settings.urls")),
]
