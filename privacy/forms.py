from django import forms
from django.utils.translation import gettext_lazy as _

QUERY_HELP = _("An e-mail address, a phone number or a full name.")


class FindForm(forms.Form):
    q = forms.CharField(label=_("Person"), max_length=200, help_text=QUERY_HELP)


class ExportForm(forms.Form):
    q = forms.CharField(max_length=200, widget=forms.HiddenInput)
    language = forms.ChoiceField(
        label=_("Language of the export"),
        choices=[("sv", _("Swedish")), ("en", _("English"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reference = forms.CharField(
        label=_("Request reference"),
        max_length=100,
        required=False,
        help_text=_("The case number of the request; never the person's name."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class EraseForm(forms.Form):
    q = forms.CharField(max_length=200, widget=forms.HiddenInput)
    reference = forms.CharField(
        label=_("Request reference"),
        max_length=100,
        help_text=_("The case number of the request; never the person's name."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the erasure cannot be undone."), required=True
    )
