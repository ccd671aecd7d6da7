"""The customer import and export in the admin, on django-import-export's pages and buttons.

django-import-export gives the Import and Export buttons on the customer list, the forms, the
format choice, the permission checks (IMPORT_EXPORT_IMPORT_PERMISSION_CODE / EXPORT_...) and the
temporary storage of the file between the review and the confirm. The rows are not run through
its Resource pipeline (about 600 rows/s, a query or more per row): ``import_action`` (the
review) and ``process_import`` (the confirm) call ``run_import``, which plans and writes in bulk.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from .. import exports
from ..resources import CustomerImportExportResource, headers, template_rows
from .engine import ImportOptions, run_import
from .reader import ImportFileError, check_size
from .storage import DatabaseUploadStorage

# The review page lists this many rows and errors; the counts always cover the whole file.
SHOW_ROWS = 1000
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


def import_summary(file_name, result):
    """The message after a confirmed import, each count in its singular or plural form."""
    new = ngettext("%(count)s new customer", "%(count)s new customers", result.new_customers) % {
        "count": result.new_customers
    }
    updated = ngettext("%(count)s updated", "%(count)s updated", result.updated_customers) % {
        "count": result.updated_customers
    }
    addresses = ngettext("%(count)s address", "%(count)s addresses", result.addresses_added) % {
        "count": result.addresses_added
    }
    contacts = ngettext("%(count)s contact", "%(count)s contacts", result.contacts_added) % {
        "count": result.contacts_added
    }
    return _("Imported %(file)s: %(new)s, %(updated)s; %(addresses)s and %(contacts)s added.") % {
        "file": file_name,
        "new": new,
        "updated": updated,
        "addresses": addresses,
        "contacts": contacts,
    }


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
        return [
            path(
                "import/template.<str:kind>",
                self.admin_site.admin_view(self.import_template_view),
                name="{}_{}_import_template".format(*info),
            ),
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
            show_rows=SHOW_ROWS,
            show_errors=SHOW_ERRORS,
            columns=headers(),
            **extra,
        )
        result = extra.get("result")
        if result is not None:
            context["shown_rows"] = result.rows[:SHOW_ROWS]
            context["shown_errors"] = result.errors[:SHOW_ERRORS]
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def import_action(self, request, **kwargs):
        """The upload form, and on POST the review (a dry run that writes nothing)."""
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
        content = b"".join(upload.chunks())
        options = _options(form)
        result = run_import(
            content, file_name=upload.name, options=options, user=request.user, commit=False
        )
        extra = {"result": result}
        if not result.has_errors:
            storage = DatabaseUploadStorage(user=request.user, file_name=upload.name)
            storage.save(content, validated=result.validated)
            extra["confirm_form"] = self.confirm_form_class(
                initial={
                    "import_file_name": storage.name,
                    "original_file_name": upload.name,
                    "format": form.cleaned_data["format"],
                    "resource": form.cleaned_data.get("resource", ""),
                    "create_missing": options.create_missing,
                    "update_existing": options.update_existing,
                }
            )
        return self._context(request, form, **extra)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Confirm: import the reviewed file in one transaction, or show why not."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        if not confirm_form.is_valid():
            raise PermissionDenied
        if confirm_form.cleaned_data.get("create_missing") and not request.user.has_perms(
            CREATE_MISSING_PERMISSIONS
        ):
            raise PermissionDenied
        storage = DatabaseUploadStorage(
            name=confirm_form.cleaned_data["import_file_name"], user=request.user
        )
        content = storage.read()
        if content is None:
            messages.error(
                request,
                _(
                    "The reviewed file is no longer there (it was imported or expired). Upload it "
                    "again."
                ),
            )
            return HttpResponseRedirect(reverse("admin:customers_customer_import"))
        file_name = confirm_form.cleaned_data["original_file_name"]
        result = run_import(
            content,
            file_name=file_name,
            options=_options(confirm_form),
            user=request.user,
            commit=True,
            validated=storage.read_validated(),
        )
        if not result.committed:
            messages.error(
                request,
                _("Nothing was imported: the data changed since the review. See the errors."),
            )
            return self._context(request, self._blank_import_form(request), result=result)
        storage.remove()
        messages.success(request, import_summary(file_name, result))
        return HttpResponseRedirect(reverse("admin:customers_customer_changelist"))

    def _blank_import_form(self, request):
        return self.get_import_form_class(request)(
            self.get_import_formats(), self.get_import_resource_classes(request)
        )

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        context["max_file_size"] = filesizeformat(settings.KUNDKORT_IMPORT_MAX_FILE_SIZE)
        context["max_rows"] = settings.KUNDKORT_IMPORT_MAX_ROWS
        return context
