"""Form widgets drawn in Python where Django's templates cost more than the page around them.

Django draws a ``<select>`` with one template include per option (``select_option.html`` and
``attrs.html`` for each): the customer list's owner filter (one option per account manager, 200
at scale) took 6.8 ms to draw, a third of the page. ``FastSelect`` writes the same markup from
the same widget context in one pass.
"""

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


def _attrs(attrs):
    """Attributes as Django's ``attrs.html`` writes them: in order, ``True`` bare, ``False``
    left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """``forms.Select`` with the markup of Django's ``select.html`` built in Python."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            format_html('<select name="{}"{}>', widget["name"], mark_safe(_attrs(widget["attrs"])))
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    mark_safe(_attrs(option["attrs"])),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html
