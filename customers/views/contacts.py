"""Contact forms opened from the card's Contact details tab; each returns to the card.

Every view needs the matching model permission and the right to edit this customer (403
otherwise); a contact id that is not this customer's answers 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from ..form_tokens import OneTimeFormMixin
from ..forms import add_service_errors
from ..forms.contacts import ContactForm
from ..models import Contact
from ..services import contacts as services
from .addresses import CardChangeMixin


class ContactMixin(CardChangeMixin):
    card_anchor = "contacts"

    @cached_property
    def contact(self):
        return get_object_or_404(
            Contact.objects.filter(customer=self.customer).select_related("address", "role"),
            pk=self.kwargs["contact_pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "contact_pk" in self.kwargs:
            context["contact"] = self.contact
        return context


class ContactCreateView(OneTimeFormMixin, ContactMixin, FormView):
    """New contact: the head office is preselected among this customer's addresses."""

    permission_required = "customers.add_contact"
    form_class = ContactForm
    template_name = "customers/contacts/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "customer": self.customer}

    def form_valid(self, form):
        try:
            contact = services.contact_create(
                customer=self.customer, user=self.request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Contact %(name)s added.") % {"name": contact})
        return super().form_valid(form)


class ContactUpdateView(ContactMixin, FormView):
    """Edit a contact; the hidden version refuses to overwrite someone else's change."""

    permission_required = "customers.change_contact"
    form_class = ContactForm
    template_name = "customers/contacts/form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "customer": self.customer, "instance": self.contact}

    def form_valid(self, form):
        try:
            contact = services.contact_update(
                contact=self.contact,
                user=self.request.user,
                expected_version=form.cleaned_data.get("version"),
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Contact %(name)s saved.") % {"name": contact})
        return super().form_valid(form)


class ContactDeleteView(ContactMixin, TemplateView):
    """Confirm, then delete a contact (GET asks, POST deletes)."""

    permission_required = "customers.delete_contact"
    template_name = "customers/contacts/delete.html"

    def post(self, request, *args, **kwargs):
        name = str(self.contact)
        services.contact_delete(contact=self.contact, user=request.user)
        messages.success(request, _("Contact %(name)s deleted.") % {"name": name})
        return HttpResponseRedirect(self.card_url())


class ContactToggleActiveView(ContactMixin, View):
    """Inactivate (``active=0``) or activate (``active=1``) a contact (POST from the card).

    The button posts the state the user asked for, so a click on a page that is out of date
    cannot undo what someone else just did; without ``active`` the state is flipped.
    """

    permission_required = "customers.change_contact"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        contact = self.contact
        wanted = request.POST.get("active")
        activate = (not contact.is_active) if wanted not in ("0", "1") else wanted == "1"
        if not activate:
            services.contact_deactivate(contact=contact, user=request.user)
            messages.success(request, _("Contact %(name)s inactivated.") % {"name": contact})
        else:
            services.contact_activate(contact=contact, user=request.user)
            messages.success(request, _("Contact %(name)s activated.") % {"name": contact})
        # Back to the list as the user saw it: with inactive contacts, with all contacts.
        shown = {k: 1 for k in ("show_inactive", "all_contacts") if request.POST.get(k) == "1"}
        return HttpResponseRedirect(self.card_url(**shown))
