"""Forms of the Customer settings tab: billing defaults and the customer's grouping options."""

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from core.widgets import InlineSelect

from ..models import Customer, EInvoiceOperator
from ..selectors.settings import LOOKUP_SOURCES, active_or_current, lookup_choice_rows
from ..services.settings import LOOKUP_FIELDS
from . import add_model_errors, localize_decimal_inputs


class LookupChoiceField(forms.ModelChoiceField):
    """Marks a deactivated value, which is only offered because the customer still has it.

    ``describe(first, second)`` makes a value's text from the two columns
    ``selectors.settings.LOOKUP_SOURCES`` names for it; the select draws its options from
    those columns read in one query for all six lists (``lookup_choice_rows``), the same
    text ``label_from_instance`` gives an object."""

    label_columns = ("name", None)

    def label_from_instance(self, obj):
        first, second = self.label_columns
        return self.option_label(
            _column(obj, first), _column(obj, second) if second else None, obj.is_active
        )

    def option_label(self, first, second, is_active):
        text = self.describe(first, second)
        if not is_active:
            return _("%(value)s (inactive)") % {"value": text}
        return text

    def describe(self, first, second):
        return first


def _column(obj, path):
    for part in path.split("__"):
        obj = getattr(obj, part) if obj is not None else None
    return obj


class PriceListChoiceField(LookupChoiceField):
    label_columns = ("name", "currency__code")

    def describe(self, name, currency_code):
        return f"{name} ({currency_code})" if currency_code else name


class CurrencyChoiceField(LookupChoiceField):
    label_columns = ("code", "name")

    def describe(self, code, name):
        return f"{code} – {name}"


class OperatorChoiceField(LookupChoiceField):
    label_columns = ("name", "address_format")

    def describe(self, name, address_format):
        if address_format == EInvoiceOperator.FORMAT_FREE:
            return name
        shown = dict(EInvoiceOperator.FORMAT_CHOICES).get(address_format, address_format)
        return f"{name} ({shown})"


class _LookupChoices(BaseChoiceIterator):
    """A look-up select's options from ``lookup_choice_rows`` (lazy: read when drawn)."""

    def __init__(self, field, rows, name):
        self.field = field
        self.rows = rows
        self.name = name

    def __iter__(self):
        yield ("", self.field.empty_label)
        for pk, is_active, first, second in self.rows[self.name]:
            yield (pk, self.field.option_label(first, second, is_active))


class CustomerSettingsForm(forms.ModelForm):
    """The billing defaults; ``version`` is the customer's version when the form was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    COLUMNS = (
        ("payment_term", "invoice_template", "price_list", "currency"),
        ("invoice_language", "overdue_interest", "einvoice_operator", "einvoice_address"),
    )

    class Meta:
        model = Customer
        fields = [
            "payment_term",
            "invoice_template",
            "price_list",
            "currency",
            "invoice_language",
            "overdue_interest",
            "einvoice_address",
            "einvoice_operator",
        ]
        field_classes = {
            "payment_term": LookupChoiceField,
            "invoice_template": LookupChoiceField,
            "price_list": PriceListChoiceField,
            "currency": CurrencyChoiceField,
            "invoice_language": LookupChoiceField,
            "einvoice_operator": OperatorChoiceField,
        }
        # Drawn by one template each, without an include per option (core/widgets.py).
        widgets = {name: InlineSelect for name in LOOKUP_FIELDS}
        help_texts = {
            "einvoice_address": _(
                "For a Peppol operator the participant id (e.g. 0007:5560360793), for a GLN "
                "operator the 13-digit GLN."
            ),
        }

    def __init__(self, *args, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.instance
        self.fields["version"].initial = customer.version
        # The querysets check a submitted value; the selects draw their options from the
        # rows of one query for all six lists, read when the form is drawn.
        choice_rows = SimpleLazyObject(lambda: lookup_choice_rows(customer))
        for name, (model, *_columns) in LOOKUP_SOURCES.items():
            field = self.fields[name]
            field.queryset = active_or_current(model.objects.all(), getattr(customer, f"{name}_id"))
            field.empty_label = _("Not set")
            field.widget.choices = _LookupChoices(field, choice_rows, name)
        localize_decimal_inputs(self)
        for field in self.fields.values():
            # The classes crispy gave them: the template draws these fields by hand, which is
            # cheaper than crispy's rendering (docs/performance.md).
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs["class"] = "select form-select"
            elif not widget.is_hidden:
                widget.attrs["class"] = f"{widget.input_type}input form-control"
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def columns(self):
        """The fields in the tab's two columns, marked invalid where they have errors.

        Called when the template draws the form, after every error (also the service's) is in.
        """
        columns = []
        for names in self.COLUMNS:
            column = []
            for name in names:
                bound = self[name]
                if bound.errors:
                    attrs = bound.field.widget.attrs
                    if "is-invalid" not in attrs["class"]:
                        attrs["class"] += " is-invalid"
                    attrs["aria-describedby"] = f"{bound.auto_id}_error"
                column.append(bound)
            columns.append(column)
        return columns

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("einvoice_address") and not cleaned.get("einvoice_operator"):
            self.add_error("einvoice_operator", _("Choose the operator of the e-invoice address."))
        values = {name: cleaned[name] for name in self.Meta.fields if name in cleaned}
        add_model_errors(self, self.instance, values)
        return cleaned

    def _post_clean(self):
        # Customer.clean() (the e-invoice address check) runs in the service, on the locked
        # row; running it here as well would judge a copy that may be out of date.
        pass

    def settings_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


NONE_CHOICE = ""


class GroupingForm(forms.Form):
    """One field per shown category: checkboxes, or radio buttons with "None" for single choice.

    Only active options are choices. Options the customer holds that were deactivated (or
    whose category was) are not choices: they are shown ticked and disabled and kept when the
    form is saved, so hiding them cannot remove them by accident. For a single-choice
    category, choosing another option (or "None") replaces the held inactive one.
    """

    def __init__(self, *args, categories, held_options, read_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.held_options = list(held_options)
        held_ids = {option.pk for option in self.held_options}
        held_category_ids = {option.category_id for option in self.held_options}
        self.options_by_id = {}
        self.sections = []
        for category in categories:
            if not category.is_active and category.pk not in held_category_ids:
                continue
            active, held_inactive = [], []
            for option in category.options.all():
                usable = option.is_active and category.is_active
                if usable:
                    active.append(option)
                    self.options_by_id[option.pk] = option
                elif option.pk in held_ids:
                    held_inactive.append(option)
            if not active and not held_inactive:
                continue
            name = f"grouping_{category.pk}"
            choices = [(str(option.pk), option.name) for option in active]
            held_active = [str(o.pk) for o in active if o.pk in held_ids]
            if category.is_single_choice:
                field = forms.ChoiceField(
                    label=category.name,
                    choices=[(NONE_CHOICE, _("None"))] + choices,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=held_active[0] if held_active else (None if held_inactive else ""),
                )
            else:
                field = forms.MultipleChoiceField(
                    label=category.name,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    initial=held_active,
                )
            field.disabled = read_only
            self.fields[name] = field
            self.sections.append(
                {"category": category, "name": name, "held_inactive": held_inactive}
            )

    def sections_for_display(self):
        """What the template draws: each category with its options and which are ticked."""
        drawn = []
        for section in self.sections:
            bound = self[section["name"]]
            value = bound.value()
            if not isinstance(value, list | tuple):
                value = [] if value is None else [value]
            value = {str(v) for v in value}
            choices = [
                {
                    "value": str(choice_value),
                    "label": label,
                    "checked": str(choice_value) in value,
                    "id": f"id_{section['name']}_{choice_value or 'none'}",
                }
                for choice_value, label in bound.field.choices
            ]
            drawn.append(
                dict(
                    section,
                    field=bound,
                    choices=choices,
                    single=section["category"].is_single_choice,
                )
            )
        return drawn

    def selected_options(self):
        """The options the customer should hold after saving (call after ``is_valid()``)."""
        selected = []
        for section in self.sections:
            name = section["name"]
            category = section["category"]
            value = self.cleaned_data.get(name)
            if category.is_single_choice:
                chosen = [value] if value else []
                # The inactive option stays unless the user touched this group of radios.
                if self.add_prefix(name) not in self.data:
                    selected.extend(section["held_inactive"])
            else:
                chosen = value or []
                selected.extend(section["held_inactive"])
            selected.extend(self.options_by_id[int(pk)] for pk in chosen)
        return selected
