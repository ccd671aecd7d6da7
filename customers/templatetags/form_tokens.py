"""``{% form_token %}``: the hidden one-time token of a create form (customers/form_tokens.py)."""

from django import template

from ..form_tokens import FIELD, new_token

register = template.Library()


@register.inclusion_tag("includes/form_token.html")
def form_token():
    return {"name": FIELD, "token": new_token()}
