"""Forms of the customer register: new customer, customer details, description."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import BlankChoiceIterator
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from ..models import (
    Address,
    Currency,
    Customer,
    Industry,
    InvoiceLanguage,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)
from ..permissions import is_restricted_to_own, owner_refusal
from ..selectors.customers import customer_owner_choices
from ..validators import normalise_organisation_number
from . import add_model_errors


def _website_field():
    return forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )


# The new-customer form's head-office fields, named address_<Address field>.
ADDRESS_TEXT_FIELDS = ("line1", "line2", "postal_code", "city", "phone")
ADDRESS_FLAG_FIELDS = ("is_postal", "is_visiting", "is_billing")
BILLING_FIELDS = ("payment_term", "invoice_template", "price_list", "currency", "invoice_language")
DETAIL_FIELDS = (
    "name",
    "number",
    "organisation_number",
    "vat_number",
    "country",
    "website",
    "email",
    "industry",
    "owner",
)


def _owner_label(user):
    return user.get_full_name() or user.get_username()


def _active_lookups(form, current=None):
    """Limit lookup choices to active values (keeping a customer's current inactive one)."""
    for name, model in (
        ("industry", Industry),
        ("payment_term", PaymentTerm),
        ("invoice_template", InvoiceTemplate),
        ("price_list", PriceList),
        ("currency", Currency),
        ("invoice_language", InvoiceLanguage),
    ):
        if name not in form.fields:
            continue
        condition = model.objects.filter(is_active=True)
        current_pk = getattr(current, f"{name}_id", None) if current is not None else None
        if current_pk:
            condition = condition | model.objects.filter(pk=current_pk)
        form.fields[name].queryset = condition.distinct()


class CustomerNumberMixin:
    """A typed customer number must be free; the message names the customer holding it."""

    def clean_number(self):
        number = self.cleaned_data.get("number")
        if number in (None, ""):
            return None
        taken = Customer.objects.filter(number=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        holder = taken.first()
        if holder is not None:
            raise ValidationError(
                _(
                    "Customer number %(number)s is already used by %(name)s. Choose another "
                    "number or leave the field empty to get the next free one."
                ),
                params={"number": number, "name": holder.name},
                code="number_taken",
            )
        return number


class CustomerCreateForm(CustomerNumberMixin, forms.ModelForm):
    """Basic information, and an optional head-office address with billing defaults."""

    address_line1 = forms.CharField(label=_("Address line 1"), max_length=200, required=False)
    address_line2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    address_postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    address_city = forms.CharField(label=_("City"), max_length=100, required=False)
    address_country = LazyTypedChoiceField(
        label=_("Address country"),
        choices=BlankChoiceIterator(countries, [("", _("Same as the customer"))]),
        required=False,
    )
    address_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    address_is_postal = forms.BooleanField(label=_("Postal address"), required=False, initial=True)
    address_is_visiting = forms.BooleanField(
        label=_("Visiting address"), required=False, initial=True
    )
    address_is_billing = forms.BooleanField(
        label=_("Billing address"), required=False, initial=True
    )
    website = _website_field()
    confirm_duplicate = forms.BooleanField(
        label=_("Save anyway"), required=False, widget=forms.HiddenInput
    )

    class Meta:
        model = Customer
        fields = [
            "name",
            "number",
            "organisation_number",
            "vat_number",
            "country",
            "website",
            "email",
            "industry",
            "owner",
            "payment_term",
            "invoice_template",
            "price_list",
            "currency",
            "invoice_language",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Leave empty to get the next free number.")
        self.fields["owner"].queryset = customer_owner_choices()
        self.fields["owner"].label_from_instance = _owner_label
        if user is not None and not self.is_bound:
            self.initial.setdefault("owner", user.pk)
        if user is not None and is_restricted_to_own(user):
            # They could not edit a customer someone else owns: they are its owner.
            owner = self.fields["owner"]
            owner.queryset = owner.queryset.filter(pk=user.pk)
            owner.required = True
            owner.help_text = _("You may edit only customers you own, so you are the owner.")
        _active_lookups(self)
        # Translated here (xgettext does not read inside f-strings or HTML layout strings).
        section_title = _("Address and billing information")
        head_office_title = _("Head office address")
        billing_title = _("Billing defaults")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Basic information"),
                Row(Column("name", css_class="col-md-8"), Column("number", css_class="col-md-4")),
                Row(
                    Column("organisation_number", css_class="col-md-4"),
                    Column("vat_number", css_class="col-md-4"),
                    Column("country", css_class="col-md-4"),
                ),
                Row(Column("website", css_class="col-md-6"), Column("email", css_class="col-md-6")),
                Row(
                    Column("industry", css_class="col-md-6"), Column("owner", css_class="col-md-6")
                ),
            ),
            HTML(
                '{% load i18n %}<details class="kk-form-section" id="address-section"'
                "{% if form.address_section_open %} open{% endif %}>"
                '<summary data-testid="address-section-toggle">'
                f"{escape(section_title)}</summary>"
                '<div class="kk-form-section-body">'
                f'<h3 class="h6 mt-2">{escape(head_office_title)}</h3>'
            ),
            Row(
                Column("address_line1", css_class="col-md-6"),
                Column("address_line2", css_class="col-md-6"),
            ),
            Row(
                Column("address_postal_code", css_class="col-md-3"),
                Column("address_city", css_class="col-md-5"),
                Column("address_country", css_class="col-md-4"),
            ),
            Row(
                Column("address_phone", css_class="col-md-4"),
                Column(
                    Field("address_is_postal"),
                    Field("address_is_visiting"),
                    Field("address_is_billing"),
                    css_class="col-md-8 kk-address-flags",
                ),
            ),
            HTML(f'<h3 class="h6 mt-3">{escape(billing_title)}</h3>'),
            Row(
                Column("payment_term", css_class="col-md-4"),
                Column("invoice_template", css_class="col-md-4"),
                Column("price_list", css_class="col-md-4"),
            ),
            Row(
                Column("currency", css_class="col-md-4"),
                Column("invoice_language", css_class="col-md-4"),
            ),
            HTML("</div></details>"),
        )

    @property
    def address_section_open(self):
        """Open the section when it holds data or errors, so nothing typed is hidden."""
        if not self.is_bound:
            return False
        names = [f"address_{n}" for n in ADDRESS_TEXT_FIELDS] + list(BILLING_FIELDS)
        if any(name in self.errors for name in names):
            return True
        return any((self.data.get(self.add_prefix(name)) or "").strip() for name in names)

    def clean_organisation_number(self):
        # Normalised here too so the duplicate check compares stored forms.
        value = self.cleaned_data.get("organisation_number", "")
        country = self.data.get(self.add_prefix("country")) or "SE"
        try:
            return normalise_organisation_number(value, country)
        except ValidationError:
            return value  # the model's clean() reports it with the right message

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned[name] for name in self.Meta.fields if name in cleaned}
        values.pop("number", None)  # clean_number says whether it is free
        add_model_errors(self, self.instance, values)
        if self.has_address():
            address = {name: cleaned.get(f"address_{name}") or "" for name in ADDRESS_TEXT_FIELDS}
            address["country"] = cleaned.get("address_country") or cleaned.get("country") or "SE"
            add_model_errors(self, Address(), address, prefix="address_")
        return cleaned

    def clean_owner(self):
        owner = self.cleaned_data.get("owner")
        refusal = owner_refusal(self.user, owner)
        if refusal:
            raise ValidationError(refusal, code="owner_not_self")
        return owner

    def has_address(self):
        return any(
            self.cleaned_data.get(f"address_{n}") or self.data.get(self.add_prefix(f"address_{n}"))
            for n in ADDRESS_TEXT_FIELDS
        )

    def customer_data(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def address_data(self):
        """The head-office address for ``customer_create``, or None when none was filled in."""
        if not self.has_address():
            return None
        data = {n: self.cleaned_data.get(f"address_{n}") or "" for n in ADDRESS_TEXT_FIELDS}
        data["country"] = self.cleaned_data.get("address_country") or self.cleaned_data.get(
            "country"
        )
        for n in ADDRESS_FLAG_FIELDS:
            data[n] = bool(self.cleaned_data.get(f"address_{n}"))
        return data


class CustomerDetailsForm(CustomerNumberMixin, forms.ModelForm):
    """The card's Customer details panel; ``version`` guards against lost updates."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    website = _website_field()

    class Meta:
        model = Customer
        fields = list(DETAIL_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = True
        self.fields["owner"].queryset = customer_owner_choices(include_pk=self.instance.owner_id)
        self.fields["owner"].label_from_instance = _owner_label
        self.initial.setdefault("version", self.instance.version)
        _active_lookups(self, current=self.instance)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version",
            Row(Column("name", css_class="col-md-8"), Column("number", css_class="col-md-4")),
            Row(
                Column("organisation_number", css_class="col-md-4"),
                Column("vat_number", css_class="col-md-4"),
                Column("country", css_class="col-md-4"),
            ),
            Row(Column("website", css_class="col-md-6"), Column("email", css_class="col-md-6")),
            Row(Column("industry", css_class="col-md-6"), Column("owner", css_class="col-md-6")),
        )

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned[name] for name in DETAIL_FIELDS if name in cleaned}
        add_model_errors(self, self.instance, values)
        return cleaned

    def _post_clean(self):
        # The service validates the model; the form instance must stay untouched until then.
        pass

    def changes(self):
        return {name: self.cleaned_data.get(name) for name in DETAIL_FIELDS}


class CustomerDescriptionForm(forms.Form):
    """The description under the customer's name and whether it opens by default."""

    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    show_description = forms.BooleanField(
        label=_("Open the description by default in every customer window"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
