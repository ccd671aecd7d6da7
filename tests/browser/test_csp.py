"""The Content Security Policy holds in a real browser: no page needs inline script or style.

Every page of the permission matrix that a superuser may open is loaded in Chromium; the test
collects ``securitypolicyviolation`` events and CSP console errors and expects none.
"""

import pytest
from django.urls import reverse

from tests.test_permission_matrix import MATRIX, OK, World

pytestmark = pytest.mark.django_db(transaction=True)


COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def watched_page(page):
    """The page with a CSP watcher: ``watched_page.violations()`` lists what was blocked."""
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

    def violations():
        return [*page.evaluate("window.__cspViolations || []"), *console]

    page.violations = violations
    return page


def _pages(world):
    for name, row in sorted(MATRIX.items()):
        if row.get["superuser"] == OK:
            yield name, reverse(name, kwargs=row.kwargs(world))


def test_every_page_loads_without_csp_violation(watched_page, login, screenshot):
    world = World()
    login(world.users["superuser"])
    problems = {}
    for name, url in _pages(world):
        probe = watched_page.request.get(url)
        if not probe.headers.get("content-type", "").startswith("text/html"):
            continue  # a download (the CSV export): no page to render
        response = watched_page.goto(url)
        watched_page.wait_for_load_state("networkidle")
        assert response.status == 200, (name, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        found = watched_page.violations()
        if found:
            problems[name] = found
    screenshot("csp-last-page")
    assert problems == {}


def test_violation_watcher_sees_an_inline_script(watched_page, login):
    """The control: the watcher reports an inline script, so an empty list means something."""
    world = World()
    login(world.users["reader"])
    watched_page.goto(reverse("customers:customer_list"))
    watched_page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.appendChild(s); }"
    )
    watched_page.wait_for_timeout(200)
    assert watched_page.violations()


def test_admin_pages_load_without_csp_violation(watched_page, login):
    from customers.importing.models import ImportRun

    world = World()
    login(world.users["superuser"])
    # A queued import: its page polls its progress with htmx.
    run = ImportRun.objects.create(file_name="kunder.csv", created_by=world.users["superuser"])
    pages = [
        reverse("admin:customers_customer_import_history"),
        reverse("admin:customers_customer_import_run", args=[run.pk]),
        reverse("admin:index"),
        reverse("admin:customers_customer_changelist"),
        reverse("admin:customers_customer_change", args=[world.customer.pk]),
        reverse("admin:customers_customer_import"),
        reverse("admin:auth_user_change", args=[world.users["owner"].pk]),
        reverse("admin:customers_groupingcategory_add"),
    ]
    problems = {}
    for url in pages:
        response = watched_page.goto(url)
        watched_page.wait_for_load_state("networkidle")
        assert response.status == 200, url
        found = watched_page.violations()
        if found:
            problems[url] = found
    assert problems == {}
