"""Production settings plus the benchmark's reference page, for ``bench/wrk_run.py``."""

from settings.prod import *  # noqa: F403

ROOT_URLCONF = "reference"
