"""Form widgets whose templates do less work where a page draws many options.

Django draws a ``<select>`` with one template include per option (``select_option.html``, and
``attrs.html`` for each): the customer list's owner filter (one option per account manager, 200
at scale) took 6.8 ms to draw, a third of the page. ``InlineSelect`` draws the same markup from
the same widget context with one template that loops over the options itself. The markup stays
in a template (``core/widgets/select_inline.html``), not in Python strings.
"""

from django import forms


class InlineSelect(forms.Select):
    """``forms.Select`` drawn by one template, without an include per option."""

    template_name = "core/widgets/select_inline.html"
