"""Filters of the customer list (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import InlineSelect, use_name_choices, use_user_choices

from .collation import swedish
from .models import Customer, Industry
from .selectors.customers import customer_owner_choice_rows, customer_owner_choices

STATUS_ACTIVE = "active"
STATUS_INACTIVE = "inactive"
STATUS_ALL = "all"


# The largest id a bigint primary key holds.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An id in the query string: a whole number an id column can hold. Anything else (a
    decimal, 10**20) is an invalid value the filter ignores, not a lookup the database fails."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StableOrderingFilter(django_filters.OrderingFilter):
    """Orders as chosen, names in Swedish order (Å, Ä, Ö after Z), then by pk, so equal names
    never swap places between pages."""

    def get_ordering_value(self, param):
        value = super().get_ordering_value(param)
        field = value.lstrip("-")
        if field != "name":
            return value
        collated = swedish(field)
        return collated.desc() if value.startswith("-") else collated.asc()

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        return qs.order_by(*qs.query.order_by, "pk")


class CustomerListFilter(django_filters.FilterSet):
    """Search, industry, owner, active/inactive (active unless chosen) and sort order."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Number, name, org/VAT number or city"),
                "type": "search",
                "autofocus": True,
            }
        ),
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"),
        queryset=Industry.objects.all(),
        empty_label=_("All industries"),
        widget=InlineSelect,
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Customer owner"),
        queryset=lambda request: customer_owner_choices(),
        empty_label=_("All owners"),
        widget=InlineSelect,  # one option per account manager: one template, no include per option
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (STATUS_ACTIVE, _("Active")),
            (STATUS_INACTIVE, _("Inactive")),
            (STATUS_ALL, _("Active and inactive")),
        ],
        method="filter_status",
        empty_label=None,
        widget=InlineSelect,
    )
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("number", "number")),
        field_labels={"name": _("Name"), "number": _("Customer number")},
        empty_label=None,
    )

    class Meta:
        model = Customer
        fields = ["q", "industry", "owner", "status"]

    def __init__(self, data=None, *args, **kwargs):
        # Without a choice the list shows active customers, sorted by name.
        data = data.copy() if data is not None else {}
        if not data.get("status"):
            data["status"] = STATUS_ACTIVE
        if not data.get("sort"):
            data["sort"] = "name"
        super().__init__(data, *args, **kwargs)
        # Options drawn from rows, not model objects (core.widgets.RowChoices).
        use_name_choices(self.form.fields["industry"])
        use_user_choices(self.form.fields["owner"], rows=customer_owner_choice_rows)
        for name, field in self.form.fields.items():
            css = "form-control" if name == "q" else "form-select kk-autosubmit"
            field.widget.attrs["class"] = css
            field.widget.attrs["data-testid"] = f"filter-{name}"

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_status(self, queryset, name, value):
        if value == STATUS_INACTIVE:
            return queryset.filter(is_active=False)
        if value == STATUS_ALL:
            return queryset
        return queryset.filter(is_active=True)
