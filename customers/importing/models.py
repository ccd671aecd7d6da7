"""The record of every import: ``ImportRun`` (the upload's review, confirm and undo)."""

import json
import zlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import SOURCE_IMPORT

from ..background.models import TrackedJob

REVIEW, CONFIRM, UNDO = "review", "confirm", "undo"


class ImportRun(TrackedJob):
    """One uploaded file through review, confirm and perhaps undo; the import history's rows.

    The file itself stays in ``upload`` (``ImportUpload``) for ``KUNDKORT_IMPORT_KEEP_DAYS``.
    ``report`` keeps the review's rows (the first the page shows), every error and the values
    created, zlib-compressed JSON, so the page and the errors CSV need not read the file again.
    Every history row the confirm writes carries ``history_reason``: that is how undo finds
    what the import did.
    """

    STAGE_CHOICES = [(REVIEW, _("review")), (CONFIRM, _("import")), (UNDO, _("undo"))]

    file_name = models.CharField(_("file name"), max_length=255)
    upload = models.ForeignKey(
        "customers.ImportUpload",
        verbose_name=_("file"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
    )
    create_missing = models.BooleanField(_("create missing values"), default=False)
    update_existing = models.BooleanField(_("update existing customers' details"), default=False)
    stage = models.CharField(_("stage"), max_length=16, choices=STAGE_CHOICES, default=REVIEW)
    undo_untouched_only = models.BooleanField(default=False)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    updated_customers = models.PositiveIntegerField(_("updated customers"), default=0)
    unchanged_customers = models.PositiveIntegerField(_("unchanged customers"), default=0)
    addresses_added = models.PositiveIntegerField(_("addresses added"), default=0)
    contacts_added = models.PositiveIntegerField(_("contacts added"), default=0)
    groupings_added = models.PositiveIntegerField(_("groupings added"), default=0)
    values_created = models.PositiveIntegerField(_("values created"), default=0)
    skipped_changes = models.PositiveIntegerField(_("changes skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    review_seconds = models.FloatField(null=True, blank=True)
    confirm_seconds = models.FloatField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("imported"), null=True, blank=True)
    report = models.BinaryField(blank=True, default=b"")
    # Customers an undo found changed by someone since the import: [{"id", "name", "by"}].
    undo_blocked = models.JSONField(default=list, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} #{self.pk}"

    @property
    def history_reason(self):
        """The change reason on every history row this import wrote (at most 100 characters)."""
        return f"{SOURCE_IMPORT}: {self.file_name[:80]} #{self.pk}"

    @property
    def can_confirm(self):
        return (
            self.status == self.REVIEWED
            and self.stage == REVIEW
            and not self.error_count
            and self.upload_id is not None
        )

    @property
    def can_undo(self):
        return self.status == self.DONE and self.stage in (CONFIRM, UNDO)

    def set_report(self, data):
        self.report = zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6)

    def get_report(self):
        if not self.report:
            return {"rows": [], "errors": [], "values_created": [], "meta": {}}
        return json.loads(zlib.decompress(bytes(self.report)))
