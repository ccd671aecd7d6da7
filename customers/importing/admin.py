"""The customer import and export in the admin, on django-import-export's pages and buttons.

django-import-export gives the Import and Export buttons on the customer list, the forms, the
format choice, the permission checks (IMPORT_EXPORT_IMPORT_PERMISSION_CODE / EXPORT_...) and the
temporary storage of the file between the review and the confirm. The rows are not run through
its Resource pipeline (about 600 rows/s, a query or more per row): ``import_action`` (the
review) and the run pages queue background jobs (``jobs.py``) that call ``run_import``, which
plans and writes in bulk: upload → review job (progress polled by htmx) → review → confirm job →
result, with the import history, the errors as CSV, the kept file and undo beside it.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from .. import exports
from ..models import ImportUpload
from ..resources import CustomerImportExportResource, headers, template_rows
from .engine import ImportOptions
from .models import UNDO, ImportRun
from .presenters import PHASE_LABELS, import_summary, review_context, row_progress  # noqa: F401
from .reader import ImportFileError, check_size
from .runs import (
    import_run_cancel,
    import_run_confirm,
    import_run_retry,
    import_run_start,
    import_run_undo,
    import_runs_fail_stale,
)
from .storage import DatabaseUploadStorage

# The review page lists this many errors (and ``jobs.SHOW_ROWS`` rows); the counts and the
# errors CSV always cover the whole file.
SHOW_ERRORS = 5000

CREATE_MISSING_HELP = gettext_lazy(
    "Industries, contact roles, grouping categories and options, payment terms, invoice "
    "templates and price lists named in the file but not set up are created. Off: they are "
    "errors. Customer owners are never created."
)
UPDATE_EXISTING_HELP = gettext_lazy(
    "Customers the file finds (by number, else by name) get the file's values for their own "
    "fields. Off: their fields stay as they are and the review lists the skipped changes; "
    "addresses, contacts and groupings are added either way."
)


class CustomerImportForm(ImportForm):
    """The upload form with the importer's two switches."""

    create_missing = forms.BooleanField(
        label=gettext_lazy("Create missing values"), required=False, help_text=CREATE_MISSING_HELP
    )
    update_existing = forms.BooleanField(
        label=gettext_lazy("Update existing customers' details"),
        required=False,
        help_text=UPDATE_EXISTING_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # django-import-export has no Swedish translation: give its fields our own labels.
        self.fields["import_file"].label = _("File to import")
        self.fields["format"].label = _("Format")

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size)
        except ImportFileError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload


class CustomerConfirmImportForm(ConfirmImportForm):
    """The confirm form carries the switches the review was made with."""

    create_missing = forms.BooleanField(required=False, widget=forms.HiddenInput)
    update_existing = forms.BooleanField(required=False, widget=forms.HiddenInput)


class ExcelCSV(CSV):
    """CSV as Swedish Excel opens it: semicolons (the importer reads either delimiter)."""

    def export_data(self, dataset, **kwargs):
        kwargs.setdefault("delimiter", ";")
        return super().export_data(dataset, **kwargs)


# "Create missing values" adds lookups: only for users who may add every kind it creates.
CREATE_MISSING_PERMISSIONS = (
    "customers.add_industry",
    "customers.add_contactrole",
    "customers.add_groupingcategory",
    "customers.add_groupingoption",
    "customers.add_paymentterm",
    "customers.add_invoicetemplate",
    "customers.add_pricelist",
)


def _options(form):
    return ImportOptions(
        create_missing=bool(form.cleaned_data.get("create_missing")),
        update_existing=bool(form.cleaned_data.get("update_existing")),
    )


class CustomerImportExportMixin(ImportExportMixin):
    """Add to the Customer ModelAdmin: Import (review, confirm), Export and the template."""

    resource_classes = [CustomerImportExportResource]
    formats = [ExcelCSV, XLSX]
    import_form_class = CustomerImportForm
    confirm_form_class = CustomerConfirmImportForm
    export_form_class = ExportForm
    import_template_name = "admin/customers/customer/import.html"
    tmp_storage_class = DatabaseUploadStorage
    to_encoding = "utf-8-sig"  # a BOM, so Excel reads the UTF-8 CSV as UTF-8

    def get_urls(self):
        info = self.get_model_info()

        def url(route, view, name):
            return path(
                route, self.admin_site.admin_view(view), name="{}_{}_{}".format(*info, name)
            )

        return [
            url("import/template.<str:kind>", self.import_template_view, "import_template"),
            url("imports/", self.import_history_view, "import_history"),
            url("imports/<int:run_id>/", self.import_run_view, "import_run"),
            url("imports/<int:run_id>/progress/", self.import_progress_view, "import_progress"),
            url("imports/<int:run_id>/confirm/", self.import_run_confirm_view, "import_confirm"),
            url("imports/<int:run_id>/cancel/", self.import_run_cancel_view, "import_cancel"),
            url("imports/<int:run_id>/retry/", self.import_run_retry_view, "import_retry"),
            url("imports/<int:run_id>/undo/", self.import_run_undo_view, "import_undo"),
            url("imports/<int:run_id>/errors.csv", self.import_errors_view, "import_errors"),
            url("imports/<int:run_id>/file/", self.import_file_view, "import_file"),
            *super().get_urls(),
        ]

    def import_template_view(self, request, kind):
        """The headers and one example row, as CSV (semicolons, for Excel) or XLSX."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if kind == "xlsx":
            response = HttpResponse(
                exports.xlsx_bytes(headers(), template_rows(), title=_("Customers")),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        elif kind == "csv":
            response = HttpResponse(
                exports.csv_text(headers(), template_rows()).encode("utf-8"),
                content_type="text/csv; charset=utf-8",
            )
        else:
            raise PermissionDenied
        response["Content-Disposition"] = f'attachment; filename="customer-import-template.{kind}"'
        return response

    def _context(self, request, form, **extra):
        context = self.get_import_context_data()
        context.update(self.admin_site.each_context(request))
        context.update(
            title=_("Import customers"),
            form=form,
            opts=self.model._meta,
            media=self.media + form.media,
            columns=headers(),
            **extra,
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def import_action(self, request, **kwargs):
        """The upload form; on POST the file is kept and its review queued as a job."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        if request.method != "POST" or not form.is_valid():
            return self._context(request, form)
        if form.cleaned_data.get("create_missing") and not request.user.has_perms(
            CREATE_MISSING_PERMISSIONS
        ):
            form.add_error(
                "create_missing",
                _(
                    "You may not create missing values: that needs the right to add industries, "
                    "contact roles, groupings, payment terms, invoice templates and price lists. "
                    "Untick it, or ask an administrator."
                ),
            )
            return self._context(request, form)
        upload = form.cleaned_data["import_file"]
        options = _options(form)
        run = import_run_start(
            user=request.user,
            file_name=upload.name,
            content=b"".join(upload.chunks()),
            create_missing=options.create_missing,
            update_existing=options.update_existing,
        )
        return HttpResponseRedirect(self._run_url(run))

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """import-export's confirm URL: confirming is per run now (``import_run_confirm_view``)."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("admin:customers_customer_import_history"))

    # -- runs: the review, confirm and undo jobs and the import history ---------------------
    def _run_url(self, run, view="import_run"):
        return reverse(f"admin:customers_customer_{view}", args=[run.pk])

    def _runs(self, request):
        """The runs ``request.user`` may see: their own; administrators see every one."""
        runs = ImportRun.objects.select_related("created_by", "undone_by")
        if request.user.is_superuser:
            return runs
        return runs.filter(created_by=request.user)

    def _run(self, request, run_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        run = get_object_or_404(self._runs(request), pk=run_id)
        import_runs_fail_stale([run])
        return run

    def may_undo(self, request):
        """Undo removes customers and restores their fields: import, change and delete rights."""
        return self.has_import_permission(request) and request.user.has_perms(
            ("customers.change_customer", "customers.delete_customer")
        )

    def _run_context(self, request, run, **extra):
        context = self.admin_site.each_context(request)
        context.update(
            title=_("Import of %(file)s") % {"file": run.file_name},
            opts=self.model._meta,
            run=run,
            may_undo=self.may_undo(request),
            phase_label=PHASE_LABELS.get(run.phase, ""),
            rows=row_progress(run),
        )
        context.update(extra)
        request.current_app = self.admin_site.name
        return context

    def import_run_view(self, request, run_id):
        """One import: its progress while a job runs, then the review, the result or why not."""
        run = self._run(request, run_id)
        extra = review_context(run, show_errors=SHOW_ERRORS) if run.report else {}
        return TemplateResponse(
            request,
            "admin/customers/customer/import_run.html",
            self._run_context(request, run, **extra),
        )

    def import_progress_view(self, request, run_id):
        """The progress box, polled by htmx; a finished job reloads the whole page."""
        run = self._run(request, run_id)
        if not run.is_active and request.htmx:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return TemplateResponse(
            request,
            "admin/customers/customer/import_progress.html",
            self._run_context(request, run),
        )

    @method_decorator(require_POST)
    def import_run_confirm_view(self, request, run_id):
        run = self._run(request, run_id)
        if run.create_missing and not request.user.has_perms(CREATE_MISSING_PERMISSIONS):
            raise PermissionDenied
        if not import_run_confirm(run=run, user=request.user):
            messages.warning(request, _("This file is not waiting for a confirm (any more)."))
        return HttpResponseRedirect(self._run_url(run))

    @method_decorator(require_POST)
    def import_run_cancel_view(self, request, run_id):
        run = self._run(request, run_id)
        if import_run_cancel(run=run, user=request.user):
            messages.info(
                request, _("The review of %(file)s is cancelled.") % {"file": run.file_name}
            )
        else:
            messages.warning(
                request, _("Only a review can be cancelled, and only before it is imported.")
            )
        return HttpResponseRedirect(self._run_url(run))

    @method_decorator(require_POST)
    def import_run_retry_view(self, request, run_id):
        run = self._run(request, run_id)
        if run.stage == UNDO and not self.may_undo(request):
            raise PermissionDenied
        if not import_run_retry(run=run, user=request.user):
            messages.warning(
                request, _("Only a failed job whose file is still kept can be tried again.")
            )
        return HttpResponseRedirect(self._run_url(run))

    @method_decorator(require_POST)
    def import_run_undo_view(self, request, run_id):
        if not self.may_undo(request):
            raise PermissionDenied
        run = self._run(request, run_id)
        only_untouched = request.POST.get("only_untouched") == "1"
        if not import_run_undo(run=run, user=request.user, only_untouched=only_untouched):
            messages.warning(request, _("Only a confirmed import can be undone, once."))
        return HttpResponseRedirect(self._run_url(run))

    def import_history_view(self, request):
        """Every import the user may see, newest first, 50 a page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        paginator = Paginator(self._runs(request), 50)
        page = paginator.get_page(request.GET.get("page"))
        import_runs_fail_stale(page.object_list)
        context = self.admin_site.each_context(request)
        context.update(title=_("Import history"), opts=self.model._meta, page=page)
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/customers/customer/import_history.html", context)

    def import_errors_view(self, request, run_id):
        """The review's errors as CSV: row, column, value, problem (formulas escaped)."""
        run = self._run(request, run_id)
        header = [_("Row"), _("Column"), _("Value"), _("Problem")]
        response = StreamingHttpResponse(
            exports.csv_stream(header, run.get_report()["errors"]),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
        return response

    def import_file_view(self, request, run_id):
        """The uploaded file, to its uploader and administrators, while it is kept."""
        run = self._run(request, run_id)
        if run.upload_id is None:
            raise Http404
        content = ImportUpload.objects.filter(pk=run.upload_id).values_list("content", flat=True)
        response = HttpResponse(bytes(content[0]), content_type="application/octet-stream")
        ascii_name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in run.file_name)
        response["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
        return response

    def _blank_import_form(self, request):
        return self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["max_file_size"] = filesizeformat(settings.KUNDKORT_IMPORT_MAX_FILE_SIZE)
        context["max_rows"] = settings.KUNDKORT_IMPORT_MAX_ROWS
        return context
