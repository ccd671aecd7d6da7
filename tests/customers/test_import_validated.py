"""The import's remembered validation: the review's validated cells reused by the confirm, and
the helper process that validates a large file's second half (customers/importing/parallel.py)."""

import pytest
from django.test import override_settings

from customers.importing.engine import (
    EMAILS,
    ImportOptions,
    decode_validated,
    encode_validated,
    run_import,
)
from customers.importing.storage import DatabaseUploadStorage
from customers.models import Contact, Customer
from tests.customers.import_helpers import csv_bytes, review, sv_file
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["Customer name", "Country", "Organisation number", "Contact first name"]
HEADER += ["Contact last name", "Contact phone", "Contact email"]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="importer", is_staff=True, is_superuser=True)


def confirm_with(content, user, validated, **options):
    return run_import(
        content,
        file_name="test.csv",
        options=ImportOptions(**options),
        user=user,
        commit=True,
        validated=validated,
    )


def rows(count, *, bad_phone_at=None):
    result = []
    for i in range(count):
        phone = "not a number" if i == bad_phone_at else f"070-{100 + i} 22 33"
        result.append(
            [f"Kund {i} AB", "SE", "556036-0793", "Anna", f"Berg{i}", phone, f"a{i}@example.se"]
        )
    return result


def test_review_without_errors_returns_its_validated_cells(admin_user):
    result = review(sv_file(), admin_user, create_missing=True)
    memo = decode_validated(result.validated)
    assert memo[("org", "556036-0793", "=SE")] == "556036-0793"
    assert "orjan@akerlundsbygg.se" in memo[EMAILS]


def test_confirm_with_the_reviews_cells_imports_what_the_review_showed(admin_user):
    content = csv_bytes(HEADER, rows(3))
    reviewed = review(content, admin_user, create_missing=True)
    result = confirm_with(content, admin_user, reviewed.validated, create_missing=True)
    assert result.committed, result.errors
    assert Contact.objects.get(last_name="Berg1").phone == "+46701012233"
    assert Customer.objects.filter(organisation_number="556036-0793").count() == 3


def test_validated_cells_come_back_as_they_were_written_across_chunks():
    from customers.importing.engine import VALIDATED_CHUNK

    count = VALIDATED_CHUNK + 7  # more than one line of each kind
    memo = {("phone", f"070-{i}", "=SE"): f"+4670{i}" for i in range(count)}
    memo.update({("org", f"5560{i}", "=SE"): f"5560{i}" for i in range(count)})
    memo[("vat", "FI123", "=FI")] = "FI123"
    emails = {f"a{i}@example.se" for i in range(count)}

    decoded = decode_validated(encode_validated(memo, emails))

    assert decoded.pop(EMAILS) == emails
    assert decoded == memo


def test_a_remembered_value_for_another_country_is_not_used(admin_user):
    content = csv_bytes(HEADER, [["Kund AB", "NO", "", "Anna", "Berg", "070-100 22 33", ""]])
    # What the number would be in Sweden: the row says Norway, so it must be validated anew.
    memo = {("phone", "070-100 22 33", "=SE"): "+46701002233"}
    result = confirm_with(content, admin_user, encode_validated(memo), create_missing=True)
    # Too short for a Norwegian number: the remembered Swedish value would have hidden that.
    assert [(e.row, e.value) for e in result.errors] == [(2, "070-100 22 33")]
    assert not Contact.objects.exists()


def test_unreadable_validated_cells_are_ignored(admin_user):
    content = csv_bytes(HEADER, rows(2))
    result = confirm_with(content, admin_user, b"not zlib at all", create_missing=True)
    assert result.committed, result.errors
    assert Contact.objects.get(last_name="Berg0").phone == "+46701002233"


def test_upload_storage_keeps_the_validated_cells_for_the_uploader(admin_user):
    storage = DatabaseUploadStorage(user=admin_user, file_name="test.csv")
    storage.save(b"data", validated=b"cells")
    again = DatabaseUploadStorage(name=storage.name, user=admin_user)
    assert again.read_validated() == b"cells"
    other = DatabaseUploadStorage(name=storage.name, user=UserFactory())
    assert other.read_validated() == b""


@override_settings(KUNDKORT_IMPORT_PARALLEL_ROWS=2)
def test_helper_process_reports_the_same_rows_and_errors_as_one_process(admin_user):
    content = csv_bytes(HEADER, rows(8, bad_phone_at=6))
    helped = review(content, admin_user, create_missing=True)
    with override_settings(KUNDKORT_IMPORT_PARALLEL_ROWS=0):
        alone = review(content, admin_user, create_missing=True)
    assert [(e.row, e.column, e.value, e.message) for e in helped.errors] == [
        (e.row, e.column, e.value, e.message) for e in alone.errors
    ]
    assert [(r.action, r.changes) for r in helped.rows] == [
        (r.action, r.changes) for r in alone.rows
    ]
    assert [e.value for e in helped.errors] == ["not a number"]


@override_settings(KUNDKORT_IMPORT_PARALLEL_ROWS=2)
def test_helper_process_validates_the_second_half(admin_user):
    from customers.importing import parallel
    from customers.importing.reader import read_table

    table = read_table(csv_bytes(HEADER, rows(6)), "test.csv")
    keys = [column.key for column in table.columns]
    helper, half = parallel.start(keys, table)
    memo = helper.memo()
    assert half == 3
    assert memo[("phone", "070-105 22 33", "=SE")] == "+46701052233"
    assert ("phone", "070-100 22 33", "=SE") not in memo


def test_import_pauses_cyclic_gc_and_turns_it_back_on(admin_user, monkeypatch):
    import gc

    from customers.importing import engine

    seen = []
    real_plan = engine.Planner.plan

    def plan(self):
        seen.append(gc.isenabled())
        return real_plan(self)

    monkeypatch.setattr(engine.Planner, "plan", plan)
    assert gc.isenabled()
    review(csv_bytes(HEADER, rows(2)), admin_user, create_missing=True)
    assert seen == [False]
    assert gc.isenabled()

    # Also after a failure, and it stays off when it was off before.
    monkeypatch.setattr(engine.Planner, "plan", lambda self: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        review(csv_bytes(HEADER, rows(2)), admin_user, create_missing=True)
    assert gc.isenabled()
    monkeypatch.setattr(engine.Planner, "plan", real_plan)
    gc.disable()
    try:
        review(csv_bytes(["Customer name"], [["X AB"]]), admin_user)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _spin(seconds, queue):
    import time

    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    queue.put(time.process_time())


def test_the_imports_cpu_time_counts_the_forked_helper():
    """The review's rows per CPU second must not leave out the helper process's half."""
    import multiprocessing

    from customers.importing.engine import _cpu_seconds

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    before = _cpu_seconds()
    child = context.Process(target=_spin, args=(0.3, queue))
    child.start()
    child_cpu = queue.get(timeout=30)
    child.join()
    assert child_cpu >= 0.3
    assert _cpu_seconds() - before >= child_cpu * 0.9
