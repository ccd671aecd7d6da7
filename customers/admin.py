"""Admin pages of the customer register: lookups administrators configure, and more."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .admin_columns import person_column
from .importing.admin import CustomerImportExportMixin
from .models import (
    ContactRole,
    Currency,
    Customer,
    CustomerGroupingOption,
    EInvoiceOperator,
    GroupingCategory,
    GroupingOption,
    Industry,
    InvoiceLanguage,
    InvoiceTemplate,
    NumberSequence,
    PaymentTerm,
    PriceList,
)
from .permissions import may_delete_customer, may_edit_customer


@admin.register(ContactRole)
class ContactRoleAdmin(admin.ModelAdmin):
    """Contact roles: a role in use is deactivated, not deleted (contacts keep it)."""

    list_display = ["name", "is_active", "order", "contact_count"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    ordering = ["order", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_contact_count=Count("contact"))

    @admin.display(description=_("contacts"), ordering="_contact_count")
    def contact_count(self, obj):
        return obj._contact_count

    def has_delete_permission(self, request, obj=None):
        # A role some contact holds is deactivated instead (the FK is PROTECT).
        if obj is not None and obj.contact_set.exists():
            return False
        return super().has_delete_permission(request, obj)


# --- Billing lookups and customer grouping ----------------------------------------------------


def _protected_in_use(obj):
    """Whether any row points at ``obj`` through a PROTECT foreign key (so it cannot go)."""
    for rel in obj._meta.related_objects:
        if rel.on_delete is not models.PROTECT or rel.many_to_many:
            continue
        if rel.related_model._default_manager.filter(**{rel.field.name: obj}).exists():
            return True
    return False


class InUseLookupAdmin(admin.ModelAdmin):
    """A lookup in use cannot be deleted (PROTECT): the admin hides Delete and says to
    deactivate it instead; the list shows how many customers use each value."""

    list_filter = ["is_active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_customer_count=Count("customer"))

    @admin.display(description=_("customers"), ordering="_customer_count")
    def customer_count(self, obj):
        return obj._customer_count

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _protected_in_use(obj):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if request.method == "GET" and obj is not None and _protected_in_use(obj):
            messages.info(
                request,
                _(
                    "%(value)s is in use, so it cannot be deleted. Untick Active to "
                    "deactivate it: customers keep it, but it is no longer offered."
                )
                % {"value": obj},
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(PaymentTerm)
class PaymentTermAdmin(InUseLookupAdmin):
    list_display = ["name", "days", "is_active", "order", "customer_count"]
    list_editable = ["days", "is_active", "order"]
    fields = ["name", "days", "is_active", "order"]


@admin.register(InvoiceTemplate)
class InvoiceTemplateAdmin(InUseLookupAdmin):
    list_display = ["name", "is_active", "order", "customer_count"]
    list_editable = ["is_active", "order"]
    fields = ["name", "is_active", "order"]


@admin.register(PriceList)
class PriceListAdmin(InUseLookupAdmin):
    list_display = ["name", "currency", "is_active", "order", "customer_count"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active", "currency"]
    list_select_related = ["currency"]
    fields = ["name", "currency", "is_active", "order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "currency":
            kwargs["queryset"] = Currency.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Currency)
class CurrencyAdmin(InUseLookupAdmin):
    list_display = ["code", "name", "is_active", "customer_count"]
    list_editable = ["is_active"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "is_active"]


@admin.register(InvoiceLanguage)
class InvoiceLanguageAdmin(InUseLookupAdmin):
    list_display = ["name", "code", "is_active", "customer_count"]
    list_editable = ["is_active"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "is_active"]


@admin.register(EInvoiceOperator)
class EInvoiceOperatorAdmin(InUseLookupAdmin):
    list_display = ["name", "address_format", "is_active", "order", "customer_count"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active", "address_format"]
    fields = ["name", "address_format", "is_active", "order"]


class GroupingOptionInlineForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        # The inline formset checks names against the other rows of the page only (Django
        # leaves the category out of each row's unique check): an option another administrator
        # added after this page was opened would reach the database's constraint, a server
        # error. The model's own constraint decides, with its message.
        if self.instance.category_id and cleaned.get("name"):
            probe = GroupingOption(
                pk=self.instance.pk, category_id=self.instance.category_id, name=cleaned["name"]
            )
            try:
                probe.validate_constraints()
            except ValidationError as exc:
                self.add_error("name", exc.messages)
        return cleaned


class GroupingOptionInline(admin.TabularInline):
    """Options of a category. One held by customers cannot be deleted: deactivate it."""

    model = GroupingOption
    form = GroupingOptionInlineForm
    fields = ["name", "is_active", "order"]
    extra = 3
    ordering = ["order", "name"]


class GroupingCategoryForm(forms.ModelForm):
    class Meta:
        model = GroupingCategory
        fields = ["name", "description", "selection", "is_active", "order"]

    def clean_selection(self):
        selection = self.cleaned_data["selection"]
        category = self.instance
        if (
            category.pk
            and selection == GroupingCategory.SINGLE
            and CustomerGroupingOption.objects.filter(option__category=category)
            .values("customer")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .exists()
        ):
            raise forms.ValidationError(
                _(
                    "Some customers hold several options of this category, so it cannot "
                    "become single choice. Remove the extra options first (customer report)."
                )
            )
        return selection


@admin.register(GroupingCategory)
class GroupingCategoryAdmin(admin.ModelAdmin):
    """A grouping category with its options inline."""

    form = GroupingCategoryForm
    list_display = ["name", "selection", "is_active", "order", "option_count"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active", "selection"]
    search_fields = ["name", "options__name"]
    inlines = [GroupingOptionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_option_count=Count("options"))

    @admin.display(description=_("options"), ordering="_option_count")
    def option_count(self, obj):
        return obj._option_count

    def has_delete_permission(self, request, obj=None):
        # Options are PROTECTed by their category; one with options is deactivated instead.
        if obj is not None and obj.options.exists():
            return False
        return super().has_delete_permission(request, obj)


# --- end of billing lookups and customer grouping ---


# --- Customer register: customers, industries, number sequences. ---


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    """Industries: one in use is deactivated, not deleted (customers keep it)."""

    list_display = ["name", "is_active", "order", "customer_count"]
    list_editable = ["is_active", "order"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    ordering = ["order", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_customer_count=Count("customers"))

    @admin.display(description=_("customers"), ordering="_customer_count")
    def customer_count(self, obj):
        return obj._customer_count

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.customers.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    """The next free number of each series; numbers already taken are skipped anyway."""

    list_display = ["key", "next_value"]
    search_fields = ["key"]


class ValidValuesAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, redrawing a refused form without the posted values that
    are no id at all: it looks the posted values up to show their labels, and a value such as
    "abc" for an integer key raised ValueError there, a server error instead of the form's
    "Select a valid choice"."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        target = remote.model._meta.get_field(getattr(remote, "field_name", None) or "pk")
        usable = []
        for item in value:
            try:
                target.get_prep_value(target.to_python(item))
            except (ValidationError, ValueError, TypeError):
                continue
            usable.append(item)
        return super().optgroups(name, usable, attr)


class CustomerAdminForm(forms.ModelForm):
    """The admin's customer form carries the version it was opened with, like every edit form:
    saving over a newer version is refused with what changed and a reload link."""

    # No Meta: the admin builds the form's Meta from its own field list (fields/exclude).
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("expected_version") is not None:
            from .services import versioning

            # The admin saves in the same transaction, so the row stays locked until then.
            versioning.lock_for_update(
                Customer, pk=self.instance.pk, expected_version=cleaned["expected_version"]
            )
        return cleaned


class CustomerAdmin(CustomerImportExportMixin, admin.ModelAdmin):
    """Customers in the admin; a new customer without a number gets the next free one.

    Import and Export come from ``CustomerImportExportMixin``.
    """

    list_display = [
        "number",
        "name",
        "organisation_number",
        "country",
        "industry",
        person_column("owner", _("customer owner")),
        "is_active",
    ]
    list_display_links = ["number", "name"]
    list_filter = ["is_active", "industry", "country"]
    search_fields = ["=number", "name", "organisation_number", "vat_number"]
    list_select_related = ["industry", "owner"]
    autocomplete_fields = ["owner"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields and "widget" not in kwargs:
            kwargs["widget"] = ValidValuesAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    readonly_fields = ["created_at", "created_by", "updated_at", "updated_by", "version"]
    exclude = ["grouping_options"]
    ordering = ["name", "number"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = CustomerAdminForm

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "number" in form.base_fields:
            form.base_fields["number"].required = False
            form.base_fields["number"].help_text = _("Leave empty to get the next free number.")
        return form

    def has_change_permission(self, request, obj=None):
        # "Edit own customers only" holds in the admin too: others' customers are read-only.
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None:
            return may_edit_customer(request.user, obj)
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if allowed and obj is not None:
            return may_delete_customer(request.user, obj)
        return allowed

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from .services import versioning
        from .services.customers import next_customer_number

        with transaction.atomic():
            if obj.number is None:
                obj.number = next_customer_number()
            if change:
                versioning.bump(obj, user=request.user)
            else:
                obj.created_by = request.user
                obj.updated_by = request.user
            super().save_model(request, obj, form, change)


if not admin.site.is_registered(Customer):
    admin.site.register(Customer, CustomerAdmin)
