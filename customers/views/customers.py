"""The customer register: list, new customer, and the card's Contact details tab and actions."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import FormView, ListView, TemplateView, View

from core.pagination import SEARCH_CAP, CappedPaginator
from core.registry import card_sections

from .. import presenters
from ..filters import CustomerListFilter
from ..form_tokens import OneTimeFormMixin
from ..forms import add_service_errors
from ..forms.customers import (
    CustomerCreateForm,
    CustomerDescriptionForm,
    CustomerDetailsForm,
)
from ..permissions import ADD, CHANGE, DELETE, VIEW, may_add_customers, may_delete_customer
from ..selectors.contact_details import CONTACT_LIMIT, contact_details
from ..selectors.customers import customer_has_dependents, customer_list, possible_duplicates
from ..services import customers as services
from ..services.versioning import StaleObjectError
from .card import CustomerCardMixin


class CustomerListView(PermissionRequiredMixin, ListView):
    """Search, filter, sort and page through the customers the user may see."""

    permission_required = VIEW
    raise_exception = True
    template_name = "customers/customer_list.html"
    context_object_name = "customers"
    paginator_class = CappedPaginator  # no COUNT(*) over the whole register

    def get_paginate_by(self, queryset):
        return settings.KUNDKORT_PAGE_SIZE

    def get_paginator(self, queryset, per_page, **kwargs):
        # A search's matches are counted up to SEARCH_CAP (counting thousands of trigram
        # matches doubles its cost). Its keys are read once, in order, and give both the
        # count and the page, so the search runs once.
        if (self.request.GET.get("q") or "").strip():
            kwargs.setdefault("cap", SEARCH_CAP)
            kwargs.setdefault("keys_first", True)
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_queryset(self):
        self.filterset = CustomerListFilter(
            self.request.GET,
            queryset=customer_list(user=self.request.user),
            request=self.request,
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.filterset.form.data
        context["customers"] = presenters.customer_list_rows(context["customers"])
        context.update(
            filter=self.filterset,
            current_sort=data.get("sort", "name"),
            search_text=(data.get("q") or "").strip(),
            can_add=may_add_customers(self.request.user),
        )
        return context


class CustomerCreateView(OneTimeFormMixin, PermissionRequiredMixin, FormView):
    """New customer; a possible duplicate is shown and must be confirmed before saving."""

    permission_required = ADD
    raise_exception = True
    template_name = "customers/customer_form.html"
    form_class = CustomerCreateForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        if not form.cleaned_data.get("confirm_duplicate"):
            duplicates = possible_duplicates(
                user=self.request.user,
                name=form.cleaned_data.get("name"),
                organisation_number=form.cleaned_data.get("organisation_number"),
            )
            if duplicates:
                return self.render_to_response(
                    self.get_context_data(form=form, duplicates=duplicates)
                )
        try:
            customer = services.customer_create(
                user=self.request.user, address=form.address_data(), **form.customer_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Customer %(name)s was created with number %(number)s.")
            % {"name": customer.name, "number": customer.number},
        )
        return HttpResponseRedirect(reverse("customers:customer_detail", args=[customer.pk]))


class CustomerDetailView(CustomerCardMixin, TemplateView):
    """The card's first tab: addresses, contacts, registered sections, the details panel."""

    template_name = "customers/card/contacts.html"
    card_tab = "contacts"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A big account's contacts are listed CONTACT_LIMIT at a time unless the user asks for
        # all: the card stays quick to draw and to read.
        show_all = self.request.GET.get("all_contacts") == "1"
        sections = contact_details(
            customer=self.customer,
            user=self.request.user,
            show_inactive=self.request.GET.get("show_inactive") == "1",
            contact_limit=None if show_all else CONTACT_LIMIT,
        )
        sections["address_section"]["rows"] = presenters.address_rows(
            sections["address_section"]["addresses"], customer=self.customer
        )
        sections["contact_section"].update(
            rows=presenters.contact_rows(
                sections["contact_section"]["contacts"], customer=self.customer
            ),
            show_all=show_all,
            limit=CONTACT_LIMIT,
        )
        context.update(sections)
        context["card_sections"] = [
            {
                "key": s.key,
                "template": s.template,
                "context": s.get_context(self.request, self.customer),
            }
            for s in card_sections
        ]
        return context


class CustomerEditMixin(CustomerCardMixin):
    """A card page that changes the customer: the change right and reach over this customer.

    No view right: 403; customer out of sight: 404; visible but not editable (e.g. "edit own
    customers only" and someone else's customer): 403.
    """

    permission_required = CHANGE

    def has_permission(self):
        return super().has_permission() and self.can_edit

    def card_url(self):
        return reverse("customers:customer_detail", args=[self.customer.pk])


class CustomerDetailsUpdateView(CustomerEditMixin, FormView):
    """Edit the Customer details panel (name, number, org/VAT number, website, ...)."""

    template_name = "customers/card/details_form.html"
    form_class = CustomerDetailsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.customer}

    def form_valid(self, form):
        try:
            services.customer_update(
                customer_pk=self.customer.pk,
                user=self.request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except StaleObjectError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The customer details were saved."))
        return HttpResponseRedirect(self.card_url())


class CustomerDescriptionUpdateView(CustomerEditMixin, FormView):
    """Edit the description under the customer's name and whether it opens by default."""

    template_name = "customers/card/description_form.html"
    form_class = CustomerDescriptionForm

    def get_initial(self):
        return {
            "description": self.customer.description,
            "show_description": self.customer.show_description,
            "version": self.customer.version,
        }

    def form_valid(self, form):
        try:
            services.customer_update(
                customer_pk=self.customer.pk,
                user=self.request.user,
                expected_version=form.cleaned_data["version"],
                description=form.cleaned_data["description"].strip(),
                show_description=form.cleaned_data["show_description"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The description was saved."))
        return HttpResponseRedirect(self.card_url())


class CustomerSetActiveView(CustomerEditMixin, View):
    """POST: inactivate or reactivate the customer (``is_active`` set by the URL)."""

    is_active = False
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        customer = services.customer_set_active(
            customer_pk=self.customer.pk, user=request.user, is_active=self.is_active
        )
        if self.is_active:
            messages.success(request, _("%(name)s is active again.") % {"name": customer.name})
        else:
            messages.success(
                request,
                _("%(name)s was inactivated: it is hidden from the customer list by default.")
                % {"name": customer.name},
            )
        return HttpResponseRedirect(self.card_url())


class CustomerDeleteView(CustomerCardMixin, TemplateView):
    """GET asks for confirmation; POST deletes, refused while other records depend on it."""

    permission_required = DELETE
    template_name = "customers/card/delete_confirm.html"

    def has_permission(self):
        return super().has_permission() and may_delete_customer(self.request.user, self.customer)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            has_dependents=customer_has_dependents(self.customer),
            address_count=self.customer.addresses.count(),
            contact_count=self.customer.contacts.count(),
        )
        return context

    def post(self, request, *args, **kwargs):
        name = self.customer.name
        try:
            services.customer_delete(customer_pk=self.customer.pk, user=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return HttpResponseRedirect(
                reverse("customers:customer_detail", args=[self.customer.pk])
            )
        messages.success(request, _("Customer %(name)s was deleted.") % {"name": name})
        return HttpResponseRedirect(reverse("customers:customer_list"))
