"""settings.prod with the benchmark's URLconf in front: the reference page (``reference.py``)
is served by the same gunicorn as the product's pages, so ``import_e2e.py`` measures both in
the same run. Nothing else differs from production. Needs ``bench/`` on ``PYTHONPATH``."""

from settings.prod import *  # noqa: F403

ROOT_URLCONF = "reference"
