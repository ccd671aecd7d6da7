"""The import pipeline's contracts: progress reported by phase, the memo keys the helper
process and the planner share, and the change source of the history records."""

import pytest
from django.test import override_settings

from core.history import change_source
from customers.importing import parallel
from customers.importing.engine import ImportOptions, Planner, run_import
from customers.importing.reader import read_table
from customers.models import Customer
from tests.customers.import_helpers import csv_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["Customer name", "Country", "Organisation number", "Website", "Address line 1"]
HEADER += ["City", "Address country", "Contact first name", "Contact last name"]
HEADER += ["Contact phone", "Groupings", "Postal code"]
POSTAL_CODES = {"SE": "111 22", "NO": "0150", "FI": "00100"}


def rows(count):
    return [
        [
            f"Kund {n} AB",
            "SE" if n % 2 else "NO",
            "556036-0793" if n % 2 else "923609016",
            f"https://kund{n}.se",
            f"Gatan {n}",
            "Stockholm",
            "FI" if n % 3 == 0 else "",
            "Åsa",
            f"Ek{n}",
            f"+46 70-{100 + n} 22 33",
            "Region\\Nord",
            POSTAL_CODES["FI" if n % 3 == 0 else "SE" if n % 2 else "NO"],
        ]
        for n in range(count)
    ]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="importer", is_staff=True, is_superuser=True)


def run(content, user, *, commit, progress):
    return run_import(
        content,
        file_name="progress.csv",
        options=ImportOptions(create_missing=True),
        user=user,
        commit=commit,
        progress=progress,
    )


@override_settings(KUNDKORT_IMPORT_PARALLEL_ROWS=0)
def test_progress_names_the_phases_of_review_and_confirm(admin_user, monkeypatch):
    monkeypatch.setattr("customers.importing.planner.PROGRESS_ROWS", 4)
    content = csv_bytes(HEADER, rows(10))
    seen = []
    review = run(content, admin_user, commit=False, progress=lambda *a: seen.append(a))
    assert not review.has_errors
    assert [phase for phase, _done, _total in seen] == ["reading", "reading"] + ["checking"] * 4
    assert [(done, total) for phase, done, total in seen if phase == "checking"] == [
        (0, 10),
        (4, 10),
        (8, 10),
        (10, 10),
    ]

    seen.clear()
    result = run(content, admin_user, commit=True, progress=lambda *a: seen.append(a))
    assert result.committed
    phases = list(dict.fromkeys(phase for phase, _done, _total in seen))
    assert phases == [
        "reading",
        "matching",
        "customers",
        "history",
        "addresses",
        "contacts",
        "groupings",
    ]
    assert ("customers", 10, 10) in seen and ("groupings", 10, 10) in seen
    assert all(done <= total for _phase, done, total in seen)


@override_settings(KUNDKORT_IMPORT_PARALLEL_ROWS=0)
def test_helper_memo_keys_are_the_planners_keys(admin_user):
    """Every cell the helper validates is stored under the key the planner looks it up by."""
    content = csv_bytes(HEADER, rows(12))
    table = read_table(content, "keys.csv")
    keys = [column.key for column in table.columns]
    helper_memo = parallel.validate_rows(keys, table.rows)
    planner = Planner(table, ImportOptions(create_missing=True), user=admin_user)
    planner.plan()
    assert helper_memo  # organisation numbers, websites and phones of every row
    assert {key[0] for key in helper_memo} == {"org", "web", "phone"}
    assert helper_memo.items() <= planner.memo.items()


def test_confirm_keeps_a_change_source_the_caller_set(admin_user):
    content = csv_bytes(HEADER, rows(2))
    with change_source("job", detail="run 7"):
        result = run(content, admin_user, commit=True, progress=None)
    assert result.committed
    customer = Customer.objects.get(name="Kund 1 AB")
    assert {r.history_change_reason for r in customer.history.all()} == {"job: run 7"}
    result = run(csv_bytes(HEADER, rows(4)[2:]), admin_user, commit=True, progress=None)
    customer = Customer.objects.get(name="Kund 3 AB")
    assert {r.history_change_reason for r in customer.history.all()} == {"import: progress.csv"}
