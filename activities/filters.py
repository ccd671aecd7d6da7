"""Filters of the activity list (django-filter): mine / all, when, type, customer, project."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Activity, ActivityType

SCOPE_MINE = "mine"
SCOPE_ALL = "all"
WHEN_UPCOMING = "upcoming"
WHEN_OVERDUE = "overdue"
WHEN_DONE = "done"
WHEN_ALL = "all"


class ActivityFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(
        label=_("Whose"),
        choices=[(SCOPE_MINE, _("Mine")), (SCOPE_ALL, _("Everyone's"))],
        empty_label=None,
        method="filter_scope",
    )
    when = django_filters.ChoiceFilter(
        label=_("When"),
        choices=[
            (WHEN_UPCOMING, _("Upcoming")),
            (WHEN_OVERDUE, _("Overdue")),
            (WHEN_DONE, _("Done")),
            (WHEN_ALL, _("All")),
        ],
        empty_label=None,
        method="filter_when",
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Type"),
        queryset=ActivityType.objects.order_by("order", "name"),
        empty_label=_("All types"),
    )
    customer = django_filters.NumberFilter(field_name="customer_id", widget=forms.HiddenInput)
    project = django_filters.NumberFilter(field_name="project_id", widget=forms.HiddenInput)

    class Meta:
        model = Activity
        fields = ["scope", "when", "type", "customer", "project"]

    def __init__(self, data=None, *args, user, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("scope", SCOPE_MINE)
        data.setdefault("when", WHEN_UPCOMING)
        self.user = user
        super().__init__(data, *args, **kwargs)
        for name in ("scope", "when", "type"):
            self.form.fields[name].widget.attrs["class"] = (
                "form-select form-select-sm kk-autosubmit"
            )

    def filter_scope(self, queryset, name, value):
        if value == SCOPE_MINE:
            participates = Activity.participant_users.through.objects.filter(
                activity=OuterRef("pk"), user=self.user
            )
            return queryset.filter(Q(owner=self.user) | Exists(participates))
        return queryset

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == WHEN_UPCOMING:
            return queryset.upcoming(now).order_by("starts_at", "id")
        if value == WHEN_OVERDUE:
            return queryset.overdue(now).order_by("-starts_at", "-id")
        if value == WHEN_DONE:
            return queryset.done().order_by(F("done_at").desc(nulls_last=True), "-id")
        return queryset.order_by("-starts_at", "-id")
