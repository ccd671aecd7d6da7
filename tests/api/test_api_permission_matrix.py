"""Walks every route of the API in the URLconf: each method of each route answers every kind of
user as the permission design says, with a token (as integrations call it).

``API_MATRIX`` lists every API URL name with, per HTTP method the route takes, how to build
its arguments and body and what each kind of user gets. A route or method added without a row
fails ``test_every_api_route_and_method_is_in_the_matrix``. A refused request writes nothing.
"""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.api.conftest import token_client
from tests.test_permission_matrix import ACTORS, World, history_row_count

pytestmark = pytest.mark.django_db

OK = "ok"  # 2xx
LOGIN = "login"  # a redirect to the login page (the documentation page is a page of the app)

READ = {
    "anonymous": 401,
    "nobody": 403,
    "reader": OK,
    "editor": OK,
    "owner": OK,
    "stranger": OK,
    "superuser": OK,
}
# Changing a customer or a part of it: Edit level, and owning it when restricted to own.
EDIT_CUSTOMER = {**READ, "reader": 403, "stranger": 403}
# Creating customers: the right to add customers.
ADD_CUSTOMER = {**READ, "reader": 403}
# Any logged-in user may read the schema; the page of the docs needs a login.
SCHEMA = {**READ, "nobody": OK}
DOCS = {**SCHEMA, "anonymous": LOGIN}
NOT_FOUND = {actor: 404 for actor in READ}
# Pages for the browser: called with the session of a logged-in user, not a token.
SESSION_ROUTES = {"api:docs"}


def no_kwargs(w):
    return {}


def pk(attr):
    return lambda w: {"pk": getattr(w, attr).pk}


def customer_pk(w):
    return {"customer_pk": w.customer.pk}


def address_kwargs(w):
    return {"customer_pk": w.customer.pk, "address_pk": w.address.pk}


def contact_kwargs(w):
    return {"customer_pk": w.customer.pk, "contact_pk": w.contact.pk}


def read(kwargs, profile=READ):
    return {"get": (kwargs, None, None, profile)}


def change(kwargs, body, version):
    return (kwargs, body, version, EDIT_CUSTOMER)


def customer_version(w):
    w.customer.refresh_from_db()
    return w.customer.version


API_MATRIX = {
    "api:schema": read(no_kwargs, SCHEMA),
    "api:docs": read(no_kwargs, DOCS),
    "api:customer_list": {
        **read(no_kwargs),
        "post": (no_kwargs, lambda w: {"name": "Matrix Nya AB"}, None, ADD_CUSTOMER),
    },
    "api:customer_detail": {
        **read(pk("customer")),
        "patch": change(pk("customer"), lambda w: {"name": "Matrix Ny AB"}, customer_version),
    },
    "api:customer_settings": {
        **read(customer_pk),
        "patch": change(customer_pk, lambda w: {"overdue_interest": "8.00"}, customer_version),
    },
    "api:customer_groupings": {
        **read(customer_pk),
        "put": change(customer_pk, lambda w: {"options": []}, customer_version),
    },
    "api:address_list": {
        **read(customer_pk),
        "post": change(
            customer_pk,
            lambda w: {"line1": "Storgatan 1", "postal_code": "903 26", "city": "Umeå"},
            None,
        ),
    },
    "api:address_detail": {
        **read(address_kwargs),
        "patch": change(address_kwargs, lambda w: {"city": "Luleå"}, lambda w: w.address.version),
    },
    "api:contact_list": {
        **read(customer_pk),
        "post": change(customer_pk, lambda w: {"first_name": "Ada", "last_name": "Lind"}, None),
    },
    "api:contact_detail": {
        **read(contact_kwargs),
        "patch": change(contact_kwargs, lambda w: {"title": "VD"}, lambda w: w.contact.version),
    },
    "api:grouping_category_list": read(no_kwargs),
    "api:grouping_category_detail": read(lambda w: {"pk": w.option.category_id}),
    "api:project_list": read(no_kwargs),
    "api:project_detail": read(pk("project")),
    "api:activity_list": read(no_kwargs),
    "api:activity_detail": read(pk("activity")),
    # any other path under /api/: JSON 404 for everybody
    "api:not_found": {"get": (lambda w: {"rest": "v1/nowhere/"}, None, None, NOT_FOUND)},
}
_LOOKUPS = {
    "industry": "industry",
    "contact_role": "role",
    "payment_term": "payment_term",
    "invoice_template": "invoice_template",
    "price_list": "price_list",
    "currency": "currency",
    "invoice_language": "invoice_language",
    "einvoice_operator": "einvoice_operator",
}
for _name, _attr in _LOOKUPS.items():
    API_MATRIX[f"api:{_name}_list"] = read(no_kwargs)
    API_MATRIX[f"api:{_name}_detail"] = read(pk(_attr))


def api_routes():
    """(URL name, methods) of every route in the api namespace of the URLconf."""
    routes = []

    def walk(patterns, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner)
            elif isinstance(entry, URLPattern) and namespace.startswith("api:"):
                callback = entry.callback
                actions = getattr(callback, "actions", None)
                if actions is not None:
                    methods = set(actions) - {"head", "options"}
                elif not hasattr(callback, "view_class"):
                    methods = {"get"}  # a function view
                else:
                    view_class = callback.view_class
                    methods = {
                        m
                        for m in view_class.http_method_names
                        if hasattr(view_class, m) and m not in ("head", "options")
                    }
                routes.append((f"{namespace}{entry.name}", methods))

    walk(get_resolver().url_patterns, "")
    return routes


class APIWorld(World):
    """The permission matrix's world, plus one of each lookup and a token per user."""

    def __init__(self):
        super().__init__()
        from customers.models import (
            ContactRole,
            Currency,
            EInvoiceOperator,
            Industry,
            InvoiceLanguage,
            InvoiceTemplate,
            PaymentTerm,
            PriceList,
        )

        self.industry = Industry.objects.create(name="Matrix industry")
        self.role = ContactRole.objects.create(name="Matrix role")
        self.payment_term = PaymentTerm.objects.create(name="Matrix 30", days=30)
        self.invoice_template = InvoiceTemplate.objects.create(name="Matrix template")
        self.currency = Currency.objects.get_or_create(code="SEK", defaults={"name": "SEK"})[0]
        self.price_list = PriceList.objects.create(name="Matrix prices", currency=self.currency)
        self.invoice_language = InvoiceLanguage.objects.get_or_create(
            code="sv", defaults={"name": "Svenska"}
        )[0]
        self.einvoice_operator = EInvoiceOperator.objects.create(name="Matrix operator")
        self.clients = {"anonymous": APIClient()}
        for actor, user in self.users.items():
            self.clients[actor] = token_client(user)


@pytest.fixture
def api_world(db):
    return APIWorld()


def problem_of(response, expected):
    status = response.status_code
    if expected == OK:
        good = 200 <= status < 300
    elif expected == LOGIN:
        good = status == 302 and "/accounts/login/" in response.headers.get("Location", "")
    else:
        good = status == expected
    return None if good else f"expected {expected}, got {status}: {response.content[:200]!r}"


def test_every_api_route_and_method_is_in_the_matrix():
    missing = [
        f"{name} {method.upper()}"
        for name, methods in api_routes()
        for method in sorted(methods)
        if method not in API_MATRIX.get(name, {})
    ]
    assert missing == [], f"Add these API routes to API_MATRIX in {__file__}"
    names = {name for name, _methods in api_routes()}
    assert sorted(set(API_MATRIX) - names) == []


def _cases():
    return [(name, method) for name, row in sorted(API_MATRIX.items()) for method in sorted(row)]


@pytest.mark.parametrize(("name", "method"), _cases())
def test_api_route(api_world, name, method):
    kwargs, body, version, profile = API_MATRIX[name][method]
    url = reverse(name, kwargs=kwargs(api_world))
    problems = {}
    for actor in ACTORS:
        with transaction.atomic():
            client = api_world.clients[actor]
            if name in SESSION_ROUTES:
                client = APIClient()
                if actor != "anonymous":
                    client.force_login(api_world.users[actor])
            headers = {}
            if version is not None:
                headers["HTTP_IF_MATCH"] = f'"{version(api_world)}"'
            before = history_row_count()
            call = getattr(client, method)
            if body is None:
                response = call(url, **headers)
            else:
                response = call(url, body(api_world), format="json", **headers)
            expected = profile[actor]
            problem = problem_of(response, expected)
            if method != "get" and expected != OK and history_row_count() != before:
                problem = f"a refused {method.upper()} wrote something"
            transaction.set_rollback(True)
        if problem:
            problems[actor] = problem
    assert problems == {}


def test_objects_that_do_not_exist_answer_404(api_world):
    client = api_world.clients["reader"]
    for name, row in API_MATRIX.items():
        kwargs = row["get"][0](api_world)
        if name == "api:not_found":
            continue
        for key in ("pk", "customer_pk", "address_pk", "contact_pk"):
            if key in kwargs:
                url = reverse(name, kwargs={**kwargs, key: 10**9})
                assert client.get(url).status_code == 404, (name, key)


def test_an_address_of_another_customer_is_out_of_reach(api_world):
    """A forged URL pairing a customer with another customer's address answers 404."""
    from tests.factories import AddressFactory, ContactFactory

    other = AddressFactory()
    other_contact = ContactFactory(customer=other.customer, address=other)
    client = api_world.clients["editor"]
    url = reverse(
        "api:address_detail", kwargs={"customer_pk": api_world.customer.pk, "address_pk": other.pk}
    )
    assert client.get(url).status_code == 404
    assert client.patch(url, {"city": "X"}, format="json", HTTP_IF_MATCH='"1"').status_code == 404
    url = reverse(
        "api:contact_detail",
        kwargs={"customer_pk": api_world.customer.pk, "contact_pk": other_contact.pk},
    )
    assert client.get(url).status_code == 404


def test_methods_a_route_does_not_take_answer_405(api_world):
    client = api_world.clients["editor"]
    url = reverse("api:customer_detail", kwargs={"pk": api_world.customer.pk})
    assert client.delete(url, HTTP_IF_MATCH='"1"').status_code == 405
    assert client.put(url, {}, format="json").status_code == 405
    url = reverse("api:industry_list")
    assert client.post(url, {"name": "x"}, format="json").status_code == 405


def test_options_answers_405_on_every_route(api_world):
    """The schema describes the API; OPTIONS (DRF's metadata) is not offered."""
    client = api_world.clients["editor"]
    for name, row in API_MATRIX.items():
        if name in SESSION_ROUTES or name in ("api:schema", "api:not_found"):
            continue
        url = reverse(name, kwargs=row["get"][0](api_world))
        assert client.options(url).status_code == 405, name


def test_session_authenticated_write_needs_the_csrf_token(api_world):
    """The browser's session works for the API, but a write without CSRF token is refused."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(api_world.users["editor"])
    url = reverse("api:customer_list")
    assert client.get(url).status_code == 200
    before = history_row_count()
    response = client.post(url, {"name": "Utan token AB"}, format="json")
    assert response.status_code == 403
    assert history_row_count() == before
