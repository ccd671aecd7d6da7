"""Hostile input against every operation of the REST API, as every kind of token user.

What the API takes is read from its own OpenAPI schema (``/api/schema/``): the JSON body fields
of every write (nested objects included) and the query parameters of every read. Which user may
call what, the path arguments and the If-Match version come from the API permission matrix
(``API_MATRIX``), which fails when a route is missing from it; an operation of the schema that
the matrix does not know fails here. A new route, body field or query parameter is therefore
covered without a new test.

What it sends:
- every body field, one at a time (nested ones too), set to each hostile value: control
  characters, a lone surrogate, a right-to-left override, SQL and HTML fragments, 10,000
  characters, wrong types (numbers, booleans, null, lists, nested objects), numbers out of
  range, the ids of another customer's objects; the other fields keep a valid value;
- the whole body hostile at once, and bodies that are not what the API reads (invalid JSON,
  invalid UTF-8, deep nesting, a list or a string instead of an object, other content types),
  as every kind of user;
- every query parameter, one at a time, set to each hostile value, and all at once;
- path ids out of the database's range.

What it asserts: no server error; every refusal in the documented error format
(``{"field": ["message"]}`` for 400, ``{"detail": "..."}`` otherwise) and, for 400, in the
language asked for (``Accept-Language: sv`` answers differ from ``en`` ones); a user who may not
write there changes nothing; nothing leaves a control character or a lone surrogate in the
database, links one customer's rows to another's, or changes the other customer when the user
may not edit it.
"""

import json
import re
from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from customers.permissions import may_edit_customer
from tests.api.test_api_permission_matrix import API_MATRIX, OK, SESSION_ROUTES, APIWorld
from tests.test_hostile_input import (
    HTML,
    HUGE,
    NUL_AND_FRIENDS,
    HostileWorld,
    _other_fingerprint,
    _stored_problems,
)
from tests.test_permission_matrix import ACTORS, history_row_count

pytestmark = pytest.mark.django_db

LONE_SURROGATE = "x\ud800y"  # json.dumps writes it as the escape "\ud800", which parses back
RTL = "abc\u202eexe.txt"
STRINGS = [NUL_AND_FRIENDS, HTML, HUGE, LONE_SURROGATE, RTL, "\t\r\n", ""]
WRONG_TYPES = [
    -1,
    0,
    2**63,
    10**30,
    -(10**30),
    1e308,
    1.5,
    True,
    None,
    [],
    {},
    {"a": [{"b": None}], "\x00": "\x00"},
    ["x", {"y": [1, [2, [3]]]}],
]
# Bodies that are not a JSON object, each with the content type it is sent as.
RAW_BODIES = [
    (b"{not json", "application/json"),
    (b'{"name": "unterminated', "application/json"),
    (b'{"name": "\xff\xfe\xed\xa0\x80"}', "application/json"),  # not UTF-8
    (b"[" * 5000 + b"]" * 5000, "application/json"),  # deeper than the parser recurses
    (b"[]", "application/json"),
    (b'"a string"', "application/json"),
    (b"null", "application/json"),
    (b"12345678901234567890123456789", "application/json"),
    (b"", "application/json"),
    (b'{"name": "x"}', "text/plain"),
    (b"name=x&line1=y", "application/x-www-form-urlencoded"),
    (
        b"--b\r\nContent-Disposition: form-data; name=name\r\n\r\nx\r\n--b--\r\n",
        "multipart/form-data; boundary=b",
    ),
    (b"<customer><name>x</name></customer>", "application/xml"),
    (b"{}", "application/json; charset=bz2_codec"),  # a "charset" that decompresses
    (b"{}", "application/json; charset=no-such-charset"),
    (b'{"name": NaN}', "application/json"),
]
OUT_OF_RANGE_IDS = ["0", "9223372036854775808", "99999999999999999999999"]
WRITES = ("post", "put", "patch")


class APIHostileWorld(APIWorld, HostileWorld):
    """The API matrix's world (lookups, a token per user) and another customer owned by
    someone else, whose ids the harness sends."""


@pytest.fixture
def world(db, settings):
    # Thousands of requests per token: the throttles are tested elsewhere.
    settings.KUNDKORT_API_THROTTLE_RATES = {"token": None, "user": None}
    return APIHostileWorld()


# ------------------------------------------------------------------------------ the schema


def _schema(world):
    client = APIClient()
    client.force_authenticate(world.users["superuser"])
    response = client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _resolve_ref(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _object_of(schema, node):
    """The object schema ``node`` is, or one of its alternatives is (nullable nesting)."""
    node = _resolve_ref(schema, node)
    if not isinstance(node, dict):
        return None
    if node.get("type") == "object" or "properties" in node:
        return node
    for key in ("allOf", "oneOf", "anyOf"):
        for part in node.get(key, []):
            found = _object_of(schema, part)
            if found is not None:
                return found
    return None


def body_fields(schema, operation):
    """Paths (tuples of names) of every writable field of the operation's JSON body."""
    content = (operation.get("requestBody") or {}).get("content", {})
    if "application/json" not in content:
        return []
    paths = []

    def walk(node, prefix):
        node = _object_of(schema, node)
        if node is None:
            return
        for name, prop in node.get("properties", {}).items():
            resolved = _resolve_ref(schema, prop)
            if isinstance(resolved, dict) and resolved.get("readOnly"):
                continue
            paths.append((*prefix, name))
            if _object_of(schema, prop) is not None:
                walk(prop, (*prefix, name))

    walk(content["application/json"]["schema"], ())
    return paths


def query_parameters(operation):
    return [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]


def _path_to_name(path):
    return resolve(re.sub(r"\{[^}]+\}", "1", path)).view_name


def schema_operations(schema):
    """{(URL name, method): operation} of every operation in the schema."""
    return {
        (_path_to_name(path), method): operation
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in ("get", "post", "put", "patch", "delete")
    }


# ------------------------------------------------------------------------------- requests


def _with(body, path, value):
    """A copy of ``body`` with the field at ``path`` set to ``value`` (objects made on the way)."""
    body = json.loads(json.dumps(body))
    node = body
    for name in path[:-1]:
        if not isinstance(node.get(name), dict):
            node[name] = {}
        node = node[name]
    node[path[-1]] = value
    return body


def _error_problem(response):
    """What is wrong with a refusal's format (documented in docs/api.md), or None."""
    if response.status_code < 400:
        return None
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/vnd.oai.openapi"):
        return None  # the schema answers in the schema's own media type (YAML unless ?format=json)
    if not content_type.startswith("application/json"):
        return f"{response.status_code} is not JSON: {content_type}"
    try:
        data = json.loads(response.content)
    except ValueError:
        return f"{response.status_code} with a body that does not parse"
    if response.status_code == 400:

        def well_formed(node):
            if isinstance(node, list):
                return bool(node) and all(
                    isinstance(m, str) and m or isinstance(m, dict) and well_formed(m) for m in node
                )
            if isinstance(node, dict):
                return bool(node) and all(well_formed(v) for v in node.values())
            return False

        if not isinstance(data, dict) or not well_formed(data):
            return f"400 not as field -> [messages]: {data!r:.200}"
        return None
    if not isinstance(data, dict) or not isinstance(data.get("detail"), str):
        return f"{response.status_code} without a detail: {data!r:.200}"
    return None


def _messages(data):
    if isinstance(data, dict):
        return [m for value in data.values() for m in _messages(value)]
    if isinstance(data, list):
        return [m for value in data for m in _messages(value)]
    return [data] if isinstance(data, str) else []


class Caller:
    """Sends requests as one user and collects what is wrong with the answers."""

    def __init__(self, world, actor, name):
        self.world, self.actor, self.name = world, actor, name
        self.client = world.clients[actor]
        if name in SESSION_ROUTES:
            self.client = APIClient()
            if actor != "anonymous":
                self.client.force_login(world.users[actor])
        self.problems = []

    def _headers(self, version, language):
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if version is not None:
            for obj in (self.world.customer, self.world.address, self.world.contact):
                obj.refresh_from_db()
            headers["HTTP_IF_MATCH"] = f'"{version(self.world)}"'
        return headers

    def send(
        self,
        label,
        method,
        url,
        *,
        version=None,
        body=None,
        raw=None,
        query=None,
        compare_languages=False,
    ):
        def call(language):
            headers = self._headers(version, language)
            if method == "get":
                # Encoded by hand: a lone surrogate is bytes a browser may send, but the test
                # client's encoder refuses to write them.
                query_string = "&".join(
                    f"{quote(key)}={quote(str(value).encode('utf-8', 'surrogatepass'))}"
                    for key, value in (query or {}).items()
                )
                return self.client.get(f"{url}?{query_string}" if query_string else url, **headers)
            data, content_type = raw if raw is not None else (json.dumps(body), "application/json")
            return self.client.generic(
                method.upper(), url, data=data, content_type=content_type, **headers
            )

        try:
            response = call("sv")
        except Exception as exc:  # a 500 in production
            self.problems.append(f"{label}: {type(exc).__name__}: {str(exc)[:160]}")
            return None
        if response.status_code >= 500:
            self.problems.append(f"{label}: HTTP {response.status_code}")
            return response
        problem = _error_problem(response)
        if problem:
            self.problems.append(f"{label}: {problem}")
        elif compare_languages and response.status_code == 400:
            english = call("en")
            same = set(_messages(json.loads(response.content))) & set(
                _messages(json.loads(english.content))
            )
            # A message with letters that reads the same in both: not translated.
            same = {m for m in same if re.search(r"[a-zA-Z]{3}", m)}
            if english.status_code == 400 and same:
                self.problems.append(f"{label}: not in Swedish: {sorted(same)[:3]}")
        return response


def _allowed(row, actor):
    return row[3][actor] == OK


def _check_operation(world, schema_ops, name, method):
    kwargs, body, version, profile = API_MATRIX[name][method]
    url = reverse(name, kwargs=kwargs(world))
    operation = schema_ops.get((name, method), {})
    schema = world.schema
    fields = body_fields(schema, operation) if method in WRITES else []
    params = query_parameters(operation) if method == "get" else []
    thorough = next((a for a in ACTORS if profile[a] == OK), None)
    foreign = world.foreign_ids()
    problems = []

    def check(actor):
        caller = Caller(world, actor, name)
        before = history_row_count()
        other_before = _other_fingerprint(world)
        valid = body(world) if body is not None else {}
        if method in WRITES:
            if actor == thorough:
                for path in fields:
                    values = [*STRINGS, *WRONG_TYPES, *map(int, foreign), *foreign, foreign]
                    for value in values:
                        caller.send(
                            f"{method.upper()} {'.'.join(path)}={value!r:.30}",
                            method,
                            url,
                            version=version,
                            body=_with(valid, path, value),
                            compare_languages=True,
                        )
            everything = valid
            for path in fields:
                everything = _with(everything, path, NUL_AND_FRIENDS)
            caller.send(
                f"{method.upper()} every field hostile",
                method,
                url,
                version=version,
                body=everything,
                compare_languages=actor == thorough,
            )
            for raw in RAW_BODIES:
                caller.send(
                    f"{method.upper()} body {raw[0][:20]!r} as {raw[1]}",
                    method,
                    url,
                    version=version,
                    raw=raw,
                )
        else:
            if actor == thorough:
                for param in params:
                    for value in [*STRINGS, "-1", "99999999999999999999999", "1e308", *foreign]:
                        caller.send(
                            f"GET ?{param}={value!r:.30}",
                            method,
                            url,
                            query={param: value},
                            compare_languages=True,
                        )
            if params:
                caller.send(
                    "GET every parameter hostile",
                    method,
                    url,
                    query=dict.fromkeys(params, NUL_AND_FRIENDS),
                )
            caller.send("GET", method, url)
        found = caller.problems
        refused = method in WRITES and not _allowed(API_MATRIX[name][method], actor)
        if refused and history_row_count() != before:
            found.append("a user who may not write here changed data")
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


def _cases():
    return [(name, method) for name, row in sorted(API_MATRIX.items()) for method in sorted(row)]


def test_the_harness_reads_fields_and_parameters_from_the_schema(world):
    schema = _schema(world)
    ops = schema_operations(schema)
    create = set(body_fields(schema, ops[("api:customer_list", "post")]))
    assert {("name",), ("owner",), ("address",), ("address", "line1")} <= create
    assert ("version",) not in create, "read-only fields are not sent"
    assert ("options",) in body_fields(schema, ops[("api:customer_groupings", "put")])
    assert {"search", "owner", "active", "cursor"} <= set(
        query_parameters(ops[("api:customer_list", "get")])
    )


def test_every_schema_operation_is_in_the_matrix(world):
    """An operation the schema offers and the matrix does not know would escape the harness."""
    assert sorted(set(schema_operations(_schema(world))) - set(_cases())) == []


@pytest.mark.parametrize(("name", "method"), _cases())
def test_hostile_input_to_every_api_operation(world, name, method):
    world.schema = _schema(world)
    problems = _check_operation(world, schema_operations(world.schema), name, method)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.mark.parametrize("name", sorted(n for n in API_MATRIX if n != "api:not_found"))
def test_ids_out_of_range_in_every_api_path(world, name):
    """A path id beyond the database's integer range is a 404, not an overflow."""
    row = API_MATRIX[name]
    kwargs = row["get"][0](world)
    problems = []
    for key in kwargs:
        for value in OUT_OF_RANGE_IDS:
            url = _url_with(name, kwargs, key, value)
            for method in row:
                caller = Caller(world, "superuser", name)
                response = caller.send(
                    f"{method.upper()} {url}",
                    method,
                    url,
                    body={} if method in WRITES else None,
                    version=(lambda w: 1) if method in ("put", "patch") else None,
                )
                problems.extend(caller.problems)
                if response is not None and response.status_code != 404:
                    problems.append(f"{method.upper()} {url}: {response.status_code}")
    assert problems == []


def _url_with(name, kwargs, key, value):
    """The URL of ``name`` with the path argument ``key`` replaced by ``value``."""
    marker = 7_654_321_987
    url = reverse(name, kwargs={**kwargs, key: marker})
    return url.replace(str(marker), value)


def _drf_messages():
    """Every message DRF's fields, relations, validators and exceptions may answer with."""
    import inspect

    from rest_framework import exceptions, fields, relations, serializers, validators

    found = []
    for module in (fields, relations, serializers, validators, exceptions):
        for obj in vars(module).values():
            if not inspect.isclass(obj) or not obj.__module__.startswith("rest_framework"):
                continue
            found.extend(getattr(obj, "default_error_messages", {}).values())
            for attr in ("default_detail", "message"):
                if attr in vars(obj) and not isinstance(vars(obj)[attr], str):
                    found.append(vars(obj)[attr])
    return found


# DRF messages about what the API never takes or answers (files, images, hyperlinks, IP
# addresses, JSON fields, durations, model-form uniqueness of dates), and the surrogate check
# the API's serializers replace with the register's own rule (customers/input_safety.py).
NOT_ANSWERED = re.compile(
    r"file|image|hyperlink|IPv|JSON|slug|days|unique for|Invalid version|URL"
    r"|Invalid username|authentication credentials|Surrogate characters|^None$",
    re.IGNORECASE,
)


def test_every_drf_message_is_in_swedish():
    """The API answers in Swedish by default: a DRF message its Swedish catalogue lacks must be
    in the project's (api/drf_messages.py lists them)."""
    from django.utils import translation

    untranslated = set()
    for message in _drf_messages():
        with translation.override("en"):
            english = str(message)
        with translation.override("sv"):
            swedish = str(message)
        if english == swedish and not NOT_ANSWERED.search(english):
            untranslated.add(english)
    assert sorted(untranslated) == [], sorted(untranslated)
