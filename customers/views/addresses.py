"""Address forms opened from the card's Contact details tab; each returns to the card.

Every view needs the matching model permission and the right to edit this customer (403
otherwise); an address id that is not this customer's answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from ..form_tokens import OneTimeFormMixin
from ..forms import add_service_errors
from ..forms.addresses import AddressDeleteForm, AddressForm, HeadOfficeForm
from ..models import Address
from ..services import addresses as services
from .card import CustomerCardMixin


class CardChangeMixin(CustomerCardMixin):
    """A change made from the card: the model permission and the right to edit this customer."""

    card_tab = "contacts"
    card_anchor = ""

    def has_permission(self):
        # The model permission first (403 for read-only users), then the customer (404 when
        # out of reach), then the right to edit this very customer (403).
        return super().has_permission() and self.can_edit

    def card_url(self, **query):
        url = reverse("customers:customer_detail", args=[self.customer.pk])
        if query:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return url + (f"#{self.card_anchor}" if self.card_anchor else "")

    def get_success_url(self):
        return self.card_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["card_url"] = self.card_url()
        return context


class AddressMixin(CardChangeMixin):
    card_anchor = "addresses"

    @cached_property
    def address(self):
        return get_object_or_404(
            Address.objects.filter(customer=self.customer), pk=self.kwargs["address_pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "address_pk" in self.kwargs:
            context["address"] = self.address
        return context


class AddressCreateView(OneTimeFormMixin, AddressMixin, FormView):
    """New address: street, place, phone, the three type flags and "Head office"."""

    permission_required = "customers.add_address"
    form_class = AddressForm
    template_name = "customers/addresses/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "customer": self.customer}

    def form_valid(self, form):
        try:
            address = services.address_create(
                customer=self.customer, user=self.request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Address %(address)s added.") % {"address": address})
        return super().form_valid(form)


class AddressUpdateView(AddressMixin, FormView):
    """Edit an address; the hidden version refuses to overwrite someone else's change."""

    permission_required = "customers.change_address"
    form_class = AddressForm
    template_name = "customers/addresses/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "customer": self.customer, "instance": self.address}

    def form_valid(self, form):
        data = form.service_kwargs()
        is_head_office = data.pop("is_head_office")
        try:
            address = services.address_update(
                address=self.address,
                user=self.request.user,
                expected_version=form.cleaned_data.get("version"),
                is_head_office=is_head_office,
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Address %(address)s saved.") % {"address": address})
        return super().form_valid(form)


class AddressDeleteView(AddressMixin, FormView):
    """Confirm deleting an address: a new head office if needed, and where its contacts go."""

    permission_required = "customers.delete_address"
    form_class = AddressDeleteForm
    template_name = "customers/addresses/delete.html"

    @cached_property
    def others(self):
        return list(
            Address.objects.filter(customer=self.customer)
            .exclude(pk=self.address.pk)
            .order_by("-is_head_office", "city", "line1", "id")
        )

    @cached_property
    def contact_count(self):
        return self.address.contacts.count()

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "address": self.address,
            "others": self.others,
            "contact_count": self.contact_count,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contact_count"] = self.contact_count
        return context

    def form_valid(self, form):
        label = str(self.address)
        try:
            moved = services.address_delete(
                address=self.address,
                user=self.request.user,
                new_head_office=form.cleaned_data.get("new_head_office"),
                move_contacts_to=form.cleaned_data.get("move_contacts_to"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if moved:
            messages.success(
                self.request,
                _("Address %(address)s deleted; %(count)s contacts moved.")
                % {"address": label, "count": moved},
            )
        else:
            messages.success(self.request, _("Address %(address)s deleted.") % {"address": label})
        return super().form_valid(form)


class AddressMakeHeadOfficeView(AddressMixin, FormView):
    """ "Change" beside the head office: pick which address is the head office."""

    permission_required = "customers.change_address"
    form_class = HeadOfficeForm
    template_name = "customers/addresses/head_office.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "customer": self.customer}

    def get_initial(self):
        current = Address.objects.filter(customer=self.customer, is_head_office=True).first()
        return {"address": current.pk if current else None}

    def form_valid(self, form):
        address = services.address_make_head_office(
            address=form.cleaned_data["address"], user=self.request.user
        )
        messages.success(
            self.request,
            # The plain address: its chooser label ends "· Head office", which would say it twice.
            _("%(address)s is now the head office.")
            % {"address": str(address) or _("(no street address)")},
        )
        return super().form_valid(form)


class AddressSetDefaultBillingView(AddressMixin, View):
    """Make a billing address the customer's default for invoicing (POST from the card)."""

    permission_required = "customers.change_address"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.address_set_default_billing(address=self.address, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("%(address)s is now the default billing address.") % {"address": self.address},
            )
        return HttpResponseRedirect(self.card_url())
