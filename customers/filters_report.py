"""Filters of the customer report (django-filter), including grouping options per category.

Grouping: for each category the user ticks options and says whether a customer must hold any
of them or all of them; categories combine with AND. Options are plain choices built from the
prefetched categories, so validating a filter costs no query per category.
"""

import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.dates import IsoDateInput
from core.widgets import prepared_user_rows

from .models import Address, Customer, CustomerGroupingOption, Industry
from .selectors.groupings import grouping_categories

MATCH_ANY = "any"
MATCH_ALL = "all"
ACTIVE_YES = "yes"
ACTIVE_NO = "no"
ACTIVE_ANY = "any"


def owner_choices(request=None):
    """Users who own at least one customer, by name."""
    return (
        get_user_model()
        .objects.filter(Exists(Customer.objects.filter(owner=OuterRef("pk"))))
        .order_by("first_name", "last_name", "username")
    )


# The same users as rows for the report's select (core.widgets.use_user_choices), from SQL
# compiled once per process (core.prepared).
owner_choice_rows = prepared_user_rows(owner_choices)


def _start_of_day(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerChoiceField


class CustomerReportFilter(django_filters.FilterSet):
    """Industry, owner, country, city of any address, active, created from/to, groupings."""

    industry = django_filters.ModelChoiceFilter(
        label=_("Industry"), queryset=Industry.objects.all(), empty_label=_("All industries")
    )
    owner = OwnerFilter(
        label=_("Customer owner"), queryset=owner_choices, empty_label=_("All owners")
    )
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=lambda: list(countries), empty_label=_("All countries")
    )
    city = django_filters.CharFilter(label=_("City (any address)"), method="filter_city")
    active = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[
            (ACTIVE_YES, _("Active")),
            (ACTIVE_NO, _("Inactive")),
            (ACTIVE_ANY, _("Active and inactive")),
        ],
        empty_label=None,
        method="filter_active",
    )
    created_from = django_filters.DateFilter(
        label=_("Created from"),
        method="filter_created_from",
        widget=IsoDateInput(),
    )
    created_to = django_filters.DateFilter(
        label=_("Created to"),
        method="filter_created_to",
        widget=IsoDateInput(),
    )

    class Meta:
        model = Customer
        fields = []

    def __init__(self, data=None, *args, categories=None, **kwargs):
        if data is not None and not data.get("active"):
            data = data.copy()
            data["active"] = ACTIVE_YES
        super().__init__(data, *args, **kwargs)
        self.categories = list(categories if categories is not None else grouping_categories())
        self.grouping_fields = []
        for category in self.categories:
            options = list(category.options.all())
            if not options:
                continue
            name = f"g{category.pk}"
            choices = []
            for option in options:
                label = option.name
                if not option.is_active:
                    label = _("%(value)s (inactive)") % {"value": option.name}
                choices.append((str(option.pk), label))
            self.filters[name] = django_filters.MultipleChoiceFilter(
                label=category.name,
                choices=choices,
                widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                method=self.filter_nothing,
            )
            self.filters[f"{name}_match"] = django_filters.ChoiceFilter(
                label=_("Match"),
                choices=[(MATCH_ANY, _("any of")), (MATCH_ALL, _("all of"))],
                empty_label=None,
                method=self.filter_nothing,
            )
            self.grouping_fields.append((category, name, f"{name}_match"))

    # Grouping filters are applied together in filter_queryset; each one alone does nothing.
    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_city(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Exists(Address.objects.filter(customer=OuterRef("pk"), city__iexact=value))
        )

    def filter_active(self, queryset, name, value):
        if value == ACTIVE_YES:
            return queryset.filter(is_active=True)
        if value == ACTIVE_NO:
            return queryset.filter(is_active=False)
        return queryset

    def filter_created_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of_day(value))

    def filter_created_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=_start_of_day(value + datetime.timedelta(days=1)))

    def grouping_conditions(self):
        """The chosen grouping filters: ``[(category, [option ids], match)]``."""
        chosen = []
        for category, name, match_name in self.grouping_fields:
            ids = [int(pk) for pk in self.form.cleaned_data.get(name) or []]
            if ids:
                match = self.form.cleaned_data.get(match_name) or MATCH_ANY
                chosen.append((category, ids, match))
        return chosen

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        for _category, ids, match in self.grouping_conditions():
            if match == MATCH_ALL:
                for option_id in ids:
                    queryset = queryset.filter(
                        Exists(
                            CustomerGroupingOption.objects.filter(
                                customer=OuterRef("pk"), option_id=option_id
                            )
                        )
                    )
            else:
                queryset = queryset.filter(
                    Exists(
                        CustomerGroupingOption.objects.filter(
                            customer=OuterRef("pk"), option_id__in=ids
                        )
                    )
                )
        return queryset
