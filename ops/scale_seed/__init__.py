"""The benchmark's scale data, one module per app (``manage.py seed_scale``)."""
