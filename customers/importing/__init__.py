"""The customer import engine (docs/architecture.md, "Import"; docs/rules-and-import.md).

The admin (``customers/importing/admin.py``) uses django-import-export for its buttons, forms,
formats, permissions and temporary storage; the rows themselves go through this engine, which
reads the whole file, looks up everything it refers to in a few queries per table, validates in
memory and writes in bulk. ``run_import`` is the one entry point for the admin, the tests and
``manage.py bench_import``.
"""
