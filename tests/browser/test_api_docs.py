"""The API's documentation page (Swagger UI from drf-spectacular-sidecar, served by the app)
works under the app's Content Security Policy and lists the API's operations; the API tokens
page creates a token a person can copy."""

import pytest
from django.urls import reverse

from tests.browser.test_csp import COLLECT_VIOLATIONS
from tests.test_permission_matrix import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_docs_page_shows_the_operations_without_csp_violation(page, login):
    console = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on(
        "console",
        lambda msg: (
            console.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    world = World()
    login(world.users["reader"])
    response = page.goto(reverse("api:docs"))
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.get_by_text("/api/v1/customers/", exact=True).first.wait_for(timeout=20000)
    page.wait_for_load_state("networkidle")
    assert [*page.evaluate("window.__cspViolations || []"), *console] == []


def test_a_person_creates_and_sees_a_token_once(page, login):
    world = World()
    login(world.users["reader"])
    page.goto(reverse("customers:customer_list"))
    page.get_by_test_id("api-tokens-link").click()
    page.get_by_label("Namn").fill("Faktureringen")
    page.get_by_test_id("create-token").click()
    secret = page.get_by_test_id("token-secret").inner_text()
    assert secret.startswith("kk_")
    page.goto(reverse("api_tokens:token_list"))
    assert secret not in page.content()
    assert page.get_by_test_id("token-row").count() == 1
