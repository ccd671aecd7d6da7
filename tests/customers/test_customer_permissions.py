"""The permission matrix of the customer register's URLs: anonymous -> login, no right -> 403,
unknown customer -> 404, permitted -> 200/302 (one row per URL and method)."""

import pytest
from django.urls import reverse

from customers import roles
from customers.models import Customer
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

# (url name, takes a customer, method, roles that may, roles that may not)
EDIT = (roles.EDIT,)
DELETE = (roles.EDIT, roles.DELETE)
READ = (roles.READ_ONLY,)
MATRIX = [
    ("customer_list", False, "get", READ, ()),
    ("customer_create", False, "get", EDIT, READ),
    ("customer_detail", True, "get", READ, ()),
    ("customer_update", True, "get", EDIT, READ),
    ("customer_description", True, "get", EDIT, READ),
    ("customer_inactivate", True, "post", EDIT, READ),
    ("customer_reactivate", True, "post", EDIT, READ),
    ("customer_delete", True, "get", DELETE, EDIT),
    ("customer_delete", True, "post", DELETE, EDIT),
]
WITH_LOWER_LEVEL = [row for row in MATRIX if row[4]]
WITH_CUSTOMER = [row for row in MATRIX if row[1]]


def ids(rows):
    return [f"{name}-{method}" for name, _c, method, _a, _d in rows]


def target(name, takes_customer, pk=None):
    if not takes_customer:
        return reverse(f"customers:{name}")
    return reverse(f"customers:{name}", args=[pk or CustomerFactory().pk])


@pytest.mark.parametrize(
    ("name", "takes_customer", "method", "allowed", "denied"), MATRIX, ids=ids(MATRIX)
)
def test_anonymous_is_sent_to_login(client, name, takes_customer, method, allowed, denied):
    response = getattr(client, method)(target(name, takes_customer))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("name", "takes_customer", "method", "allowed", "denied"), MATRIX, ids=ids(MATRIX)
)
def test_user_without_any_customer_right_gets_403(
    client, no_rights_user, name, takes_customer, method, allowed, denied
):
    client.force_login(no_rights_user)
    assert getattr(client, method)(target(name, takes_customer)).status_code == 403


@pytest.mark.parametrize(
    ("name", "takes_customer", "method", "allowed", "denied"),
    WITH_LOWER_LEVEL,
    ids=ids(WITH_LOWER_LEVEL),
)
def test_user_with_a_lower_level_gets_403(
    client, make_user, name, takes_customer, method, allowed, denied
):
    client.force_login(make_user(*denied))
    customer_pk = CustomerFactory().pk if takes_customer else None
    assert getattr(client, method)(target(name, takes_customer, customer_pk)).status_code == 403
    if takes_customer:
        assert Customer.objects.get(pk=customer_pk).is_active


@pytest.mark.parametrize(
    ("name", "takes_customer", "method", "allowed", "denied"), WITH_CUSTOMER, ids=ids(WITH_CUSTOMER)
)
def test_unknown_customer_is_404(client, make_user, name, takes_customer, method, allowed, denied):
    client.force_login(make_user(*allowed))
    assert getattr(client, method)(target(name, True, pk=999999)).status_code == 404


@pytest.mark.parametrize(
    ("name", "takes_customer", "method", "allowed", "denied"), MATRIX, ids=ids(MATRIX)
)
def test_permitted_user_gets_the_page_or_the_action(
    client, make_user, name, takes_customer, method, allowed, denied
):
    client.force_login(make_user(*allowed))
    response = getattr(client, method)(target(name, takes_customer))
    assert response.status_code == (200 if method == "get" else 302)
