"""Filters of the project list (django-filter)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.widgets import InlineSelect, prepared_user_rows, use_name_choices, use_user_choices
from customers.filters import IdFilter

from .models import Project, SalesStatus

STATE_OPEN = "open"
STATE_CLOSED = "closed"
STATE_ALL = "all"


def active_users():
    """Active users by name: the owners a project list can be filtered by."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .order_by("first_name", "last_name", "username")
    )


# The owner select's rows (core.widgets.use_user_choices), from SQL compiled once per process
# (core.prepared).
_active_user_rows = prepared_user_rows(active_users)


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=Project.KIND_CHOICES,
        empty_label=_("All kinds"),
        widget=InlineSelect,
    )
    sales_status = django_filters.ModelChoiceFilter(
        label=_("Sales status"),
        queryset=SalesStatus.objects.order_by("order", "name"),
        empty_label=_("All statuses"),
        widget=InlineSelect,
    )
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"),
        queryset=lambda request: active_users(),
        empty_label=_("All owners"),
        widget=InlineSelect,
    )
    customer = IdFilter(field_name="customer_id", widget=forms.HiddenInput, label=_("Customer"))
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[
            (STATE_OPEN, _("Ongoing")),
            (STATE_CLOSED, _("Closed")),
            (STATE_ALL, _("Ongoing and closed")),
        ],
        empty_label=None,
        method="filter_state",
        widget=InlineSelect,
    )

    class Meta:
        model = Project
        fields = ["q", "kind", "sales_status", "owner", "customer", "state"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("state", STATE_OPEN)
        super().__init__(data, *args, **kwargs)
        # Options read as rows, not model objects (core.widgets.RowChoices); people by full
        # name, as everywhere else in the app (username when there is none).
        use_name_choices(self.form.fields["sales_status"])
        use_user_choices(self.form.fields["owner"], rows=_active_user_rows)
        for field in self.form.fields.values():
            css = "form-select form-select-sm" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault(
                "class", css + (" form-control-sm" if "control" in css else "")
            )

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_state(self, queryset, name, value):
        if value == STATE_CLOSED:
            return queryset.filter(is_closed=True)
        if value == STATE_ALL:
            return queryset
        return queryset.filter(is_closed=False)
