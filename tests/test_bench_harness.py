"""The page benchmark's reference page and its verdicts in multiples of it (bench/)."""

import sys
from pathlib import Path

import pytest
from django.test import override_settings

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import run  # noqa: E402  (bench/run.py, not a package)


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="reference")
def test_reference_page_makes_the_two_queries_every_page_makes(
    editor_client, django_assert_num_queries
):
    editor_client.get("/bench/reference/")
    with django_assert_num_queries(2):  # the session and the user
        response = editor_client.get("/bench/reference/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 10
    # The product's pages are still there behind it.
    assert editor_client.get("/customers/").status_code == 200


@pytest.mark.django_db
def test_reference_page_is_not_served_by_the_product(editor_client):
    assert editor_client.get("/bench/reference/").status_code == 404


def _result(median, p95, queries=(10, 10)):
    return {
        "median_ms": median,
        "p95_ms": p95,
        "queries_min": queries[0],
        "queries_max": queries[1],
    }


def test_verdicts_are_multiples_of_the_reference():
    assert run.verdict("page", run.with_multiples(_result(29, 49), 10.0)) == "ok"
    assert run.verdict("page", run.with_multiples(_result(31, 40), 10.0)) == "SLOW"
    assert run.verdict("page", run.with_multiples(_result(20, 51), 10.0)) == "SLOW"
    assert run.verdict("big", run.with_multiples(_result(49, 79), 10.0)) == "ok"
    assert run.verdict("big", run.with_multiples(_result(51, 60), 10.0)) == "SLOW"
    # The same milliseconds on a machine twice as slow (reference 20 ms) meet the target.
    assert run.verdict("page", run.with_multiples(_result(58, 98), 20.0)) == "ok"


def test_a_page_whose_query_count_varies_fails_its_target():
    result = run.with_multiples(_result(10, 12, queries=(10, 11)), 10.0)
    assert run.verdict("page", result) == "SLOW"
