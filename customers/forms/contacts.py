"""The form of a customer's contact person, opened from the card."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Address, Contact, ContactRole
from ..validators import normalise_phone
from .addresses import AddressChoiceField


class ContactForm(forms.ModelForm):
    """New or changed contact. Only the customer's own addresses and active roles are offered;
    a forged address id of another customer is not among the choices and is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        fields = [
            "first_name",
            "last_name",
            "title",
            "role",
            "address",
            "email",
            "phone",
            "mobile",
            "language",
            "email_allowed",
            "notes",
        ]
        field_classes = {"address": AddressChoiceField}
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "mobile": forms.TextInput(attrs={"type": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        address = self.fields["address"]
        address.queryset = Address.objects.filter(customer=customer).order_by(
            "-is_head_office", "city", "line1", "id"
        )
        head_office = address.queryset.first()  # the head office comes first
        if head_office is not None:
            address.required = True
            address.empty_label = None
            if not self.instance.pk:
                address.initial = head_office.pk
        else:
            address.disabled = True
            address.help_text = _("The customer has no addresses yet.")
        roles = Q(is_active=True)
        if self.instance.role_id:
            roles |= Q(pk=self.instance.role_id)  # keep a role that was deactivated since
        self.fields["role"].queryset = ContactRole.objects.filter(roles)
        self.fields["phone"].help_text = _(
            "National numbers are read with the country of the address."
        )
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # An edit must say which version it was made on, or it could overwrite a newer one.
            self.fields["version"].required = True

    def clean(self):
        cleaned = super().clean()
        # The phone numbers are judged here too (the service judges them again when it saves),
        # so a wrong number is marked in the same answer as the form's other errors.
        address = cleaned.get("address")
        country = address.country if address is not None else self.customer.country
        for name in ("phone", "mobile"):
            if cleaned.get(name) and name not in self.errors:
                try:
                    normalise_phone(cleaned[name], country or "SE")
                except ValidationError as exc:
                    self.add_error(name, exc.messages)
        return cleaned

    def service_kwargs(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self):
        # The services validate the model (address of the same customer, phone form); the view
        # puts their errors on the form.
        pass
