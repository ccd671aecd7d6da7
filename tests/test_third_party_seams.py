"""Where our code overrides or calls a library's private parts, an upgrade that moves them
fails here, loudly and by name, instead of silently changing behaviour.

- django-simple-history: ``core.history.LeanHistoricalRecords`` overrides the
  ``_date_indexing`` property and ``_get_history_user_fields()`` to drop indexes the History
  tab never reads.
- django-import-export: the customer admin replaces ``ImportMixin.import_action`` and
  ``process_import`` (review and confirm), reached through the mixin's own URLs.
- Django: the grouping bulk action deletes with ``QuerySet._raw_delete`` (no per-row signals;
  the history rows are written in bulk beforehand).
- Django: ``core.prepared`` gives an evaluated query its own compiler (``Query.get_compiler``
  replaced on the query) whose ``as_sql`` returns SQL compiled before; it relies on the
  queryset iterables asking the query for the compiler and on ``execute_sql`` asking
  ``as_sql`` for the SQL, then reading rows with the compiler's ``select``/``klass_info``.

Each seam is checked twice: the private name still exists with the shape we override, and our
override still has the effect we rely on.
"""

import inspect

import pytest
from django.db.models import signals
from django.db.models.query import QuerySet
from django.urls import reverse
from import_export.admin import ImportMixin
from simple_history.models import HistoricalRecords

from customers.importing.admin import CustomerImportExportMixin
from customers.models import Address, Contact, Customer, CustomerGroupingOption
from tests.factories import CustomerFactory, GroupingOptionFactory

# simple-history --------------------------------------------------------------------------------


def test_simple_history_still_has_the_hooks_we_override():
    date_indexing = inspect.getattr_static(HistoricalRecords, "_date_indexing")
    assert isinstance(date_indexing, property)
    assert list(inspect.signature(HistoricalRecords._get_history_user_fields).parameters) == [
        "self"
    ]
    # ... and still consults them when it builds the historical model.
    source = inspect.getsource(HistoricalRecords)
    assert "self._date_indexing" in source
    assert "self._get_history_user_fields()" in source


@pytest.mark.parametrize("model", [Customer, Address, Contact, CustomerGroupingOption])
def test_historical_tables_keep_only_the_indexes_we_ask_for(model):
    historical = model.history.model
    history_date = historical._meta.get_field("history_date")
    history_user = historical._meta.get_field("history_user")
    assert history_date.db_index is False
    assert history_user.db_index is False
    assert history_user.db_constraint is False
    indexed = [f.name for f in historical._meta.fields if f.db_index and not f.primary_key]
    assert indexed == []
    # Only the lean indexes given to LeanHistoricalRecords, each on the row's id or customer.
    assert historical._meta.indexes
    assert all(index.fields[0] in {"id", "customer"} for index in historical._meta.indexes)


# import-export ---------------------------------------------------------------------------------


def test_import_export_still_routes_its_urls_to_the_methods_we_replace():
    for name in ("import_action", "process_import"):
        theirs = inspect.signature(getattr(ImportMixin, name))
        assert list(theirs.parameters) == ["self", "request", "kwargs"], name
        assert name in CustomerImportExportMixin.__dict__, name
    routes = inspect.getsource(ImportMixin.get_urls)
    assert "self.import_action" in routes
    assert "self.process_import" in routes


@pytest.mark.django_db
def test_the_admin_import_page_is_ours(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:customers_customer_import"))
    assert response.status_code == 200
    assert "admin/customers/customer/import.html" in [t.name for t in response.templates]
    assert "confirm_form" not in response.context  # our review step, not the library's


# QuerySet._raw_delete --------------------------------------------------------------------------


def test_raw_delete_keeps_its_signature():
    assert list(inspect.signature(QuerySet._raw_delete).parameters) == ["self", "using"]


@pytest.mark.django_db
def test_raw_delete_deletes_without_signals():
    links = [
        CustomerGroupingOption.objects.create(
            customer=CustomerFactory(), option=GroupingOptionFactory()
        )
        for _ in range(2)
    ]
    seen = []

    def receiver(sender, **kwargs):
        seen.append(sender)

    signals.pre_delete.connect(receiver, weak=False)
    signals.post_delete.connect(receiver, weak=False)
    try:
        queryset = CustomerGroupingOption.objects.filter(pk__in=[link.pk for link in links])
        deleted = queryset._raw_delete(queryset.db)
    finally:
        signals.pre_delete.disconnect(receiver)
        signals.post_delete.disconnect(receiver)
    assert deleted == 2
    assert not CustomerGroupingOption.objects.filter(pk__in=[link.pk for link in links]).exists()
    assert seen == []


# Django's compiler, as core.prepared uses it ------------------------------------------------


def test_the_iterables_and_execute_sql_still_go_through_get_compiler_and_as_sql():
    from django.db.models import query as query_module
    from django.db.models.sql.compiler import SQLCompiler

    for iterable in (
        query_module.ModelIterable,
        query_module.ValuesIterable,
        query_module.ValuesListIterable,
        query_module.FlatValuesListIterable,
    ):
        assert "get_compiler(" in inspect.getsource(iterable.__iter__), iterable
    assert "self.as_sql()" in inspect.getsource(SQLCompiler.execute_sql)
    compiler_state = inspect.getsource(SQLCompiler.results_iter)
    assert "self.select" in compiler_state and "self.col_count" in compiler_state


@pytest.mark.django_db
def test_a_prepared_query_runs_the_sql_compiled_before():
    from unittest import mock

    from django.db.models.sql.compiler import SQLCompiler

    from core.prepared import Prepared

    first, second = CustomerFactory(), CustomerFactory()
    prepared = Prepared(lambda *, pk: Customer.objects.filter(pk=pk).select_related("owner"))
    assert prepared(pk=first.pk) == [first]
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as as_sql:
        assert prepared(pk=second.pk) == [second]
    assert as_sql.call_count == 0
