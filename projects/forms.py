"""Project forms: create and edit (calling projects.services), status, notes, the chooser."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from core.dates import IsoDateInput
from customers.forms import localize_decimal_inputs
from customers.forms.settings import (
    LookupChoiceField,
    OperatorChoiceField,
    PriceListChoiceField,
)
from customers.models import (
    Address,
    Contact,
    Currency,
)
from customers.permissions import may_see_financials
from customers.selectors.settings import LOOKUP_SOURCES, active_or_current

from .models import Project, ProjectNote, SalesStatus
from .services import customer_billing_defaults

# New projects of a customer without a currency are valued in the company's own.
DEFAULT_CURRENCY = "SEK"


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name")


def user_label(user):
    return user.get_full_name() or user.get_username()


def columns(*names):
    """A crispy row with the fields that the form has, side by side."""
    return Row(*[Column(name, css_class="col-md") for name in names])


def layout_helper(form, rows):
    """A FormHelper (no form tag) laying ``rows`` out, skipping fields the form dropped."""
    helper = FormHelper(form)
    helper.form_tag = False
    helper.layout = Layout(
        *[columns(*[n for n in row if n in form.fields]) for row in rows],
        *[name for name in form.fields if not any(name in row for row in rows)],
    )
    return helper


class TypedDecimalField(forms.DecimalField):
    """A decimal as people type it in their language: "12 500,50" in Swedish, "12,500.50" in
    English. Shown and read in the user's language (``localize``); spaces between digit groups
    (plain, no-break or narrow) are dropped first."""

    def __init__(self, **kwargs):
        kwargs["localize"] = True
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split())  # also no-break and narrow spaces
            if get_format("DECIMAL_SEPARATOR") != ",":
                value = value.replace(",", "")  # English digit groups: 12,500.50
        return super().to_python(value)


class ProjectForm(forms.ModelForm):
    """Create or edit a project. The customer is chosen before the form opens and kept fixed;
    the contact can only be one of that customer's contacts."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "customer",
            "name",
            "kind",
            "contact",
            "owner",
            "sales_status",
            "expected_value",
            "currency",
            "expected_order_date",
            "probability",
            "start_date",
            "deadline",
            "description",
            "payment_term",
            "invoice_template",
            "price_list",
            "invoice_language",
            "billing_address",
            "einvoice_operator",
            "einvoice_address",
        ]
        field_classes = {
            "expected_value": TypedDecimalField,
            "payment_term": LookupChoiceField,
            "invoice_template": LookupChoiceField,
            "price_list": PriceListChoiceField,
            "invoice_language": LookupChoiceField,
            "einvoice_operator": OperatorChoiceField,
        }
        widgets = {
            "customer": forms.HiddenInput,
            "expected_order_date": IsoDateInput,
            "start_date": IsoDateInput,
            "deadline": IsoDateInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, customers, customer, **kwargs):
        super().__init__(*args, **kwargs)
        localize_decimal_inputs(self)
        self.user = user
        self.customer = customer
        # The customer must be one the user may edit: a forged id fails as an invalid choice.
        self.fields["customer"].queryset = customers
        self.fields["customer"].initial = customer.pk
        self.fields["contact"].queryset = Contact.objects.filter(customer=customer).order_by(
            "last_name", "first_name"
        )
        self.fields["owner"].queryset = active_users()
        statuses = SalesStatus.objects.filter(is_active=True)
        currencies = Currency.objects.filter(is_active=True)
        if self.instance.pk:
            # Keep a value that was deactivated after it was chosen.
            statuses = SalesStatus.objects.filter(
                pk__in=statuses.values("pk")
            ) | SalesStatus.objects.filter(pk=self.instance.sales_status_id)
            currencies = Currency.objects.filter(
                pk__in=currencies.values("pk")
            ) | Currency.objects.filter(pk=self.instance.currency_id)
            del self.fields["kind"]
            self.fields["version"].initial = self.instance.version
            # An edit must say which version it was made on, or it could overwrite a newer one.
            self.fields["version"].required = True
            if not self.instance.is_sales:
                del self.fields["sales_status"]
        else:
            del self.fields["version"]
            self.fields["kind"].initial = Project.SALES
            self.fields["owner"].initial = user.pk
            # A new project starts from the customer's billing defaults, each editable here.
            for name, value in customer_billing_defaults(customer).items():
                self.fields[name].initial = value
            self.fields["currency"].initial = customer.currency_id or (
                Currency.objects.filter(code=DEFAULT_CURRENCY).values_list("pk", flat=True).first()
            )
        self._limit_billing_choices(customer)
        if "sales_status" in self.fields:
            self.fields["sales_status"].queryset = statuses.order_by("order", "name")
            self.fields["sales_status"].help_text = _(
                "Won sets the probability to 100 %; lost closes the project."
            )
        self.fields["currency"].queryset = currencies.order_by("code")
        self.fields["owner"].label_from_instance = user_label
        if not self.instance.pk and "sales_status" in self.fields:
            default = statuses.filter(is_default=True).values_list("pk", flat=True).first()
            self.fields["sales_status"].initial = default
        if not may_see_financials(user):
            # Values are figures of the All level (docs/architecture.md, "Permissions"): not
            # shown, not written.
            del self.fields["expected_value"]
            del self.fields["currency"]
        self.helper = layout_helper(
            self,
            [
                ("name",),
                ("kind", "owner"),
                ("contact",),
                ("sales_status", "probability"),
                ("expected_value", "currency"),
                ("expected_order_date", "start_date", "deadline"),
                ("description",),
                ("payment_term", "invoice_template"),
                ("price_list", "invoice_language"),
                ("billing_address",),
                ("einvoice_operator", "einvoice_address"),
            ],
        )

    def _limit_billing_choices(self, customer):
        """Active look-up values (plus the project's current, even if since deactivated); the
        billing address among the customer's billing addresses."""
        current = self.instance if self.instance.pk else None
        for name in (
            "payment_term",
            "invoice_template",
            "price_list",
            "invoice_language",
            "einvoice_operator",
        ):
            model = LOOKUP_SOURCES[name][0]
            current_pk = getattr(current, f"{name}_id", None) if current else None
            queryset = active_or_current(model.objects.all(), current_pk)
            if name == "price_list":
                queryset = queryset.select_related("currency")
            self.fields[name].queryset = queryset
        addresses = Address.objects.filter(customer=customer, is_billing=True)
        if current and current.billing_address_id:
            addresses = addresses | Address.objects.filter(
                customer=customer, pk=current.billing_address_id
            )
        self.fields["billing_address"].queryset = addresses.order_by("-is_default_billing", "id")
        self.fields["billing_address"].help_text = _(
            "One of the customer's billing addresses; the default one is proposed."
        )

    def clean_customer(self):
        customer = self.cleaned_data["customer"]
        if customer.pk != self.customer.pk:
            raise forms.ValidationError(_("The customer cannot change here."))
        return customer

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Project.DELIVERY:
            cleaned["sales_status"] = None
        return cleaned

    def _post_clean(self):
        # The services run full_clean() with the rules; skip ModelForm's own instance check,
        # which would judge the instance before the services set number and status.
        pass

    def service_kwargs(self):
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"version", "kind"}}
        data.pop("customer", None)
        return data


class CustomerChooserForm(forms.Form):
    q = forms.CharField(
        label=_("Find the customer"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, number, organisation number or city"), "autofocus": True}
        ),
    )


def choose_customers(customers, text, limit=20):
    """The first ``limit`` customers matching ``text`` for the chooser (one query)."""
    if not (text or "").strip():
        return []
    return list(customers.active().search(text).order_by("name", "number")[:limit])


class SalesStatusForm(forms.Form):
    sales_status = forms.ModelChoiceField(
        label=_("Sales status"), queryset=SalesStatus.objects.none()
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sales_status"].queryset = SalesStatus.objects.filter(is_active=True)
        self.fields["sales_status"].initial = project.sales_status_id
        self.fields["version"].initial = project.version


class ProjectNoteForm(forms.ModelForm):
    class Meta:
        model = ProjectNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("New note")}


class CustomerNoteForm(forms.ModelForm):
    """A note posted from the Collaboration tab: the user chooses one of the customer's projects."""

    class Meta:
        model = ProjectNote
        fields = ["project", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("New note")}

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        self.fields["project"].empty_label = None

    def _post_clean(self):
        pass
