"""Every main page on a phone (390×844), a tablet (768×1024) and a laptop (1366×768): no page
scrolls sideways, no controls overlap on the card, and axe-core finds no serious or critical
WCAG 2.1 AA violation. The search box works from the keyboard alone.

axe-core comes from the npm registry (package.json) and is injected by Playwright; the
contexts bypass the Content Security Policy only so that the injected script may run.
Screenshots go to test-artifacts/screenshots/ (KUNDKORT_SHOTS overrides the folder).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from activities.models import Activity
from customers import roles
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": (390, 844), "tablet": (768, 1024), "desktop": (1366, 768)}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = {
    "project-list",
    "customer-list",
    "card-contacts",
    "card-settings",
    "report",
    "search",
    "admin-importer",
    "api-docs",
}

# Pairs of controls that overlap on the card (links, buttons, fields and contact names).
OVERLAPS_JS = """
() => {
  const selector = '.kk-content a, .kk-content button, .kk-content input:not([type=hidden]),'
    + ' .kk-content select, .kk-content textarea, .kk-contact-name';
  // The part of an element one sees: its box cut by every ancestor that clips overflow.
  const seen = (el) => {
    const box = el.getBoundingClientRect();
    let [left, top, right, bottom] = [box.left, box.top, box.right, box.bottom];
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') {
        const clip = up.getBoundingClientRect();
        left = Math.max(left, clip.left); right = Math.min(right, clip.right);
        top = Math.max(top, clip.top); bottom = Math.min(bottom, clip.bottom);
      }
    }
    return {left, top, right, bottom};
  };
  const visible = [...document.querySelectorAll(selector)].filter((el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
      && !el.closest('[hidden]');
  });
  const found = [];
  for (let i = 0; i < visible.length; i++) {
    for (let j = i + 1; j < visible.length; j++) {
      const a = visible[i], b = visible[j];
      if (a.contains(b) || b.contains(a)) continue;
      const p = seen(a), q = seen(b);
      const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (x > 1 && y > 1) {
        found.push((a.dataset.testid || a.textContent.trim().slice(0, 30)) + ' / '
          + (b.dataset.testid || b.textContent.trim().slice(0, 30)));
      }
    }
  }
  return found;
}
"""


def shots_folder():
    folder = os.environ.get("KUNDKORT_SHOTS") or os.path.join(
        os.getcwd(), "test-artifacts", "screenshots"
    )
    os.makedirs(folder, exist_ok=True)
    return folder


@pytest.fixture
def world(db):
    """A customer whose card has long names, several addresses and contacts, a project with
    an activity; an Edit user and an administrator (the importer)."""
    editor = UserFactory(
        username="kerstin", first_name="Kerstin", last_name="Åberg", roles=[roles.ALL]
    )
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    customer = CustomerFactory(
        name="Östergötlands Konsult- och Utvecklingsaktiebolag (publ)",
        organisation_number="5560360793",
        owner=editor,
    )
    AddressFactory(
        customer=customer,
        line1="Södra Förstadsgatan 3",
        postal_code="21143",
        city="Malmö",
        phone="+4687654321",
        is_postal=True,
        is_visiting=True,
        is_billing=True,
        is_default_billing=True,
        is_head_office=True,
    )
    AddressFactory(customer=customer, line1="Industrivägen 125 B, plan 4", city="Västerås")
    ContactFactory(
        customer=customer,
        first_name="Lena",
        last_name="Bäckström-Hedenskog",
        title="Ekonomichef och vice verkställande direktör",
        email="lena.backstrom-hedenskog@ostergotlandskonsult.example.se",
        mobile="+46701234567",
    )
    ContactFactory(customer=customer, first_name="Per", last_name="Öhman")
    project = ProjectFactory(customer=customer, name="Molnflytt för ekonomiavdelningen")
    ActivityFactory(customer=customer, project=project, owner=editor, subject="Uppstartsmöte")
    for n in range(5):
        CustomerFactory(name=f"Åkerlunds Bygg {n}")
    return {"editor": editor, "admin": admin, "customer": customer, "project": project}


def main_pages(world):
    """(name, url, who): every main page, and the user who opens it (None: logged out)."""
    customer = world["customer"].pk
    project = world["project"].pk
    activity = Activity.objects.get(subject="Uppstartsmöte").pk
    return [
        ("login", reverse("login"), None),
        ("customer-list", reverse("customers:customer_list"), "editor"),
        ("card-contacts", reverse("customers:customer_detail", args=[customer]), "editor"),
        ("card-projects", reverse("projects:customer_projects", args=[customer]), "editor"),
        (
            "card-collaboration",
            reverse("activities_card:customer_collaboration", args=[customer]),
            "editor",
        ),
        ("card-settings", reverse("customers:customer_settings", args=[customer]), "editor"),
        ("card-history", reverse("customers:customer_history", args=[customer]), "editor"),
        ("customer-new", reverse("customers:customer_create"), "editor"),
        ("address-new", reverse("customers:address_create", args=[customer]), "editor"),
        ("contact-new", reverse("customers:contact_create", args=[customer]), "editor"),
        ("report", reverse("reports:customer_report"), "editor"),
        ("project-list", reverse("projects:project_list"), "editor"),
        ("project", reverse("projects:project_detail", args=[project]), "editor"),
        ("project-new", f"{reverse('projects:project_create')}?customer={customer}", "editor"),
        ("activity-list", reverse("activities:activity_list"), "editor"),
        ("activity-edit", reverse("activities:activity_update", args=[activity]), "editor"),
        ("search", f"{reverse('search:search')}?q=b%C3%A4ckstr%C3%B6m", "editor"),
        ("admin-importer", reverse("admin:customers_customer_import"), "admin"),
        ("import-history", reverse("admin:customers_customer_import_history"), "admin"),
        ("api-tokens", reverse("api_tokens:token_list"), "editor"),
        ("api-docs", reverse("api:docs"), "editor"),
    ]


def open_context(browser, live_server, viewport):
    width, height = VIEWPORTS[viewport]
    return browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": width, "height": height},
        bypass_csp=True,  # only so that the injected axe-core may run
    )


def log_in(context, user):
    page = context.new_page()
    page.goto(reverse("login"))
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "secret-pass-123")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


def serious_violations(page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


LISTS = {"customer-list", "project-list", "activity-list"}


def sideways_scroll(page):
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_main_pages_fit_the_screen_and_pass_axe(browser, live_server, world, viewport):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run npm ci (package-lock.json lists it)")
    problems = []
    contexts = {}
    pages = {}
    try:
        for name, url, who in main_pages(world):
            if who not in pages:
                contexts[who] = open_context(browser, live_server, viewport)
                pages[who] = (
                    contexts[who].new_page() if who is None else log_in(contexts[who], world[who])
                )
            page = pages[who]
            response = page.goto(url)
            if name == "api-docs":
                # Swagger UI draws the operations after the page has loaded.
                page.get_by_text("/api/v1/customers/", exact=True).first.wait_for(timeout=20000)
            if response.status != 200:
                problems.append(f"{name}: HTTP {response.status}")
                continue
            width, inner = sideways_scroll(page)
            if width > inner:
                problems.append(f"{name}: scrolls sideways ({width} > {inner} px)")
            if name in LISTS:
                # A list's table fits its box too: no scrolling inside it to reach a column.
                hidden = page.evaluate(
                    "() => [...document.querySelectorAll('.table-responsive')]"
                    ".map(box => box.scrollWidth - box.clientWidth).filter(d => d > 1)"
                )
                if hidden:
                    problems.append(f"{name}: its table scrolls sideways by {hidden} px")
            if name.startswith("card-"):
                overlaps = page.evaluate(OVERLAPS_JS)
                if overlaps:
                    problems.append(f"{name}: overlapping controls {overlaps[:5]}")
            violations = serious_violations(page)
            if violations:
                problems.append(f"{name}: axe {violations}")
            if name in SCREENSHOTS:
                page.screenshot(
                    path=os.path.join(shots_folder(), f"{name}-{viewport}.png"), full_page=True
                )
    finally:
        for context in contexts.values():
            context.close()
    assert not problems, "\n".join(problems)


def test_menu_button_opens_the_side_menu_on_a_phone(browser, live_server, world):
    context = open_context(browser, live_server, "phone")
    try:
        page = log_in(context, world["editor"])
        page.goto(reverse("customers:customer_list"))
        menu = page.locator("#kk-sidebar")
        assert not menu.get_by_role("link", name="Projekt").is_visible()
        page.get_by_test_id("menu-button").click()
        menu.get_by_role("link", name="Projekt").click()
        page.wait_for_url(f"**{reverse('projects:project_list')}")
    finally:
        context.close()


def tab_to(page, element_id, limit=30):
    """Press Tab until the element has the focus; False if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == (
            element_id
        ):
            return True
    return False


def test_search_box_by_keyboard_finds_a_contact_by_last_name(browser, live_server, world):
    context = open_context(browser, live_server, "desktop")
    try:
        page = log_in(context, world["editor"])
        page.goto(reverse("projects:project_list"))
        assert tab_to(page, "kk-search-input")
        outline = page.evaluate(
            "() => getComputedStyle(document.activeElement).outlineStyle + ' '"
            " + getComputedStyle(document.activeElement).boxShadow"
        )
        assert outline.strip() not in {"none none", "none"}, "focus must be visible"
        page.keyboard.type("bäckström")
        option = page.get_by_test_id("live-contact")
        option.wait_for()
        assert "Lena Bäckström-Hedenskog" in option.inner_text()
        assert "Östergötlands Konsult" in option.inner_text()
        page.keyboard.press("ArrowDown")
        assert page.get_attribute("#kk-search-input", "aria-activedescendant") == (
            option.get_attribute("id")
        )
        page.keyboard.press("Enter")
        page.wait_for_url(f"**{reverse('customers:customer_detail', args=[world['customer'].pk])}*")
        assert "Bäckström-Hedenskog" in page.get_by_test_id("contacts-section").inner_text()
    finally:
        context.close()


def test_search_box_finds_a_customer_by_a_phone_number_typed_with_spaces(
    browser, live_server, world
):
    context = open_context(browser, live_server, "phone")
    try:
        page = log_in(context, world["editor"])
        page.goto(reverse("customers:customer_list"))
        page.locator("#kk-search-input").focus()
        page.keyboard.type("08 765 43 21")
        option = page.get_by_test_id("live-customer")
        option.wait_for()
        assert "Östergötlands Konsult" in option.inner_text()
        # Enter without choosing opens the full results page.
        page.keyboard.press("Enter")
        page.wait_for_url("**/search/?q=*")
        assert "Östergötlands Konsult" in page.get_by_test_id("search-customers").inner_text()
        width, inner = sideways_scroll(page)
        assert width <= inner
    finally:
        context.close()


def test_card_tabs_work_with_the_keyboard(browser, live_server, world):
    context = open_context(browser, live_server, "tablet")
    try:
        page = log_in(context, world["editor"])
        page.goto(reverse("customers:customer_detail", args=[world["customer"].pk]))
        tab = page.locator(".kk-tabs a", has_text="Kundinställningar")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("(el) => el === document.activeElement", tab.element_handle()):
                break
        else:
            pytest.fail("the Customer settings tab was never reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_url(
            f"**{reverse('customers:customer_settings', args=[world['customer'].pk])}"
        )
        assert page.locator(".kk-tabs a[aria-current=page]").inner_text() == "Kundinställningar"
    finally:
        context.close()


def test_report_uses_the_width_at_1366_and_its_filters_fold_away(browser, live_server, world):
    from customers.models import CustomerGroupingOption
    from tests.factories import GroupingOptionFactory

    for name in ["Kundsegment: Offentlig sektor, kommuner och regioner", "Region: Västra Götaland"]:
        category, option = name.split(": ")
        CustomerGroupingOption.objects.create(
            customer=world["customer"],
            option=GroupingOptionFactory(category__name=category, name=option),
        )
    context = open_context(browser, live_server, "desktop")
    try:
        page = log_in(context, world["editor"])
        page.goto(reverse("reports:customer_report"))
        width, inner = sideways_scroll(page)
        assert width <= inner
        header = page.locator("th", has_text="Kundgrupperingar")
        box = header.bounding_box()
        assert box["x"] + box["width"] <= inner, "the grouping column is in view"
        table_before = page.locator("#report-layout table").bounding_box()["width"]
        toggle = page.get_by_test_id("report-filter-toggle")
        toggle.click()
        assert not page.locator("#report-filter-column").is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"
        assert page.locator("#report-layout table").bounding_box()["width"] > table_before
        # Remembered on the next visit; shown again with one more click.
        page.reload()
        assert not page.locator("#report-filter-column").is_visible()
        page.get_by_test_id("report-filter-toggle").click()
        assert page.locator("#report-filter-column").is_visible()
    finally:
        context.close()


STACKED_JS = """
() => {
  const table = document.querySelector('#report-table');
  const head = table.querySelector('thead').getBoundingClientRect();
  const rows = [...table.querySelectorAll('tbody tr')].map((tr) => {
    const cells = [...tr.querySelectorAll('td')].filter((td) => td.getBoundingClientRect().height);
    return {
      display: getComputedStyle(tr).display,
      width: tr.getBoundingClientRect().width,
      first: cells.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .filter((td) => !td.classList.contains('kk-stack-check'))[0].textContent.trim(),
      unlabelled: cells.filter((td) => !td.dataset.label && !td.classList.contains('kk-stack-title')
        && !td.classList.contains('kk-stack-check')).length,
    };
  });
  return {headHeight: head.height, rows, tableWidth: table.getBoundingClientRect().width};
}
"""


@pytest.mark.parametrize(("viewport", "stacked"), [("phone", True), ("desktop", False)])
def test_report_rows_stack_on_a_phone(browser, live_server, world, viewport, stacked):
    context = open_context(browser, live_server, viewport)
    try:
        page = log_in(context, world["editor"])
        page.goto(reverse("reports:customer_report"))
        found = page.evaluate(STACKED_JS)
        assert found["rows"], "the report lists customers"
        width, inner = sideways_scroll(page)
        assert width <= inner
        if stacked:
            assert found["headHeight"] <= 1, "the header row is out of sight"
            for row in found["rows"]:
                assert row["display"] == "flex"
                assert row["unlabelled"] == 0, "every value is named by its column"
            # The customer's name leads its block.
            names = {row["first"] for row in found["rows"]}
            assert world["customer"].name in names
            checkbox = page.locator(f"[data-testid=report-row-{world['customer'].pk}] input")
            checkbox.check()
            assert checkbox.is_checked()
        else:
            assert found["headHeight"] > 10
            assert {row["display"] for row in found["rows"]} == {"table-row"}
    finally:
        context.close()
