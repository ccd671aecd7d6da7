"""Walks the whole URLconf: every page of the project's own apps answers each kind of user as
the permission design (docs/architecture.md, "Permissions") says.

``MATRIX`` lists every URL name with the objects its arguments are built from and the access
profile it follows. A URL that is added without a row here fails
``test_every_url_is_in_the_matrix``; a row whose arguments do not match the URL's fails too, so
a new page cannot escape the matrix. For each URL and each kind of user the walker checks GET;
on every URL a POST without CSRF token is refused (403) and writes nothing; on pages that take
POST, a POST with a token is refused (403, nothing written) or accepted as the profile says.
A test covers one URL for every kind of user and reports all mismatches at once.
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from api.tokens import token_create
from customers import roles
from customers.models import CustomerGroupingOption, ReportJob
from privacy.models import RetentionRun
from tests.factories import (
    ActivityFactory,
    ActivityTypeFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    GroupingOptionFactory,
    ProjectFactory,
    ProjectNoteFactory,
    SalesStatusFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# URLs that belong to Django itself: the admin, authentication and the language switcher; the
# REST API has its own matrix (tests/api/test_api_permission_matrix.py) that walks its URLs.
SKIPPED_NAMESPACES = {"admin", "api"}
SKIPPED_NAMES = {"login", "logout", "set_language"}

ACTORS = ["anonymous", "nobody", "reader", "editor", "owner", "stranger", "superuser"]
LOGIN = "login"  # redirect to the login page
OK = "ok"  # the page answers (200 for GET; 200, 204 or a redirect elsewhere for POST)
REDIRECT = "redirect"  # a redirect that is not to the login page

# Access profiles: what each kind of user gets. "owner" is an Edit user restricted to own
# customers who owns the customer; "stranger" is such a user who does not own it.
VIEW = {
    "anonymous": LOGIN,
    "nobody": 403,
    "reader": OK,
    "editor": OK,
    "owner": OK,
    "stranger": OK,
    "superuser": OK,
}
# Changing the customer or anything on its card: Edit level, and owning it when restricted.
EDIT_CUSTOMER = {**VIEW, "reader": 403, "stranger": 403}
# A page that only takes POST answers GET with 405, after the permission check.
EDIT_CUSTOMER_POST_ONLY = {
    actor: (405 if outcome == OK else outcome) for actor, outcome in EDIT_CUSTOMER.items()
}
# Creating customers, projects (for a customer the user may edit: chosen on the form), or
# changing the Edit-level things that are not one customer's (bulk over editable customers).
ADD = {**VIEW, "reader": 403}
ADD_POST_ONLY = {actor: (405 if outcome == OK else outcome) for actor, outcome in ADD.items()}
# Activities: read-only users may create them (docs/architecture.md, "Permissions");
# changing another user's activity of a customer needs the right to edit that customer
# (the world's is the editor's).
ACTIVITY = VIEW
VIEW_POST_ONLY = {actor: (405 if outcome == OK else outcome) for actor, outcome in VIEW.items()}
ACTIVITY_POST_ONLY = {actor: (405 if outcome == OK else outcome) for actor, outcome in VIEW.items()}
# Actions that check the object-level right when they act (in post()): a GET, which does
# nothing, answers 405 to those users as well. The POST is what must be refused.
ACTION_CHECKED_ON_POST = {**EDIT_CUSTOMER_POST_ONLY, "stranger": 405}
BULK_CHECKED_ON_POST = {**ADD_POST_ONLY, "reader": 405}
REDIRECT_HOME = {**{actor: REDIRECT for actor in ACTORS}, "anonymous": LOGIN}
# A background job's page: only the user who started it (here the superuser) reaches it.
OWN_JOB = {**{actor: 404 for actor in ACTORS}, "anonymous": LOGIN, "nobody": 403, "superuser": OK}
# A user's own API token (the world's belongs to "owner"): others' answer 404.
OWN_TOKEN = {**VIEW, "reader": 404, "editor": 404, "stranger": 404, "superuser": 404}
OWN_TOKEN_POST_ONLY = VIEW_POST_ONLY  # a GET does nothing: 405 before the token is looked up
# The personal-data tools: privacy.manage_personal_data only (here the superuser's).
PERSONAL_DATA = {**{actor: 403 for actor in ACTORS}, "anonymous": LOGIN, "superuser": OK}
PERSONAL_DATA_POST_ONLY = {**PERSONAL_DATA, "superuser": 405}


@dataclass(frozen=True)
class Row:
    """How to build a URL's arguments from the world and what each user gets."""

    kwargs: object  # world -> dict of URL kwargs
    get: dict
    post: dict | None = None  # None: the page takes no POST (GET-only pages)


def no_kwargs(w):
    return {}


def customer_pk(w):
    return {"pk": w.customer.pk}


def address_kwargs(w):
    return {"pk": w.customer.pk, "address_pk": w.address.pk}


def contact_kwargs(w):
    return {"pk": w.customer.pk, "contact_pk": w.contact.pk}


def project_pk(w):
    return {"pk": w.project.pk}


def activity_pk(w):
    return {"pk": w.activity.pk}


def report_job_pk(w):
    return {"pk": w.report_job.pk}


def token_pk(w):
    return {"pk": w.token.pk}


def retention_run_pk(w):
    return {"pk": w.retention_run.pk}


def form(kwargs, profile):
    """A page with a form: GET shows it, POST saves it; both follow ``profile``."""
    return Row(kwargs, profile, profile)


def action(kwargs, profile_post_only, profile):
    """A POST-only action (a button): GET answers 405 to those allowed."""
    return Row(kwargs, profile_post_only, profile)


MATRIX = {
    "home": Row(no_kwargs, REDIRECT_HOME),
    # customers
    "customers:customer_list": Row(no_kwargs, VIEW),
    "customers:customer_create": form(no_kwargs, ADD),
    "customers:customer_detail": Row(customer_pk, VIEW),
    "customers:customer_update": form(customer_pk, EDIT_CUSTOMER),
    "customers:customer_description": form(customer_pk, EDIT_CUSTOMER),
    "customers:customer_inactivate": action(customer_pk, EDIT_CUSTOMER_POST_ONLY, EDIT_CUSTOMER),
    "customers:customer_reactivate": action(customer_pk, EDIT_CUSTOMER_POST_ONLY, EDIT_CUSTOMER),
    "customers:customer_delete": form(customer_pk, EDIT_CUSTOMER),
    "customers:customer_settings": Row(customer_pk, VIEW, EDIT_CUSTOMER),
    "customers:customer_history": Row(customer_pk, VIEW),
    "customers:address_create": form(customer_pk, EDIT_CUSTOMER),
    "customers:address_make_head_office": form(customer_pk, EDIT_CUSTOMER),
    "customers:address_update": form(address_kwargs, EDIT_CUSTOMER),
    "customers:address_delete": form(address_kwargs, EDIT_CUSTOMER),
    "customers:address_set_default_billing": action(
        address_kwargs, EDIT_CUSTOMER_POST_ONLY, EDIT_CUSTOMER
    ),
    "customers:contact_create": form(customer_pk, EDIT_CUSTOMER),
    "customers:contact_update": form(contact_kwargs, EDIT_CUSTOMER),
    "customers:contact_delete": form(contact_kwargs, EDIT_CUSTOMER),
    "customers:contact_toggle_active": action(
        contact_kwargs, EDIT_CUSTOMER_POST_ONLY, EDIT_CUSTOMER
    ),
    # reports
    "reports:customer_report": Row(no_kwargs, VIEW),
    "reports:customer_export": Row(no_kwargs, VIEW),
    "reports:customer_bulk": action(no_kwargs, BULK_CHECKED_ON_POST, ADD),
    "reports:job_detail": Row(report_job_pk, OWN_JOB),
    "reports:job_download": Row(report_job_pk, OWN_JOB),
    "reports:job_cancel": action(report_job_pk, VIEW_POST_ONLY, OWN_JOB),
    "reports:job_retry": action(report_job_pk, VIEW_POST_ONLY, OWN_JOB),
    # projects
    "projects:project_list": Row(no_kwargs, VIEW),
    "projects:project_create": form(no_kwargs, ADD),
    "projects:project_detail": Row(project_pk, VIEW),
    "projects:project_update": form(project_pk, EDIT_CUSTOMER),
    "projects:project_status": action(project_pk, ACTION_CHECKED_ON_POST, EDIT_CUSTOMER),
    "projects:project_convert": action(project_pk, ACTION_CHECKED_ON_POST, EDIT_CUSTOMER),
    "projects:project_close": action(project_pk, ACTION_CHECKED_ON_POST, EDIT_CUSTOMER),
    "projects:project_reopen": action(project_pk, ACTION_CHECKED_ON_POST, EDIT_CUSTOMER),
    "projects:project_note_create": action(project_pk, ADD_POST_ONLY, EDIT_CUSTOMER),
    "projects:customer_projects": Row(customer_pk, VIEW),
    # activities
    "activities:activity_list": Row(no_kwargs, VIEW),
    "activities:activity_create": form(no_kwargs, ACTIVITY),
    "activities:activity_update": form(activity_pk, EDIT_CUSTOMER),
    "activities:activity_mark_done": action(activity_pk, EDIT_CUSTOMER_POST_ONLY, EDIT_CUSTOMER),
    "activities_card:customer_collaboration": Row(customer_pk, VIEW, EDIT_CUSTOMER),
    # search
    "search:search": Row(no_kwargs, VIEW),
    "search:search_live": Row(no_kwargs, VIEW),
    # personal API tokens (the page re-renders an invalid form with 200)
    "api_tokens:token_list": form(no_kwargs, VIEW),
    "api_tokens:token_revoke": action(token_pk, OWN_TOKEN_POST_ONLY, OWN_TOKEN),
    # personal data (GDPR); an empty erase form re-renders with its errors (200)
    "privacy:find": Row(no_kwargs, PERSONAL_DATA),
    "privacy:export": action(no_kwargs, PERSONAL_DATA_POST_ONLY, PERSONAL_DATA),
    "privacy:erase": form(no_kwargs, PERSONAL_DATA),
    "privacy:retention": form(no_kwargs, PERSONAL_DATA),
    "privacy:retention_run": Row(retention_run_pk, PERSONAL_DATA),
    "privacy:records": Row(no_kwargs, PERSONAL_DATA),
}


def iter_patterns(patterns=None, namespace="", prefix=""):
    """(qualified name, route, kwarg names) of every URL pattern outside Django's own apps."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from iter_patterns(entry.url_patterns, inner, route)
        elif isinstance(entry, URLPattern):
            if entry.name in SKIPPED_NAMES and not namespace:
                continue
            name = f"{namespace}{entry.name}" if entry.name else None
            converters = getattr(entry.pattern, "converters", None)
            yield (
                name,
                route,
                set(entry.pattern.regex.groupindex if converters is None else converters),
            )


def project_urls():
    return list(iter_patterns())


class World:
    """One of every object a URL can point at, around a customer owned by ``owner``."""

    def __init__(self):
        self.users = {
            "nobody": UserFactory(username="nobody"),
            "reader": UserFactory(username="reader", roles=[roles.READ_ONLY]),
            "editor": UserFactory(username="editor", roles=[roles.EDIT, roles.DELETE]),
            "owner": UserFactory(
                username="owner", roles=[roles.EDIT, roles.DELETE, roles.OWN_ONLY]
            ),
            "stranger": UserFactory(
                username="stranger", roles=[roles.EDIT, roles.DELETE, roles.OWN_ONLY]
            ),
            "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
        }
        self.customer = CustomerFactory(owner=self.users["owner"], name="Matrix AB")
        self.address = AddressFactory(customer=self.customer, is_head_office=True)
        self.contact = ContactFactory(customer=self.customer, address=self.address)
        self.option = GroupingOptionFactory()
        self.assignment = CustomerGroupingOption.objects.create(
            customer=self.customer, option=self.option
        )
        self.sales_status = SalesStatusFactory()
        self.project = ProjectFactory(
            customer=self.customer, contact=self.contact, sales_status=self.sales_status
        )
        self.note = ProjectNoteFactory(project=self.project, author=self.users["owner"])
        self.activity_type = ActivityTypeFactory()
        self.activity = ActivityFactory(
            customer=self.customer, project=self.project, type=self.activity_type
        )
        self.report_job = ReportJob.objects.create(
            kind=ReportJob.EXPORT,
            created_by=self.users["superuser"],
            status=ReportJob.DONE,
            file_name="customers.csv",
            content_type="text/csv",
            content=b"x",
        )
        self.token, _secret = token_create(user=self.users["owner"], name="Matrix")
        self.retention_run = RetentionRun.objects.create(
            created_by=self.users["superuser"], status=RetentionRun.DONE
        )


@pytest.fixture
def world(db):
    return World()


OWN_APPS = ["customers", "projects", "activities"]


def history_row_count():
    """Rows of every table of the project's apps, history tables included: every change to a
    tracked row adds a history row, so a refused request must leave this number as it was."""
    tables = [
        model._meta.db_table
        for label in OWN_APPS
        for model in apps.get_app_config(label).get_models()
    ]
    counts = " + ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def client_for(world, actor):
    client = Client(enforce_csrf_checks=True)
    if actor != "anonymous":
        client.force_login(world.users[actor])
    return client


CSRF_TOKEN = "a" * 32  # an unmasked secret: the cookie and the form field must carry the same


def outcome_problem(response, expected, *, method):
    """None when the response is what ``expected`` says, else a short description."""
    status = response.status_code
    location = response.headers.get("Location", "")
    to_login = status == 302 and location.startswith(reverse("login"))
    if expected == LOGIN:
        good = to_login
    elif expected == REDIRECT:
        good = status == 302 and not to_login
    elif expected == OK:
        good = status in ({200} if method == "GET" else {200, 204, 302}) and not to_login
    else:
        good = status == expected
    return None if good else f"expected {expected}, got {status} {location}".strip()


def each_actor(world, check):
    """Run ``check(actor)`` for every kind of user, each in a savepoint rolled back after it,
    so an accepted POST (a delete, say) does not change what the next user meets."""
    problems = {}
    for actor in ACTORS:
        with transaction.atomic():
            problem = check(actor)
            transaction.set_rollback(True)
        if problem:
            problems[actor] = problem
    return problems


def test_every_url_is_in_the_matrix():
    names = [name for name, _route, _kwargs in project_urls()]
    unnamed = [route for name, route, _kwargs in project_urls() if name is None]
    assert not unnamed, f"Name these URL patterns so the matrix can list them: {unnamed}"
    missing = sorted(set(names) - set(MATRIX))
    assert not missing, f"Add these URLs to MATRIX in {__file__}: {missing}"


def test_matrix_lists_no_url_that_is_gone():
    names = {name for name, _route, _kwargs in project_urls()}
    assert not sorted(set(MATRIX) - names)


def test_matrix_builds_exactly_the_url_arguments(world):
    problems = []
    for name, route, kwarg_names in project_urls():
        if name not in MATRIX:
            continue  # reported by test_every_url_is_in_the_matrix
        built = set(MATRIX[name].kwargs(world))
        if built != kwarg_names:
            problems.append(
                f"{name} ({route}): MATRIX builds {sorted(built)}, the URL takes "
                f"{sorted(kwarg_names)}; teach MATRIX how to build the new arguments"
            )
    assert problems == []


def _takes_post(name, world):
    view = resolve(reverse(name, kwargs=MATRIX[name].kwargs(world))).func
    view_class = getattr(view, "view_class", None)
    if view_class is None:  # a function view: assume it may take POST
        return True
    return "post" in view_class.http_method_names and hasattr(view_class, "post")


def test_every_page_that_takes_post_has_a_post_profile(world):
    missing = [
        name
        for name in sorted(MATRIX)
        if MATRIX[name].post is None and name != "home" and _takes_post(name, world)
    ]
    assert not missing, f"Give these URLs a POST profile in MATRIX: {missing}"


def _post_names():
    return [name for name in sorted(MATRIX) if MATRIX[name].post is not None]


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_get(world, name):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world))

    def check(actor):
        response = client_for(world, actor).get(url)
        return outcome_problem(response, row.get[actor], method="GET")

    assert each_actor(world, check) == {}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_post_without_csrf_token_is_refused(world, name):
    url = reverse(name, kwargs=MATRIX[name].kwargs(world))

    def check(actor):
        before = history_row_count()
        response = client_for(world, actor).post(url, {})
        if history_row_count() != before:
            return "wrote something"
        return outcome_problem(response, 403, method="POST")

    assert each_actor(world, check) == {}


@pytest.mark.parametrize("name", _post_names())
def test_post(world, name):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world))

    def check(actor):
        client = client_for(world, actor)
        client.cookies["csrftoken"] = CSRF_TOKEN
        before = history_row_count()
        response = client.post(url, {"csrfmiddlewaretoken": CSRF_TOKEN})
        expected = row.post[actor]
        if expected in (LOGIN, 403, 404) and history_row_count() != before:
            return "a refused POST wrote something"
        return outcome_problem(response, expected, method="POST")

    assert each_actor(world, check) == {}


def test_no_permission_user_gets_403_not_404_for_an_existing_customer(world):
    """The design answers 403 for a forbidden action; 404 only for objects out of reach."""
    url = reverse("customers:customer_detail", args=[world.customer.pk])
    assert client_for(world, "nobody").get(url).status_code == 403


def test_customer_that_does_not_exist_answers_404(world):
    for name, row in MATRIX.items():
        kwargs = row.kwargs(world)
        if "pk" not in kwargs or row.get["reader"] != OK:
            continue
        url = reverse(name, kwargs={**kwargs, "pk": 10**9})
        assert client_for(world, "reader").get(url).status_code == 404, name


class _Targets(HTMLParser):
    """Links (a href) and the actions of POST forms with a submit button on a page.

    A form drawn read-only (disabled fields, no button) offers nothing to click.
    """

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.links, self.posts = [], []
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = a.get("action") or self.page_url
        elif self._form is not None and "disabled" not in a:
            kind = (a.get("type") or "").lower()
            if (tag == "button" and kind in ("", "submit")) or (
                tag == "input" and kind in ("submit", "image")
            ):
                self.posts.append(self._form)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _matrix_name(url):
    path = urlsplit(url).path
    if not path.startswith("/") or path.startswith(("/admin/", "/static/")):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.view_name in MATRIX else None


@pytest.mark.parametrize("actor", ["reader", "stranger", "owner"])
def test_pages_offer_no_link_or_button_the_user_may_not_use(world, actor):
    """Buttons and links a user may not use are not shown: every link on a page the user may
    open leads to a page the user may open, and every form posts where the user may post."""
    client = client_for(world, actor)
    problems = []
    for name, row in sorted(MATRIX.items()):
        if row.get[actor] != OK:
            continue
        url = reverse(name, kwargs=row.kwargs(world))
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        targets = _Targets(url)
        targets.feed(response.content.decode())
        for link in targets.links:
            target = _matrix_name(link)
            if target and MATRIX[target].get[actor] in (403, 405):
                problems.append(f"{name} links to {link} ({target})")
        for action in targets.posts:
            target = _matrix_name(action)
            if target and MATRIX[target].post and MATRIX[target].post[actor] == 403:
                problems.append(f"{name} has a form posting to {action} ({target})")
    assert sorted(set(problems)) == []
