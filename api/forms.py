"""The form of the API tokens page."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import IsoDateInput


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the invoicing system."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty for a token that never expires."),
        widget=IsoDateInput(),
    )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The expiry date must be in the future."))
        return day

    def expires_at(self):
        """The end of the chosen day, local time (the token works through that day)."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(
            datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        )
