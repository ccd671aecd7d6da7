"""core.widgets.InlineSelect draws what Django's Select template draws."""

from html.parser import HTMLParser

import pytest
from django import forms

from core.rows import user_label
from core.widgets import InlineSelect
from customers import roles

CHOICES = [
    ("", "Alla <ägare>"),
    (1, "Åsa Öberg"),
    (2, 'Per "P" & Co\'s'),
    ("Grupp", [(3, "Tre"), (4, "Fyra")]),
    (5, "Fem"),
]


class _Elements(HTMLParser):
    """What a browser reads from the markup: tags, their attributes (unescaped) and text."""

    def __init__(self, markup):
        super().__init__(convert_charrefs=True)
        self.seen = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.seen.append(("start", tag, sorted(attrs)))

    def handle_endtag(self, tag):
        self.seen.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.seen.append(("text", data))


@pytest.mark.parametrize("value", [None, "", 1, "2", 4, "missing"])
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "form-select kk-autosubmit", "data-testid": "x", "autofocus": True}]
)
def test_inline_select_draws_the_markup_of_djangos_select(value, attrs):
    inline = InlineSelect(attrs=attrs, choices=CHOICES).render("owner", value, {"id": "id_owner"})
    django = forms.Select(attrs=attrs, choices=CHOICES).render("owner", value, {"id": "id_owner"})
    # The same elements, attributes and texts; Django's templates add whitespace between tags,
    # and the two engines write a quote's entity differently (&quot; and &#34;).
    assert _Elements(inline).seen == _Elements(django).seen
    assert "&lt;ägare&gt;" in inline
    assert "<script" not in InlineSelect(choices=[(1, "<script>x</script>")]).render("o", 1)


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


def _options(field):
    return [(str(value), str(label)) for value, label in field.widget.choices]


def _expected(field, name):
    """The options drawn straight from the field's queryset, as before prepared rows."""
    if name == "owner":
        rows = field.queryset.values_list("pk", "first_name", "last_name", "username")
        options = [(str(pk), user_label(*rest)) for pk, *rest in rows]
    else:
        options = [(str(pk), label) for pk, label in field.queryset.values_list("pk", "name")]
    return [("", str(field.empty_label)), *options]


def test_prepared_choice_rows_are_those_of_the_fields_queryset(make_user):
    """The selects drawn from prepared rows offer what the fields' querysets hold, and a
    change shows at once (the rows are read again each time; only the SQL is kept)."""
    from customers.filters import CustomerListFilter
    from customers.filters_report import CustomerReportFilter
    from customers.models import Industry
    from customers.views.report import REPORT_ROW_CHOICES
    from projects.filters import ProjectFilter
    from tests.factories import CustomerFactory, IndustryFactory

    IndustryFactory(name="Åkeri")
    manager = make_user(roles.EDIT, first_name="Örjan", last_name="Åberg")
    make_user(roles.READ_ONLY, username="läsare")
    CustomerFactory(owner=manager)
    for _round in range(2):
        report = CustomerReportFilter({})
        for name in ("industry", "owner"):
            REPORT_ROW_CHOICES[name](report.form.fields[name])
        for form, names in (
            (CustomerListFilter({}, queryset=Industry.objects.none()).form, ["industry", "owner"]),
            (ProjectFilter({}).form, ["sales_status", "owner"]),
            (report.form, ["industry", "owner"]),
        ):
            for name in names:
                field = form.fields[name]
                assert _options(field) == _expected(field, name), (form, name)
                assert len(_options(field)) > 1, (form, name)
        IndustryFactory(name="Bygg")
        CustomerFactory(owner=make_user(roles.EDIT, first_name="Ny", last_name="Ägare"))
