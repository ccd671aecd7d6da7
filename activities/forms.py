"""Activity form: the customer is fixed by where it opens; project and contacts stay within it."""

from django import forms
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from core.dates import ISO_DATETIME, IsoDateTimeInput, TypedDateTimeField
from customers.models import Contact
from projects.forms import active_users, layout_helper, user_label

from .models import Activity, ActivityType
from .permissions import owns_what_they_change


class ActivityForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Activity
        fields = [
            "subject",
            "type",
            "starts_at",
            "ends_at",
            "is_all_day",
            "location",
            "project",
            "owner",
            "participant_users",
            "participant_contacts",
            "notes",
        ]
        field_classes = {"starts_at": TypedDateTimeField, "ends_at": TypedDateTimeField}
        widgets = {
            "starts_at": IsoDateTimeInput,
            "ends_at": IsoDateTimeInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "participant_users": forms.SelectMultiple(attrs={"size": 5}),
            "participant_contacts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, customer, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        types = ActivityType.objects.filter(is_active=True)
        if self.instance.pk:
            types = types | ActivityType.objects.filter(pk=self.instance.type_id)
            self.fields["version"].initial = self.instance.version
            # An edit must say which version it was made on, or it could overwrite a newer one.
            self.fields["version"].required = True
        else:
            del self.fields["version"]
            self.fields["owner"].initial = user.pk
            default = types.filter(is_default=True).first()
            if default:
                self.fields["type"].initial = default.pk
        self.fields["type"].queryset = types.order_by("order", "name")
        self.fields["owner"].queryset = active_users()
        if owns_what_they_change(user):
            # The only owner they may choose is themselves (a forged one is an invalid choice).
            self.fields["owner"].queryset = active_users().filter(pk=user.pk)
            # Left empty on a new activity the service makes them the owner; an edit may not
            # clear it.
            self.fields["owner"].required = bool(self.instance.pk)
            self.fields["owner"].initial = user.pk
            self.fields["owner"].help_text = _(
                "You may change only activities you own, so you are the owner."
            )
        self.fields["participant_users"].queryset = active_users()
        self.fields["owner"].label_from_instance = user_label
        self.fields["participant_users"].label_from_instance = user_label
        for name in ("starts_at", "ends_at"):
            # The picker's ISO value, or what the language's users type (09.30 in Swedish).
            self.fields[name].input_formats = [
                ISO_DATETIME,
                *get_format("DATETIME_INPUT_FORMATS"),
                "%Y-%m-%d",
            ]
        if customer is None:
            # An activity of no customer has neither project nor contacts.
            del self.fields["project"]
            del self.fields["participant_contacts"]
        else:
            # A forged project or contact of another customer fails as an invalid choice.
            # Open projects, plus the one the activity has or was preset with even if closed.
            initial = self.initial.get("project")
            kept = self.instance.project_id or getattr(initial, "pk", initial)
            self.fields["project"].queryset = projects.filter(customer=customer).filter(
                is_closed=False
            ).order_by("-number") | projects.filter(pk=kept, customer=customer)
            self.fields["project"].help_text = _("The activity's customer is the project's.")
            self.fields["participant_contacts"].queryset = Contact.objects.filter(
                customer=customer, is_active=True
            ).order_by("last_name", "first_name") | Contact.objects.filter(
                pk__in=self.instance.participant_contacts.values("pk") if self.instance.pk else []
            )

        self.helper = layout_helper(
            self,
            [
                ("subject",),
                ("type", "owner"),
                ("starts_at", "ends_at", "is_all_day"),
                ("location", "project"),
                ("participant_users", "participant_contacts"),
                ("notes",),
            ],
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The activity cannot end before it starts."))
        return cleaned

    def _post_clean(self):
        # activities.services checks the instance with every rule before it saves.
        pass

    def service_kwargs(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data.setdefault("project", None)
        data.setdefault("participant_contacts", [])
        return data
