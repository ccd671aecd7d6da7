"""Activity types and activities (meetings, calls, tasks, ...) with customers and projects."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.models import Contact, Customer, Stamped
from projects.models import Project

from .querysets import ActivityQuerySet


class ActivityType(models.Model):
    """A kind of activity, configured by administrators."""

    MEETING = "meeting"
    CALL = "call"
    TASK = "task"
    EMAIL = "email"
    SALES_EVENT = "sales_event"
    OTHER = "other"
    CATEGORY_CHOICES = [
        (MEETING, _("Meeting")),
        (CALL, _("Call")),
        (TASK, _("Task")),
        (EMAIL, _("Email")),
        (SALES_EVENT, _("Sales event")),
        (OTHER, _("Other")),
    ]

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=CATEGORY_CHOICES)
    icon = models.CharField(
        _("icon"), max_length=50, blank=True, help_text=_("A Bootstrap Icons name, e.g. telephone.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_default = models.BooleanField(_("default"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="activitytype_one_default",
                violation_error_message=_("Another activity type is already the default."),
            )
        ]

    def __str__(self):
        return self.name

    @property
    def icon_name(self):
        """The configured Bootstrap icon, else one that fits the category."""
        return self.icon or {
            self.MEETING: "people",
            self.CALL: "telephone",
            self.TASK: "check2-square",
            self.EMAIL: "envelope",
            self.SALES_EVENT: "megaphone",
        }.get(self.category, "calendar-event")


class Activity(Stamped):
    """Something planned or done with a customer, perhaps within one of its projects."""

    subject = models.CharField(_("subject"), max_length=200)
    type = models.ForeignKey(
        ActivityType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="activities"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_activities",
    )
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"), null=True, blank=True)
    is_all_day = models.BooleanField(_("all day"), default=False)
    location = models.CharField(_("location"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    participant_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participating users"),
        blank=True,
        related_name="activities",
    )
    participant_contacts = models.ManyToManyField(
        Contact, verbose_name=_("participating contacts"), blank=True, related_name="activities"
    )

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["customer", "is_done", "starts_at"], name="activity_customer_idx"),
            models.Index(fields=["project", "starts_at"], name="activity_project_idx"),
            models.Index(fields=["owner", "is_done", "starts_at"], name="activity_owner_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="activity_ends_after_start",
                violation_error_message=_("The activity cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.subject

    @property
    def is_overdue(self):
        return not self.is_done and self.starts_at < timezone.now()

    def clean(self):
        if self.project_id:
            if self.customer_id and self.customer_id != self.project.customer_id:
                raise ValidationError(
                    {"project": _("The project belongs to another customer.")},
                    code="foreign_project",
                )
            self.customer_id = self.project.customer_id
