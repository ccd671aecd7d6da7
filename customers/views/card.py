"""The card's shared base: finds the customer the user may see and draws header and tabs.

Every card tab view (also those of projects and activities) mixes in ``CustomerCardMixin`` and
renders a template that extends ``customers/card/base.html``.
"""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.utils.functional import cached_property

from core.prepared import Prepared
from core.registry import card_tabs

from ..models import Customer
from ..permissions import (
    VIEW,
    may_delete_customer,
    may_edit_customer,
    may_see_financials,
    may_view_customers,
)
from ..selectors.customers import customer_has_dependents

# The customer every card tab shows, with the users and the industry its header names: the
# same SQL on every tab and request, compiled once (core.prepared).
_card_customer = Prepared(
    lambda may_view, *, pk: (
        Customer.objects.visible_if(may_view)
        .select_related("owner", "industry", "created_by", "updated_by")
        .filter(pk=pk)
    )
)


class CustomerCardMixin(PermissionRequiredMixin):
    """Loads ``self.customer`` (404 when out of the user's reach) and the card's context.

    ``card_tab`` names the active tab. Views that change data check ``self.can_edit`` (the
    object-level right, ``may_edit_customer``) besides their model permission.
    """

    permission_required = VIEW
    raise_exception = True  # 403 for a logged-in user without the right
    card_tab = "contacts"
    customer_pk_kwarg = "pk"

    @cached_property
    def customer(self):
        pk = self.kwargs[self.customer_pk_kwarg]
        found = _card_customer(may_view_customers(self.request.user), pk=pk)
        if not found:
            raise Http404(f"No customer {pk}")
        return found[0]

    @cached_property
    def can_edit(self):
        return may_edit_customer(self.request.user, self.customer)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        customer = self.customer
        can_delete = may_delete_customer(user, customer)
        context.update(
            customer=customer,
            card_tab=self.card_tab,
            card_tabs=[
                {
                    "key": tab.key,
                    "label": tab.label,
                    "url": tab.url(customer),
                    "active": tab.key == self.card_tab,
                }
                for tab in card_tabs
                if user.has_perms(tab.permissions)
            ],
            can_edit=self.can_edit,
            can_delete=can_delete,
            # Only users who may delete pay for the look-up that hides the Delete button.
            has_dependents=can_delete and customer_has_dependents(customer),
            can_see_financials=may_see_financials(user),
        )
        return context
