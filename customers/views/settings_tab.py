"""The card's Customer settings tab: billing defaults and, at the bottom, the customer grouping."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from ..forms import add_service_errors
from ..forms.settings import CustomerSettingsForm, GroupingForm
from ..selectors.groupings import customer_grouping_options, grouping_categories
from ..services.groupings import customer_set_grouping_options
from ..services.settings import customer_update_settings
from ..services.versioning import StaleObjectError
from .card import CustomerCardMixin


class CustomerSettingsTabView(CustomerCardMixin, TemplateView):
    """Shows the billing defaults and groupings; users who may edit the customer save them."""

    template_name = "customers/card/settings.html"
    card_tab = "settings"

    # The lookups (payment term, currency ...) are not joined to the customer: the form needs
    # only their ids, and PostgreSQL spent 5 ms planning the eleven-table join.

    def get_forms(self, data=None):
        read_only = not self.can_edit
        settings_form = CustomerSettingsForm(
            data, instance=self.customer, read_only=read_only, prefix="settings"
        )
        grouping_form = GroupingForm(
            data,
            categories=grouping_categories(),
            held_options=customer_grouping_options(self.customer),
            read_only=read_only,
            prefix="groups",
        )
        return settings_form, grouping_form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "settings_form" not in kwargs:
            context["settings_form"], context["grouping_form"] = self.get_forms()
        context["grouping_sections"] = context["grouping_form"].sections_for_display()
        return context

    def post(self, request, *args, **kwargs):
        if not self.can_edit:
            raise PermissionDenied
        settings_form, grouping_form = self.get_forms(request.POST)
        if settings_form.is_valid() and grouping_form.is_valid():
            try:
                with transaction.atomic():
                    customer_update_settings(
                        customer_pk=self.customer.pk,
                        user=request.user,
                        expected_version=settings_form.cleaned_data["version"],
                        **settings_form.settings_data(),
                    )
                    customer_set_grouping_options(
                        customer=self.customer,
                        user=request.user,
                        options=grouping_form.selected_options(),
                        # customer_update_settings made the customer a new version already.
                        bump_version=False,
                    )
            except StaleObjectError as exc:
                # The error's messages list what changed meanwhile and a link to reload.
                settings_form.add_error(None, exc)
            except ValidationError as exc:
                if getattr(exc, "code", None) in {"single_choice", "inactive_option"}:
                    grouping_form.add_error(None, exc.messages[0])
                else:
                    add_service_errors(settings_form, exc)
            else:
                messages.success(request, _("The customer settings were saved."))
                return redirect("customers:customer_settings", pk=self.customer.pk)
        if settings_form.errors or grouping_form.errors:
            messages.error(request, _("The settings were not saved: correct the marked fields."))
        return self.render_to_response(
            self.get_context_data(settings_form=settings_form, grouping_form=grouping_form)
        )
