"""Show (--dry-run, the default) or apply (--apply) the retention of personal data.

Run it daily (cron) with --apply, or start the same work from the Personal data page.
"""

from django.core.management.base import BaseCommand

from privacy.models import PrivacyLogEntry
from privacy.services.log import log_use
from privacy.services.retention import retention_apply, retention_report


class Command(BaseCommand):
    help = "Anonymise or delete personal data kept past its retention time (dry run by default)."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="Report only (the default).")
        mode.add_argument("--apply", action="store_true", help="Anonymise and delete.")

    def handle(self, *args, **options):
        if options["apply"]:
            counts = retention_apply()
            self.stdout.write("Applied: " + _format(counts))
            return
        report = retention_report()
        log_use(action=PrivacyLogEntry.RETENTION_REPORT, user=None, counts=report["counts"])
        for kind, cut in report["cutoffs"].items():
            when = cut.date().isoformat() if cut else "kept for ever"
            self.stdout.write(f"{kind}: older than {when} ({report['days'][kind]} days)")
        self.stdout.write("Dry run, nothing changed. Would change: " + _format(report["counts"]))


def _format(counts):
    return ", ".join(f"{kind} {count}" for kind, count in counts.items())
