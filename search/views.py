"""The search page and the live results the top bar's search box shows as one types."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView

from customers.permissions import VIEW

from .presenters import result_rows
from .selectors import global_search

# The box shows a few of each kind; the page shows more and says when there are more still.
LIVE_LIMIT = 5
PAGE_LIMIT = 50


class _Search(PermissionRequiredMixin, TemplateView):
    """The results for ``?q=``, up to ``limit`` of each kind."""

    permission_required = VIEW
    raise_exception = True
    limit = PAGE_LIMIT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = global_search(
            user=self.request.user, text=self.request.GET.get("q", ""), limit=self.limit
        )
        context["limit"] = self.limit
        return context


class SearchView(_Search):
    """All kinds of results, grouped by kind; their rows drawn by Jinja2 (search.presenters)."""

    template_name = "search/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = result_rows(context["results"])
        return context


class SearchLiveView(_Search):
    """The same search as an HTML fragment for the search box's list (static/js/search.js)."""

    template_name = "search/_live.html"
    limit = LIVE_LIMIT
