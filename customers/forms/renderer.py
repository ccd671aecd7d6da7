"""The project's form renderer: every widget of every form (the admin's included) is drawn
without the HTML ``maxlength`` attribute.

A browser silently cuts what is typed or pasted at ``maxlength`` (a 212-character name was
saved as its first 200 characters, cut mid-word). Without it the whole value reaches the
server, whose field validation answers with a message saying how long it may be and how long
it is; nothing is cut without the user knowing.
"""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget:
            _drop_maxlength(widget)
        return super().render(template_name, context, request=request)


def _drop_maxlength(widget):
    widget.get("attrs", {}).pop("maxlength", None)
    for sub in widget.get("subwidgets", ()):
        _drop_maxlength(sub)
