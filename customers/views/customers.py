"""The customer register: list and the card's Contact details tab."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import ListView, TemplateView

from ..models import Customer
from ..permissions import VIEW
from ..registry import card_sections
from .card import CustomerCardMixin


class CustomerListView(PermissionRequiredMixin, ListView):
    permission_required = VIEW
    raise_exception = True
    template_name = "customers/customer_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Customer.objects.visible_to(self.request.user).select_related("owner", "industry")


class CustomerDetailView(CustomerCardMixin, TemplateView):
    """The card's first tab: addresses, contacts, registered sections, the details panel."""

    template_name = "customers/card/contacts.html"
    card_tab = "contacts"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["card_sections"] = [
            {
                "key": s.key,
                "template": s.template,
                "context": s.get_context(self.request, self.customer),
            }
            for s in card_sections
        ]
        return context


class CustomerSettingsTabView(CustomerCardMixin, TemplateView):
    template_name = "customers/card/settings.html"
    card_tab = "settings"
