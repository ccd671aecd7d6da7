"""core.widgets.InlineSelect draws what Django's Select template draws."""

import re

import pytest
from django import forms

from core.widgets import InlineSelect

CHOICES = [
    ("", "Alla <ägare>"),
    (1, "Åsa Öberg"),
    (2, 'Per "P" & Co'),
    ("Grupp", [(3, "Tre"), (4, "Fyra")]),
]


@pytest.mark.parametrize("value", [None, "", 1, "2", 4, "missing"])
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "form-select kk-autosubmit", "data-testid": "x", "autofocus": True}]
)
def test_inline_select_draws_the_markup_of_djangos_select(value, attrs):
    inline = InlineSelect(attrs=attrs, choices=CHOICES).render("owner", value, {"id": "id_owner"})
    django = forms.Select(attrs=attrs, choices=CHOICES).render("owner", value, {"id": "id_owner"})
    # The same elements and attributes; Django's templates only add whitespace between tags.
    assert inline == re.sub(r">\s+<", "><", django)
    assert "&lt;ägare&gt;" in inline


def test_the_customer_list_filter_draws_its_selects_with_the_inline_template(editor_client):
    from django.urls import reverse

    from tests.factories import IndustryFactory

    IndustryFactory(name="Bygg & anläggning")
    response = editor_client.get(reverse("customers:customer_list"), {"status": "all"})
    form = response.context["filter"].form
    assert all(isinstance(form.fields[n].widget, InlineSelect) for n in ("industry", "status"))
    assert isinstance(form.fields["owner"].widget, InlineSelect)
    html = response.content.decode()
    assert "Bygg &amp; anläggning</option>" in html
    assert '<option value="all" selected>' in html
