"""Filters of the activity list (django-filter): mine / all, when, type, customer, project."""

import django_filters
from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import InlineSelect, use_name_choices
from customers.filters import IdFilter

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
        widget=InlineSelect,
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
        widget=InlineSelect,
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Type"),
        queryset=ActivityType.objects.order_by("order", "name"),
        empty_label=_("All types"),
        widget=InlineSelect,
    )
    customer = IdFilter(field_name="customer_id", widget=forms.HiddenInput)
    project = IdFilter(field_name="project_id", widget=forms.HiddenInput)

    class Meta:
        model = Activity
        fields = ["scope", "when", "type", "customer", "project"]

    def __init__(self, data=None, *args, user, **kwargs):
        data = data.copy() if data is not None else {}
        data.setdefault("scope", SCOPE_MINE)
        data.setdefault("when", WHEN_UPCOMING)
        self.user = user
        super().__init__(data, *args, **kwargs)
        # Types read as rows, not model objects (core.widgets.RowChoices).
        use_name_choices(self.form.fields["type"])
        for name in ("scope", "when", "type"):
            self.form.fields[name].widget.attrs["class"] = (
                "form-select form-select-sm kk-autosubmit"
            )

    def filter_scope(self, queryset, name, value):
        # Applied in filter_queryset, after the other filters (see there).
        return queryset

    def filter_queryset(self, queryset):
        """The other filters, then "mine" as ``pk IN (owned UNION participated)``.

        Each branch carries the when/type filters, so the owned one is a range scan of the
        (owner, is_done, starts_at) index; an OR with an EXISTS would test all 1,000,000 rows.
        """
        queryset = super().filter_queryset(queryset)
        if not queryset.query.order_by:
            # "when" left empty (or every activity asked for): newest first, as "all" lists them.
            queryset = queryset.order_by("-starts_at", "-id")
        if self.form.cleaned_data.get("scope", SCOPE_MINE) == SCOPE_MINE:
            base = queryset.order_by().values("pk")
            mine = base.filter(owner=self.user).union(
                base.filter(participant_users=self.user), all=True
            )
            # The branches hold every filter, so the outer query needs only the keys: with the
            # filters repeated outside, the planner scans all open activities to meet them.
            queryset = self.queryset.filter(pk__in=mine).order_by(*queryset.query.order_by)
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
