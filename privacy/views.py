"""The Personal data pages: find, export, erase, retention and the records of processing.

Each needs ``privacy.manage_personal_data`` (403 without it) and every use is logged
(``services.log``) without what was searched for.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .forms import EraseForm, ExportForm, FindForm
from .jobs import retention_run_start
from .models import PERMISSION, PrivacyLogEntry, RetentionRun
from .records import records, retention_settings
from .selectors import find_person
from .services.erase import erase_person, refusal_reason
from .services.export import export_person
from .services.log import log_use
from .services.retention import retention_report

RECENT_LOG = 20


class PrivacyPermissionMixin(PermissionRequiredMixin):
    permission_required = PERMISSION
    raise_exception = True


def find_url(query):
    return f"{reverse('privacy:find')}?{urlencode({'q': query})}"


class FindView(PrivacyPermissionMixin, TemplateView):
    """Everywhere a person appears, for ``?q=`` (e-mail address, phone number or name)."""

    template_name = "privacy/find.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = FindForm(self.request.GET or None)
        found = None
        if form.is_valid():
            found = find_person(form.cleaned_data["q"])
            log_use(action=PrivacyLogEntry.FIND, user=self.request.user, counts=found.counts)
            context["export_form"] = ExportForm(
                initial={"q": found.query, "language": self.request.LANGUAGE_CODE}
            )
            context["refusal"] = refusal_reason(found)
        context.update(
            form=form,
            found=found,
            log=PrivacyLogEntry.objects.select_related("user")[:RECENT_LOG],
        )
        return context


class ExportView(PrivacyPermissionMixin, View):
    """The ZIP with person.json and person.html (POST: every export is logged)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ExportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Search for the person first, then export."))
            return redirect("privacy:find")
        content = export_person(
            query=form.cleaned_data["q"],
            user=request.user,
            language=form.cleaned_data["language"],
            reference=form.cleaned_data["reference"],
        )
        response = HttpResponse(content, content_type="application/zip")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.zip"'
        return response


class EraseView(PrivacyPermissionMixin, TemplateView):
    """What an erasure of ``?q=`` would change, and the form that erases it."""

    template_name = "privacy/erase.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        query = (form.data.get("q") if form is not None else self.request.GET.get("q")) or ""
        found = find_person(query[:200]) if query.strip() else None
        if found is not None and form is None:
            log_use(action=PrivacyLogEntry.FIND, user=self.request.user, counts=found.counts)
        context.update(
            form=form or EraseForm(initial={"q": query}),
            found=found,
            refusal=refusal_reason(found) if found else None,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = EraseForm(request.POST)
        if form.is_valid():
            query = form.cleaned_data["q"]
            try:
                counts = erase_person(
                    query=query, user=request.user, reference=form.cleaned_data["reference"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "The person was erased: %(contacts)s contacts, %(history)s history "
                        "rows, %(mentions)s mentions and %(files)s files."
                    )
                    % {
                        "contacts": counts["contacts"],
                        "history": counts["contact_history"] + counts["history_mentions"],
                        "mentions": counts["mentions"],
                        "files": counts["uploads"] + counts["export_files"],
                    },
                )
                return redirect(find_url(query))
        return self.render_to_response(self.get_context_data(form=form))


class RetentionView(PrivacyPermissionMixin, TemplateView):
    """The retention dry run (what would be anonymised or deleted) and the button that runs
    it as a job."""

    template_name = "privacy/retention.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = retention_report()
        log_use(
            action=PrivacyLogEntry.RETENTION_REPORT,
            user=self.request.user,
            counts=report["counts"],
        )
        context.update(
            report=report,
            runs=RetentionRun.objects.select_related("created_by")[:10],
        )
        return context

    def post(self, request, *args, **kwargs):
        run = retention_run_start(user=request.user)
        return redirect("privacy:retention_run", pk=run.pk)


class RetentionRunView(PrivacyPermissionMixin, TemplateView):
    """A retention run: progress while it runs (htmx polls), then what it changed."""

    template_name = "privacy/retention_run.html"

    def get_context_data(self, **kwargs):
        run = get_object_or_404(RetentionRun, pk=self.kwargs["pk"])
        run.fail_if_stale()
        return {**super().get_context_data(**kwargs), "run": run}

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.htmx and not context["run"].is_active:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return self.render_to_response(context)


class RecordsView(PrivacyPermissionMixin, TemplateView):
    """The records of processing (GDPR article 30), drawn from the models."""

    template_name = "privacy/records.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "records": records(),
            "retention_settings": retention_settings(),
        }
