"""The search page and the live results the top bar's search box shows as one types."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView

from customers.permissions import VIEW

from .selectors import global_search

# The box shows a few of each kind; the page shows more and says when there are more still.
LIVE_LIMIT = 5
PAGE_LIMIT = 50


class SearchView(PermissionRequiredMixin, TemplateView):
    """All kinds of results for ``?q=``, grouped by kind."""

    permission_required = VIEW
    raise_exception = True
    template_name = "search/results.html"
    limit = PAGE_LIMIT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["results"] = global_search(
            user=self.request.user, text=self.request.GET.get("q", ""), limit=self.limit
        )
        context["limit"] = self.limit
        return context


class SearchLiveView(SearchView):
    """The same search as an HTML fragment for the search box's list (static/js/search.js)."""

    template_name = "search/_live.html"
    limit = LIVE_LIMIT
