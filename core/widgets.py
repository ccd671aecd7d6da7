"""Form widgets that draw a select with many options cheaply.

Django draws a ``<select>`` with one template include per option (``select_option.html``, and
``attrs.html`` for each), and builds each option first as a dictionary of a dozen keys with its
own copy of the attributes (``ChoiceWidget.create_option``): the customer list's owner filter
(one option per account manager, 200 at scale) took 6.8 ms to draw, a third of the page.
``InlineSelect`` draws the same elements from a lean list of options (per option its value,
its label and whether it is selected) with one Jinja2 template that loops over them
(``core/jinja2/core/widgets/select_inline.html``, the project's ``jinja2`` engine): Django's
template engine costs some 10 µs a loop turn, Jinja2 about one. The markup stays in a
template, not in Python strings; it escapes what it draws as Django's templates do.
"""

import functools

from django import forms
from django.apps import apps
from django.template import engines
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe

from .prepared import Prepared
from .rows import user_label


class InlineSelect(forms.Select):
    """``forms.Select`` drawn by one template, without an include or a dictionary per option.

    ``widget.groups`` in the template's context: ``[(group label or None, [(value, label,
    selected), ...]), ...]``, in the order of the choices; a choice whose label is itself a
    list of choices is an ``<optgroup>``, as with Django's widget. Like ``forms.Select`` only
    the first option whose value matches is selected."""

    template_name = "core/widgets/select_inline.html"  # in the ``jinja2`` engine

    def get_context(self, name, value, attrs):
        # forms.Widget's context (name, value as a list of strings, attrs, template name),
        # without ChoiceWidget's per-option dictionaries.
        context = forms.Widget.get_context(self, name, value, attrs)
        wanted = set(context["widget"]["value"])
        groups = []
        plain = None  # the group that collects consecutive options outside any optgroup
        found = False
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                plain = None
                options = []
                groups.append((option_value, options))
                choices = option_label
            else:
                if plain is None:
                    plain = []
                    groups.append((None, plain))
                options = plain
                choices = ((option_value, option_label),)
            for choice_value, choice_label in choices:
                text = str(choice_value)
                selected = not found and text in wanted
                found = found or selected
                options.append((text, choice_label, selected))
        context["widget"]["groups"] = groups
        return context

    def _render(self, template_name, context, renderer=None):
        # Drawn by the Jinja2 engine whatever the form's renderer (which draws Django
        # templates); without ``maxlength``, which a select never has.
        return mark_safe(engines["jinja2"].get_template(template_name).render(context))


class RowChoices(BaseChoiceIterator):
    """A select's choices read as plain rows when the widget draws them, not as model objects.

    ``ModelChoiceField`` draws its options from model instances, one built per option (the
    owner filter's 200 account managers took some 3 ms of every customer list to build); this
    reads ``rows`` (a ``values_list`` query, or a function that gives such rows: a
    ``core.prepared`` query; the value first, then what ``label(*row)`` makes the option's text
    from) each time it is iterated, after the empty choice. It replaces the widget's
    ``choices`` only: the field still checks a submitted value against its queryset.
    """

    def __init__(self, empty_label, rows, label):
        self.empty_label = empty_label
        self.rows = rows
        self.label = label

    def __iter__(self):
        if self.empty_label is not None:
            yield ("", self.empty_label)
        rows = self.rows() if callable(self.rows) else self.rows.all()
        for row in rows:
            yield (row[0], self.label(*row))


def use_row_choices(field, *columns, label, rows=None):
    """Draw a ``ModelChoiceField`` from rows of its queryset's ``columns`` (the pk first), or
    from ``rows()`` when given (the same rows from a ``core.prepared`` query)."""
    field.widget.choices = RowChoices(
        field.empty_label, rows or field.queryset.values_list("pk", *columns), label
    )


def use_name_choices(field):
    """Draw a ``ModelChoiceField`` of a model shown by its ``name`` (a look-up) from rows; a
    whole look-up table in a fixed order (the usual case) from SQL compiled once."""
    use_row_choices(field, "name", label=_name_option, rows=_whole_table_names(field.queryset))


# What a user option is drawn from (``core.rows.user_label``), after the pk.
USER_COLUMNS = ("first_name", "last_name", "username")


def use_user_choices(field, rows=None):
    """Draw a ``ModelChoiceField`` of users from rows, each by ``core.rows.user_label``;
    ``rows()``, when given, gives them (a ``prepared_user_rows`` query)."""
    use_row_choices(field, *USER_COLUMNS, label=_user_option, rows=rows)


def prepared_user_rows(users):
    """The rows ``use_user_choices`` draws, for the users ``users(**values)`` selects, from SQL
    compiled once per process (``core.prepared``)."""
    return Prepared(lambda **values: users(**values).values_list("pk", *USER_COLUMNS))


def _name_table_query(label, ordering):
    return apps.get_model(label)._default_manager.order_by(*ordering).values_list("pk", "name")


_name_tables = Prepared(_name_table_query)


def _whole_table_names(queryset):
    """``queryset``'s (pk, name) rows from a prepared query when it reads a whole table in
    a fixed order (no filter, no slice, no annotation); None otherwise."""
    query = queryset.query
    ordering = tuple(query.order_by) or tuple(queryset.model._meta.ordering)
    if (
        query.where
        or query.is_sliced
        or query.annotations
        or query.extra
        or not query.default_ordering
        or not all(isinstance(name, str) for name in ordering)
    ):
        return None
    return functools.partial(_name_tables, queryset.model._meta.label, ordering)


def _name_option(pk, name):
    return name


def _user_option(pk, first_name, last_name, username):
    return user_label(first_name, last_name, username)
