"""Hostile input, walking the whole URLconf as the permission matrix does.

For every page in ``tests/test_permission_matrix.py``'s ``MATRIX`` (which fails when a URL is
missing from it) the harness finds what the page takes by reading the pages as a browser
would: the fields of every form that posts to it (whatever page draws that form), and the query
parameters of its GET forms and of its links back to itself. A new URL, field or query
parameter is therefore covered without a new test here.

What it sends:
- every query parameter, one at a time, set to each hostile value;
- every form field, one at a time, set to each hostile value, the other fields keeping what the
  form showed (so the hostile value is the only thing wrong), as a user allowed to post there;
- the whole form hostile at once, as every kind of user, and once as a multipart body whose
  fields hold a lone UTF-16 surrogate (bytes no UTF-8 text may hold);
- select fields and ids get the ids of another customer's objects.

What it asserts: no answer is a server error (500 or an exception); a user who may not post
there changes nothing; nothing anyone sends leaves a control character or a lone surrogate in
the database, links one customer's rows to another's, or changes the other customer when the
user may not edit it. All problems of a page are reported at once.
"""

import uuid
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from activities.models import Activity
from customers.input_safety import has_control_characters
from customers.models import Address, Contact, Customer
from customers.permissions import may_edit_customer
from projects.models import Project
from tests.factories import (
    ActivityFactory,
    AddressFactory,
    ContactFactory,
    CustomerFactory,
    ProjectFactory,
    UserFactory,
)
from tests.test_permission_matrix import (
    ACTORS,
    CSRF_TOKEN,
    MATRIX,
    OK,
    OWN_APPS,
    World,
    history_row_count,
)

pytestmark = pytest.mark.django_db

NUL_AND_FRIENDS = "A\x00B\x01C\x1b[31mD\x7f\u202eevil\u202c' OR '1'='1\"; DROP TABLE x;--"
HTML = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'&amp;"
HUGE = "Å" * 10_000
NUMBERS = ["-1", "99999999999999999999999", "1e308", "NaN"]
# Values every field and parameter gets, one at a time.
HOSTILE = [NUL_AND_FRIENDS, HTML, HUGE, *NUMBERS, ""]
# The bytes of a lone surrogate (U+D800) as a careless encoder writes them.
LONE_SURROGATE = b"\xed\xa0\x80"

# Fields the harness leaves as the form drew them: the CSRF token, and the one-time token
# (each hostile POST must be judged, not sent to the first one's result).
UNTOUCHED = {"csrfmiddlewaretoken", "form_token"}


class _Page(HTMLParser):
    """The forms of a page (method, action, fields with their kind and value) and its links."""

    def __init__(self):
        super().__init__()
        self.forms, self.links = [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = {
                "method": (a.get("method") or "get").lower(),
                "action": a.get("action") or "",
                "fields": [],
            }
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            name = a.get("name")
            if not name or kind in {"submit", "button", "file", "reset", "image"}:
                return
            if kind in {"checkbox", "radio"}:
                fields.append((name, a.get("value", "on") if "checked" in a else None, kind))
                return
            fields.append((name, a.get("value") or "", kind))
        elif tag == "select":
            self._select = {"name": a.get("name"), "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None and value:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "select" and self._select is not None:
            if self._select["name"]:
                chosen = self._select["chosen"] or [self._select["first"] or ""]
                fields.extend((self._select["name"], v, "select") for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            if name:
                fields.append((name, text.removeprefix("\n"), "textarea"))
            self._textarea = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def _name_of(url, page_url):
    path = urlsplit(url).path or urlsplit(page_url).path
    if not path.startswith("/") or path.startswith(("/admin/", "/static/")):
        return None
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


# URL name -> names of the matrix pages that draw forms or links to it. Found once by reading
# every page (the pages and their forms do not depend on the ids of the world they are read
# from); each test then reads only the pages of its URL, in its own world.
_SOURCES = {}


def _read(client, url):
    response = client.get(url)
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    page = _Page()
    page.feed(response.content.decode())
    return page


def _targets(page, url):
    """(URL name, method, form fields or None, link query or None) of what a page points at."""
    for form in page.forms:
        target = _name_of(form["action"], url)
        if target is not None:
            yield target, form["method"], form["fields"], None
    for link in page.links:
        target = _name_of(link, url)
        if target is not None:
            yield target, "get", None, urlsplit(link).query


def _superuser_client(world):
    client = Client()
    client.force_login(world.users["superuser"])
    return client


def _sources(world):
    if not _SOURCES:
        client = _superuser_client(world)
        for name, row in MATRIX.items():
            url = reverse(name, kwargs=row.kwargs(world))
            page = _read(client, url)
            if page is None:
                continue
            for target, _method, _fields, _query in _targets(page, url):
                _SOURCES.setdefault(target, set()).add(name)
    return _SOURCES


class Surface:
    """What a URL takes: the forms that post to it and the query parameters it is given,
    read from the pages that point at it, as the superuser sees them."""

    def __init__(self, world, name):
        client = _superuser_client(world)
        self.forms = []  # each a list of (field name, value, kind)
        self.params = {}  # parameter name -> a value the pages use
        for source in sorted(_sources(world).get(name, ())):
            url = reverse(source, kwargs=MATRIX[source].kwargs(world))
            page = _read(client, url)
            if page is None:
                continue
            for target, method, fields, query in _targets(page, url):
                if target != name:
                    continue
                if fields is not None and method == "post":
                    self.forms.append(fields)
                elif fields is not None:
                    for field_name, value, _kind in fields:
                        self.params.setdefault(field_name, value or "")
                else:
                    for key, value in parse_qsl(query, keep_blank_values=True):
                        self.params.setdefault(key, value)


class HostileWorld(World):
    """The matrix's world, and another customer (owned by someone else) with every kind of
    row, whose ids the harness puts in id fields."""

    def __init__(self):
        super().__init__()
        someone = UserFactory(username="someone")
        self.other = CustomerFactory(owner=someone, name="Annan Kund AB")
        self.other_address = AddressFactory(customer=self.other, is_head_office=True)
        self.other_contact = ContactFactory(customer=self.other, address=self.other_address)
        self.other_project = ProjectFactory(
            customer=self.other, contact=self.other_contact, sales_status=self.sales_status
        )
        self.other_activity = ActivityFactory(
            customer=self.other, project=self.other_project, type=self.activity_type
        )

    def foreign_ids(self):
        return sorted(
            {
                str(obj.pk)
                for obj in (
                    self.other,
                    self.other_address,
                    self.other_contact,
                    self.other_project,
                    self.other_activity,
                )
            }
        )


@pytest.fixture
def hostile_world(db):
    return HostileWorld()


def _client(world, actor):
    client = Client(raise_request_exception=True)
    if actor != "anonymous":
        client.force_login(world.users[actor])
    client.cookies["csrftoken"] = CSRF_TOKEN
    return client


def _other_fingerprint(world):
    """Everything of the other customer, to see that a request did not change it."""
    return (
        list(Customer.objects.filter(pk=world.other.pk).values()),
        list(Address.objects.filter(customer=world.other).order_by("pk").values()),
        list(Contact.objects.filter(customer=world.other).order_by("pk").values()),
        list(Project.objects.filter(customer=world.other).order_by("pk").values()),
        list(Activity.objects.filter(customer=world.other).order_by("pk").values()),
    )


def _stored_problems():
    """Control characters or lone surrogates stored in any text of the project's tables, and
    rows that link one customer's objects to another's."""
    problems = []
    for label in OWN_APPS:
        for model in apps.get_app_config(label).get_models():
            text = [
                f.attname
                for f in model._meta.concrete_fields
                if f.get_internal_type() in ("CharField", "TextField")
            ]
            if not text:
                continue
            for row in model._default_manager.values("pk", *text):
                for name in text:
                    value = row[name]
                    if isinstance(value, str) and has_control_characters(value):
                        problems.append(f"{model.__name__} {row['pk']}.{name}: {value[:40]!r}")
    for contact in Contact.objects.select_related("address").exclude(address=None):
        if contact.address.customer_id != contact.customer_id:
            problems.append(f"contact {contact.pk} has another customer's address")
    for project in Project.objects.select_related("contact").exclude(contact=None):
        if project.contact.customer_id != project.customer_id:
            problems.append(f"project {project.pk} has another customer's contact")
    for activity in Activity.objects.select_related("project").prefetch_related(
        "participant_contacts"
    ):
        if activity.project_id and activity.project.customer_id != activity.customer_id:
            problems.append(f"activity {activity.pk} has another customer's project")
        for contact in activity.participant_contacts.all():
            if contact.customer_id != activity.customer_id:
                problems.append(f"activity {activity.pk} has another customer's contact")
    return problems


def _request(client, method, url, data=None, body=None, content_type=None):
    """The response, or the exception a server error would have been, as text."""
    try:
        if body is not None:
            response = client.generic(method, url, data=body, content_type=content_type)
        elif method == "GET":
            response = client.get(url, data)
        else:
            response = client.post(url, data)
    except Exception as exc:  # a 500 in production
        return f"{type(exc).__name__}: {str(exc)[:120]}"
    if response.status_code >= 500:
        return f"HTTP {response.status_code}"
    return None


def _multipart(fields):
    """A multipart body (bytes) of ``fields`` with every value replaced by a lone surrogate
    framed by text; the CSRF token kept."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        data = value.encode() if name in UNTOUCHED else b"x" + LONE_SURROGATE + b"y"
        parts.append(
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (boundary.encode(), name.encode(), data)
        )
    parts.append(b"--%s--\r\n" % boundary.encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _baseline(fields):
    """The form as the page drew it: [(name, value)], unticked boxes left out."""
    data = []
    for name, value, _kind in fields:
        if value is None:
            continue
        data.append((name, CSRF_TOKEN if name == "csrfmiddlewaretoken" else value))
    if not any(name == "csrfmiddlewaretoken" for name, _value in data):
        data.append(("csrfmiddlewaretoken", CSRF_TOKEN))
    return data


def _as_dict(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def _field_values(kind, world):
    if kind in ("select", "radio", "checkbox", "hidden", "number"):
        return [*HOSTILE, *world.foreign_ids()]
    return HOSTILE


def _post_allowed(name, actor):
    row = MATRIX[name]
    return row.post is not None and row.post[actor] == OK


def _check_url(world, name):
    row = MATRIX[name]
    url = reverse(name, kwargs=row.kwargs(world))
    surface = Surface(world, name)
    forms = surface.forms if row.post is not None else []
    params = surface.params
    # The first user allowed to post gets every field one at a time, the first allowed to read
    # every parameter one at a time; every user gets the whole form and all parameters hostile.
    thorough = next((actor for actor in ACTORS if _post_allowed(name, actor)), None)
    reader = next((actor for actor in ACTORS if row.get[actor] == OK), None)
    problems = []

    def check(actor):
        client = _client(world, actor)
        found = []
        before = history_row_count()
        other_before = _other_fingerprint(world)
        if params and actor == reader:
            for key in params:
                for value in [*HOSTILE, *world.foreign_ids()]:
                    problem = _request(client, "GET", url, {**params, key: value})
                    if problem:
                        found.append(f"GET ?{key}={value[:20]!r}: {problem}")
        elif params:
            problem = _request(client, "GET", url, dict.fromkeys(params, NUL_AND_FRIENDS))
            if problem:
                found.append(f"GET with every parameter hostile: {problem}")
        for fields in forms:
            base = _baseline(fields)
            names = [n for n, _v, _k in fields if n not in UNTOUCHED]
            kinds = {n: k for n, _v, k in fields}
            if actor == thorough:
                for field_name in dict.fromkeys(names):
                    for value in _field_values(kinds[field_name], world):
                        data = _as_dict(
                            [(n, v) for n, v in base if n != field_name] + [(field_name, value)]
                        )
                        problem = _request(client, "POST", url, data)
                        if problem:
                            found.append(f"POST {field_name}={value[:20]!r}: {problem}")
            everything = _as_dict(
                [(n, v) for n, v in base if n in UNTOUCHED]
                + [(n, NUL_AND_FRIENDS) for n in dict.fromkeys(names)]
            )
            problem = _request(client, "POST", url, everything)
            if problem:
                found.append(f"POST all fields hostile: {problem}")
            body, content_type = _multipart(
                [(n, v) for n, v in base if n in UNTOUCHED]
                + [(n, "") for n in dict.fromkeys(names)]
            )
            problem = _request(client, "POST", url, body=body, content_type=content_type)
            if problem:
                found.append(f"POST multipart with lone surrogates: {problem}")
        if forms and not _post_allowed(name, actor) and history_row_count() != before:
            found.append("a user who may not post here changed data")
        if not may_edit_customer(world.users.get(actor), world.other) and (
            _other_fingerprint(world) != other_before
        ):
            found.append("changed another customer the user may not edit")
        found.extend(_stored_problems())
        return found

    for actor in ACTORS:
        with transaction.atomic():
            found = check(actor)
            transaction.set_rollback(True)
        problems.extend(f"{actor}: {problem}" for problem in found)
    return problems


def test_the_harness_finds_fields_and_parameters(hostile_world):
    """The discovery works: forms and query parameters of the main pages are found."""
    create = Surface(hostile_world, "customers:customer_create")
    fields = {n for form in create.forms for n, _v, _k in form}
    assert {"name", "organisation_number", "address_postal_code", "owner"} <= fields
    assert "q" in Surface(hostile_world, "customers:customer_list").params
    assert {"country", "cols"} <= set(Surface(hostile_world, "reports:customer_report").params)
    assert Surface(hostile_world, "projects:project_status").forms, "forms posting elsewhere"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_hostile_values_in_every_field_and_parameter(hostile_world, name):
    assert _check_url(hostile_world, name) == []


def test_hostile_values_on_the_pages_outside_the_matrix(hostile_world):
    """Login, logout and the language switcher, which the matrix leaves to Django."""
    client = Client(raise_request_exception=True)
    client.cookies["csrftoken"] = CSRF_TOKEN
    problems = []
    for value in HOSTILE:
        for url, data in (
            (reverse("login"), {"username": value, "password": value}),
            (reverse("login"), {"username": "reader", "password": value}),
            (reverse("set_language"), {"language": value, "next": value}),
        ):
            problem = _request(client, "POST", url, {**data, "csrfmiddlewaretoken": CSRF_TOKEN})
            if problem:
                problems.append(f"POST {url} {value[:20]!r}: {problem}")
        problem = _request(client, "GET", reverse("login"), {"next": value})
        if problem:
            problems.append(f"GET login next={value[:20]!r}: {problem}")
    assert problems == []


def test_hostile_searches_in_every_admin_list(hostile_world):
    """Every admin list's search, filters and ordering with hostile values, as a superuser."""
    client = _client(hostile_world, "superuser")
    problems = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for value in (NUL_AND_FRIENDS, HUGE, "-1", "99999999999999999999999"):
            problem = _request(client, "GET", url, {"q": value, "o": value, "p": value})
            if problem:
                problems.append(f"{url} {value[:20]!r}: {problem}")
    assert problems == []


# -- the admin's add and change forms ------------------------------------------------------------

# Fewer values than the pages get: every admin form goes through the same Django admin code.
ADMIN_HOSTILE = [NUL_AND_FRIENDS, HUGE, "-1", "99999999999999999999999", ""]


def _admin_users(model):
    """The superuser; an administrator (staff with every permission, not superuser); and staff
    with every permission except the model's own."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    everything = list(Permission.objects.all())
    administrator = UserFactory(username="administrator", is_staff=True)
    administrator.user_permissions.set(everything)
    own = ContentType.objects.get_for_model(model, for_concrete_model=False)
    unrelated = UserFactory(username="unrelated_staff", is_staff=True)
    unrelated.user_permissions.set([p for p in everything if p.content_type_id != own.pk])
    return {"administrator": administrator, "unrelated_staff": unrelated}


def _admin_pages(world, model):
    """(kind, URL) of the model's add form and of the change form of one of its objects."""
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = [("add", reverse(f"{prefix}_add"))]
    obj = model._default_manager.order_by("pk").first()
    if obj is not None:
        pages.append(("change", reverse(f"{prefix}_change", args=[obj.pk])))
    return pages


def _admin_form(client, url):
    """The fields of the admin form on ``url`` (the one that posts back to it), or None."""
    response = client.get(url)
    if response.status_code != 200:
        return None
    page = _Page()
    page.feed(response.content.decode())
    forms = [f for f in page.forms if f["method"] == "post" and f["action"] in ("", url)]
    return forms[0]["fields"] if forms else None


def _admin_models():
    return sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.mark.parametrize("model", _admin_models(), ids=lambda m: m._meta.label)
def test_hostile_values_in_every_admin_add_and_change_form(hostile_world, model):
    """Every field of every admin form, one at a time, as the superuser; the whole form hostile
    and as a multipart body with lone surrogates as the superuser, an administrator, and staff
    without the model's permissions (who must change nothing)."""
    users = {"superuser": hostile_world.users["superuser"], **_admin_users(model)}
    problems = []
    for kind, url in _admin_pages(hostile_world, model):
        fields = _admin_form(_superuser_client(hostile_world), url)
        if fields is None:
            continue  # the admin offers no such form (adding disabled, read-only model)
        base = _baseline(fields)
        names = [n for n, _v, _k in fields if n not in UNTOUCHED and not n.startswith("_")]
        for actor, user in users.items():
            client = Client(raise_request_exception=True)
            client.force_login(user)
            client.cookies["csrftoken"] = CSRF_TOKEN
            with transaction.atomic():
                before = history_row_count()
                other_before = _other_fingerprint(hostile_world)
                found = []
                if actor == "superuser":
                    for field_name in dict.fromkeys(names):
                        values = [*ADMIN_HOSTILE, *hostile_world.foreign_ids()[:1]]
                        for value in values:
                            data = _as_dict(
                                [(n, v) for n, v in base if n != field_name] + [(field_name, value)]
                            )
                            problem = _request(client, "POST", url, data)
                            if problem:
                                found.append(f"{field_name}={value[:20]!r}: {problem}")
                everything = _as_dict(
                    [(n, v) for n, v in base if n not in names]
                    + [(n, NUL_AND_FRIENDS) for n in dict.fromkeys(names)]
                )
                problem = _request(client, "POST", url, everything)
                if problem:
                    found.append(f"all fields hostile: {problem}")
                body, content_type = _multipart(
                    [(n, v) for n, v in base if n not in names]
                    + [(n, "") for n in dict.fromkeys(names)]
                )
                problem = _request(client, "POST", url, body=body, content_type=content_type)
                if problem:
                    found.append(f"multipart with lone surrogates: {problem}")
                if actor == "unrelated_staff" and history_row_count() != before:
                    found.append("staff without the model's permission changed data")
                if _other_fingerprint(hostile_world) != other_before and model not in (
                    Customer,
                    Project,
                    Activity,
                ):
                    found.append("changed the other customer")
                found.extend(_stored_problems())
                transaction.set_rollback(True)
            problems.extend(f"{actor} {kind}: {p}" for p in found)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# -- a double click on an admin add form ---------------------------------------------------------


@pytest.mark.parametrize("model", _admin_models(), ids=lambda m: m._meta.label)
def test_every_admin_add_form_carries_a_one_time_token(hostile_world, model):
    client = _superuser_client(hostile_world)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    fields = _admin_form(client, url)
    if fields is None:
        return  # the admin offers no add form for this model
    assert "form_token" in {name for name, _v, _k in fields}


def test_two_identical_posts_of_an_admin_add_form_add_one_object(hostile_world):
    """A double click on Save: the customer admin (its numbers are given out, so nothing else
    would tell the two apart) adds one customer and sends the second POST to the first's
    result."""
    client = _superuser_client(hostile_world)
    url = reverse("admin:customers_customer_add")
    fields = _admin_form(client, url)
    data = _as_dict(
        [(n, v) for n, v in _baseline(fields) if n not in ("name", "_addanother", "_continue")]
        + [("name", "Dubbelklick AB")]
    )
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Customer.objects.filter(name="Dubbelklick AB").count() == 1


def test_an_admin_add_form_with_errors_can_be_sent_again(hostile_world):
    """A refused POST does not use up its token."""
    client = _superuser_client(hostile_world)
    url = reverse("admin:customers_industry_add")
    data = _as_dict(_baseline(_admin_form(client, url)))
    data["name"] = [""]
    assert client.post(url, data).status_code == 200
    data["name"] = ["Ny bransch"]
    assert client.post(url, data).status_code == 302
    from customers.models import Industry

    assert Industry.objects.filter(name="Ny bransch").count() == 1
