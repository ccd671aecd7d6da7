"""The record of every use of the personal-data tools, and the retention job's runs.

``PrivacyLogEntry`` keeps who did what and when, the request it answered and how many rows it
touched, never what was searched for or erased: the log must not keep the data an erasure
removes (docs/privacy.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.background.models import TrackedJob

PERMISSION = "privacy.manage_personal_data"


class PrivacyLogEntry(models.Model):
    FIND = "find"
    EXPORT = "export"
    ERASE = "erase"
    ERASE_REFUSED = "erase_refused"
    RETENTION_REPORT = "retention_report"
    RETENTION_RUN = "retention_run"
    ACTION_CHOICES = [
        (FIND, _("find")),
        (EXPORT, _("export")),
        (ERASE, _("erasure")),
        (ERASE_REFUSED, _("erasure refused")),
        (RETENTION_REPORT, _("retention dry run")),
        (RETENTION_RUN, _("retention run")),
    ]

    action = models.CharField(_("action"), max_length=20, choices=ACTION_CHOICES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # The administrator's reference to the data subject's request (a case number), never a name.
    reference = models.CharField(_("request reference"), max_length=100, blank=True)
    # How many rows of each kind were found, exported or changed: {"contacts": 1, ...}.
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("personal data log entry")
        verbose_name_plural = _("personal data log")
        ordering = ["-at", "-id"]
        default_permissions = ()
        permissions = [
            ("manage_personal_data", _("Can find, export and erase personal data")),
        ]

    def __str__(self):
        return f"{self.get_action_display()} #{self.pk}"


class RetentionRun(TrackedJob):
    """One run of the retention job: what it anonymised or deleted (``result``)."""

    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-created_at", "-id"]
        default_permissions = ()

    def __str__(self):
        return f"{self.pk}"
