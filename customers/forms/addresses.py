"""Forms of the card's addresses: new/edit, delete (what happens to contacts), head office."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Address
from . import add_model_errors


def address_label(address):
    """One line naming an address in a chooser, the head office marked."""
    text = str(address) or _("(no street address)")
    if address.is_head_office:
        return "{} · {}".format(text, _("Head office"))
    return str(text)


class AddressChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return address_label(obj)


class AddressForm(forms.ModelForm):
    """New or changed address; ``version`` carries the version the edit form was opened with."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Address
        fields = [
            "line1",
            "line2",
            "postal_code",
            "city",
            "country",
            "phone",
            "is_postal",
            "is_visiting",
            "is_billing",
            "is_head_office",
        ]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        head = self.fields["is_head_office"]
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            # An edit must say which version it was made on, or it could overwrite a newer one.
            self.fields["version"].required = True
            if self.instance.is_head_office:
                head.disabled = True
                head.help_text = _(
                    "To move the head office, make another address the head office "
                    "(Change beside the head office on the card)."
                )
        elif not customer.addresses.exists():
            head.disabled = True
            head.initial = True
            head.help_text = _("The customer's first address becomes the head office.")
        else:
            head.help_text = _("Tick to make this the head office instead of the present one.")
        self.fields["phone"].help_text = _(
            "Written with or without the country code; stored as +46701234567."
        )

    def service_kwargs(self):
        """The cleaned values as keyword arguments of the address services."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["country"] = str(data["country"] or "SE")
        return data

    def clean(self):
        cleaned = super().clean()
        values = {name: cleaned.get(name, "") for name in ("line1", "postal_code", "city", "phone")}
        values["country"] = str(cleaned.get("country") or "SE")
        add_model_errors(self, self.instance, values)
        return cleaned

    def _post_clean(self):
        # The services own the model validation (flags move between rows under a lock); the
        # form only checks its fields. Errors the services raise are added in the view.
        pass


class AddressDeleteForm(forms.Form):
    """Deleting an address: a new head office when it is the head office, and its contacts."""

    new_head_office = AddressChoiceField(
        queryset=Address.objects.none(),
        label=_("New head office"),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    move_contacts_to = AddressChoiceField(
        queryset=Address.objects.none(),
        label=_("Move its contacts to"),
        required=False,
    )

    def __init__(self, *args, address, others, contact_count, **kwargs):
        super().__init__(*args, **kwargs)
        self.address = address
        self.contact_count = contact_count
        needs_head_office = address.is_head_office and others
        if needs_head_office:
            field = self.fields["new_head_office"]
            field.queryset = Address.objects.filter(pk__in=[a.pk for a in others])
            field.required = True
            field.initial = others[0].pk
        else:
            del self.fields["new_head_office"]
        if contact_count and others:
            field = self.fields["move_contacts_to"]
            field.queryset = Address.objects.filter(pk__in=[a.pk for a in others])
            # The empty choice is the default the service applies: the (new) head office.
            field.empty_label = (
                _("The new head office") if address.is_head_office else _("The head office")
            )
        else:
            del self.fields["move_contacts_to"]


class HeadOfficeForm(forms.Form):
    """Pick which of the customer's addresses is the head office."""

    address = AddressChoiceField(
        queryset=Address.objects.none(),
        label=_("Head office"),
        empty_label=None,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["address"]
        field.queryset = Address.objects.filter(customer=customer).order_by(
            "-is_head_office", "city", "line1", "id"
        )
