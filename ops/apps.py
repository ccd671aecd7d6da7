from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Commands that write every app (demo and scale seeds, the import benchmark).

    It sits above the domain apps: it may import all of them, and none imports it
    (tests/test_architecture.py).
    """

    name = "ops"
