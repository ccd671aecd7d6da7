"""Schemathesis against the project's own OpenAPI schema, with a demo token.

Every operation of /api/schema/, writes included, is called with generated data (a bounded
number of examples per operation, to keep CI short) on the test database, which pytest-django
throws away: no answer may be a server error, and every answer must match the schema (status
code, content type, headers, body).
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from customers import roles
from customers.models import CustomerGroupingOption, Industry
from tests.api.conftest import token_client
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingOptionFactory,
    ProjectFactory,
    UserFactory,
)

EXAMPLES = 8
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]


@pytest.fixture
def demo(db, settings):
    """A register with one of everything, and an All-level user's token (writes allowed,
    financial figures shown)."""
    settings.KUNDKORT_API_THROTTLE_RATES = {"token": "100000/hour", "user": "100000/hour"}
    user = UserFactory(username="demo", roles=[roles.ALL, roles.DELETE])
    Industry.objects.create(name="Bygg")
    customer = CustomerFactory(id=1, name="Demo AB", owner=user)
    address = AddressFactory(id=1, customer=customer, is_head_office=True, is_billing=True)
    ContactFactory(id=1, customer=customer, address=address)
    option = GroupingOptionFactory(id=1)
    CustomerGroupingOption.objects.create(customer=customer, option=option)
    project = ProjectFactory(id=1, customer=customer)
    ActivityFactory(id=1, customer=customer, project=project)
    return token_client(user).secret


@pytest.fixture
def api_schema(demo):
    # The real WSGI handler closes the database connection at each request's start and end
    # when it is inside a transaction, as the test's is: that would end the test's transaction
    # on PostgreSQL. Django's test client disconnects the same handler for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/schema/?format=json",
            get_wsgi_application(),
            headers={"Authorization": f"Bearer {demo}"},
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case, demo):
    case.call_and_validate(headers={"Authorization": f"Bearer {demo}"}, checks=CHECKS)
