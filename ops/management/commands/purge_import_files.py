"""Delete uploaded import files older than KUNDKORT_IMPORT_KEEP_DAYS (run daily, e.g. cron)."""

from django.core.management.base import BaseCommand

from customers.importing.runs import import_files_purge


class Command(BaseCommand):
    help = "Delete uploaded import files older than KUNDKORT_IMPORT_KEEP_DAYS days."

    def handle(self, *args, **options):
        deleted = import_files_purge()
        if options["verbosity"]:
            self.stdout.write(f"Deleted {deleted} rows of old import files.")
