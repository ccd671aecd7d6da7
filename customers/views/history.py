"""The card's History tab: who changed what, when, and from where."""

from django.conf import settings
from django.views.generic import TemplateView

from ..selectors.history import customer_history_page
from .card import CustomerCardMixin


class CustomerHistoryTabView(CustomerCardMixin, TemplateView):
    """Changes of the customer, its addresses, contacts and groupings, newest first."""

    template_name = "customers/card/history.html"
    card_tab = "history"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = customer_history_page(
            self.customer,
            page_number=self.request.GET.get("page") or 1,
            per_page=settings.KUNDKORT_PAGE_SIZE,
            show_financials=context["can_see_financials"],
        )
        context.update(page_obj=page, entries=page.object_list)
        return context
