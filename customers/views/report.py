"""The customer report (/reports/customers/): filters, chosen columns, exports, bulk actions."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_countries import countries

from core.url_cache import pk_url
from core.widgets import use_name_choices, use_user_choices

from .. import exports
from ..background.jobs import report_job_cancel, report_job_retry, report_job_start
from ..filters_report import CustomerReportFilter, owner_choice_rows
from ..models import Customer, GroupingOption, ReportJob
from ..permissions import VIEW, may_edit_customers
from ..selectors.groupings import grouping_options_for_choice
from ..selectors.report import (
    COLUMNS,
    COLUMNS_BY_KEY,
    CONTACT_COLUMNS,
    DEFAULT_COLUMNS,
    EXPORT_COLUMNS,
    contact_rows,
    customer_rows,
    customer_values,
    in_page_order,
    page_rows,
    report_contacts,
)
from ..services.groupings import (
    grouping_option_add,
    grouping_option_add_preview,
    grouping_option_remove,
    grouping_option_remove_preview,
)

# Query parameters that are not filters: kept out of links that rebuild the filter.
NON_FILTER_PARAMS = {"page", "cols", "kind", "format", "delimiter"}


class ColumnsForm(forms.Form):
    cols = forms.MultipleChoiceField(
        label=gettext_lazy("Columns"),
        choices=[(c.key, c.label) for c in COLUMNS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def chosen(self):
        keys = self.cleaned_data.get("cols") if self.is_valid() else None
        keys = keys or DEFAULT_COLUMNS
        return [COLUMNS_BY_KEY[key] for key in COLUMNS_BY_KEY if key in keys]


def filter_query(querydict):
    """The filter part of a query string (without page, columns and export choices)."""
    query = querydict.copy()
    for name in NON_FILTER_PARAMS:
        query.pop(name, None)
    return query


def report_filterset(user, data, *, base=None):
    base = Customer.objects.visible_to(user) if base is None else base
    # (name, id) matches the customer_name_id_idx index, so a page is read in index order.
    return CustomerReportFilter(data, queryset=base.order_by("name", "pk"))


class CountedPaginator(Paginator):
    """A paginator told its count: counting the plain filtered queryset avoids the head-office
    join that the page's rows need."""

    def __init__(self, object_list, per_page, *, count):
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self):
        return self._known_count


class ReportPermissionMixin(PermissionRequiredMixin):
    permission_required = VIEW
    raise_exception = True


# The report's model selects drawn from rows (core.widgets), with the texts their fields'
# ``label_from_instance`` gives.
REPORT_ROW_CHOICES = {
    "industry": use_name_choices,
    "owner": lambda field: use_user_choices(field, rows=owner_choice_rows),
}


class CustomerReportView(ReportPermissionMixin, TemplateView):
    """The filters on the left, the count and the chosen columns of the matching customers."""

    template_name = "customers/report/customer_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        request = self.request
        filterset = report_filterset(request.user, request.GET)
        columns_form = ColumnsForm({"cols": request.GET.getlist("cols")})
        columns = columns_form.chosen()
        count = filterset.qs.count()
        paginator = CountedPaginator(
            customer_values(in_page_order(filterset.qs, count), columns),
            settings.KUNDKORT_PAGE_SIZE,
            count=count,
        )
        page = paginator.get_page(request.GET.get("page"))
        rows = page_rows(page.object_list, columns)
        for row in rows:
            row["url"] = pk_url("customers:customer_detail", row["pk"])
        can_bulk = may_edit_customers(request.user)
        query = filter_query(request.GET)
        context.update(
            filterset=filterset,
            grouping_fields=[
                {
                    "category": category,
                    "field": filterset.form[name],
                    "choices": filterset.form.fields[name].choices,
                    "selected": {str(v) for v in filterset.form[name].value() or []},
                    "match": filterset.form[match_name],
                }
                for category, name, match_name in filterset.grouping_fields
            ],
            filter_selects=self.filter_selects(filterset.form),
            filter_inputs=[
                {
                    "name": name,
                    "type": kind,
                    "label": filterset.form.fields[name].label,
                    "value": filterset.form[name].value() or "",
                    "errors": filterset.form.errors.get(name),
                }
                for name, kind in [
                    ("city", "text"),
                    ("created_from", "date"),
                    ("created_to", "date"),
                ]
            ],
            columns_form=columns_form,
            columns=columns,
            chosen_column_keys=[c.key for c in columns],
            page_obj=page,
            paginator=paginator,
            rows=rows,
            count=paginator.count,
            filter_query=query.urlencode(),
            filter_params=[(k, v) for k, values in query.lists() for v in values],
            can_bulk=can_bulk,
            bulk_options=list(grouping_options_for_choice()) if can_bulk else [],
        )
        return context

    @staticmethod
    def filter_selects(form):
        """The filter's select lists as (value, label) strings, in the order drawn."""
        selects = []
        for name in ["industry", "owner", "country", "active"]:
            field = form.fields[name]
            if name == "country":
                choices = [("", _("All countries")), *countries]
            else:
                if name in REPORT_ROW_CHOICES:
                    REPORT_ROW_CHOICES[name](field)  # read as rows, not model objects
                choices = [(str(value), str(label)) for value, label in field.widget.choices]
            value = form[name].value()
            selects.append(
                {
                    "name": name,
                    "label": field.label,
                    "choices": choices,
                    "value": "" if value is None else str(value),
                }
            )
        return selects


EXPORT_KINDS = {"customers", "contacts", "mailing"}
EXPORT_FORMATS = {"csv", "xlsx"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_table(user, query):
    """(file name stem, sheet title, header, rows, row count) of the export ``query`` asks."""
    kind = query.get("kind", "customers")
    customers = report_filterset(user, filter_query(query)).qs
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "customers":
        header = [str(column.label) for column in EXPORT_COLUMNS]
        return f"customers-{stamp}", _("Customers"), header, customers, EXPORT_COLUMNS
    contacts = report_contacts(customers_qs=customers, user=user, mailing_list=kind == "mailing")
    header = [str(label) for label, _path, _get in CONTACT_COLUMNS]
    basename = f"{'mailing-list' if kind == 'mailing' else 'contacts'}-{stamp}"
    return basename, _("Contacts"), header, contacts, None


def export_rows(rows_qs, columns):
    return customer_rows(rows_qs, columns) if columns is not None else contact_rows(rows_qs)


# Rows between two progress reports of an export job.
EXPORT_PROGRESS_ROWS = 1000


def _counted(rows, total, progress):
    """``rows``, reporting ``progress("rows", done, total)`` every ``EXPORT_PROGRESS_ROWS``
    (between two fetches of the rows' cursor: the connection is free then)."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if not done % EXPORT_PROGRESS_ROWS:
            progress("rows", done, max(total, done))
    progress("rows", done, max(total, done))


def export_file(user, query, progress=None):
    """The whole export as (file name, content type, bytes): for the export job, whose
    ``progress(phase, done, total)`` hears how many rows are written."""
    basename, title, header, rows_qs, columns = export_table(user, query)
    rows = export_rows(rows_qs, columns)
    if progress is not None:
        total = rows_qs.count()
        progress("rows", 0, total)
        rows = _counted(rows, total, progress)
    if query.get("format", "csv") == "xlsx":
        return f"{basename}.xlsx", XLSX_TYPE, exports.xlsx_bytes(header, rows, title=title)
    delimiter = exports.CSV_DELIMITERS.get(query.get("delimiter"), ";")
    content = exports.csv_text(header, rows, delimiter=delimiter).encode("utf-8")
    return f"{basename}.csv", "text/csv; charset=utf-8", content


class CustomerReportExportView(ReportPermissionMixin, View):
    """Download the matching customers, or their contacts, as CSV or XLSX; an export of more
    than ``KUNDKORT_EXPORT_JOB_ROWS`` rows is made by a job, with a download link when ready."""

    def get(self, request, *args, **kwargs):
        kind = request.GET.get("kind", "customers")
        file_format = request.GET.get("format", "csv")
        if kind not in EXPORT_KINDS or file_format not in EXPORT_FORMATS:
            return HttpResponse(_("Unknown export."), status=400, content_type="text/plain")
        basename, title, header, rows_qs, columns = export_table(request.user, request.GET)
        if rows_qs.count() > settings.KUNDKORT_EXPORT_JOB_ROWS:
            job = report_job_start(
                user=request.user, kind=ReportJob.EXPORT, params=request.GET.dict()
            )
            return HttpResponseRedirect(reverse("reports:job_detail", args=[job.pk]))
        rows = export_rows(rows_qs, columns)
        if file_format == "xlsx":
            response = HttpResponse(
                exports.xlsx_bytes(header, rows, title=title), content_type=XLSX_TYPE
            )
            filename = f"{basename}.xlsx"
        else:
            delimiter = exports.CSV_DELIMITERS.get(request.GET.get("delimiter"), ";")
            response = StreamingHttpResponse(
                exports.csv_stream(header, rows, delimiter=delimiter),
                content_type="text/csv; charset=utf-8",
            )
            filename = f"{basename}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


ACTION_ADD = "add"
ACTION_REMOVE = "remove"
SCOPE_SELECTED = "selected"
SCOPE_ALL = "all"


class BulkGroupingForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(ACTION_ADD, gettext_lazy("Add")), (ACTION_REMOVE, gettext_lazy("Remove"))]
    )
    option = forms.ModelChoiceField(
        label=gettext_lazy("Grouping option"),
        queryset=GroupingOption.objects.select_related("category"),
        error_messages={"required": gettext_lazy("Choose the grouping option.")},
    )
    scope = forms.ChoiceField(
        choices=[
            (SCOPE_SELECTED, gettext_lazy("Selected customers")),
            (SCOPE_ALL, gettext_lazy("All matching customers")),
        ]
    )
    query = forms.CharField(required=False)
    confirmed = forms.BooleanField(required=False)

    def clean(self):
        cleaned = super().clean()
        ids = []
        for value in self.data.getlist("customers"):
            try:
                ids.append(int(value))
            except (TypeError, ValueError):
                continue
        cleaned["customers"] = ids
        if cleaned.get("scope") == SCOPE_SELECTED and not ids:
            raise ValidationError(
                _("Tick the customers to change, or choose all matching customers.")
            )
        option = cleaned.get("option")
        if (
            option is not None
            and cleaned.get("action") == ACTION_ADD
            and not (option.is_active and option.category.is_active)
        ):
            raise ValidationError(
                _("%(option)s is no longer in use and cannot be added.") % {"option": option}
            )
        return cleaned


class CustomerReportBulkView(ReportPermissionMixin, TemplateView):
    """Add or remove a grouping option on the selected or all matching customers.

    The first POST shows how many customers will change; the confirming POST makes the
    change in one transaction. Only customers the user may edit are touched.
    """

    template_name = "customers/report/bulk_confirm.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not may_edit_customers(request.user):
            raise PermissionDenied
        form = BulkGroupingForm(request.POST)
        report_url = reverse("reports:customer_report")
        if not form.is_valid():
            for error in form.errors.values():
                for message in error:
                    messages.error(request, message)
            query = QueryDict(request.POST.get("query", "")).urlencode()
            return HttpResponseRedirect(f"{report_url}?{query}")
        data = form.cleaned_data
        query = QueryDict(data["query"] or "")
        back_url = f"{report_url}?{query.urlencode()}" if query else report_url
        matching = report_filterset(request.user, filter_query(query)).qs
        editable = report_filterset(
            request.user, filter_query(query), base=Customer.objects.editable_by(request.user)
        ).qs
        if data["scope"] == SCOPE_SELECTED:
            matching = matching.filter(pk__in=data["customers"])
            editable = editable.filter(pk__in=data["customers"])
        option = data["option"]
        if data["confirmed"] and editable.count() > settings.KUNDKORT_BULK_JOB_CUSTOMERS:
            job = report_job_start(
                user=request.user,
                kind=ReportJob.BULK_GROUPING,
                params={
                    "action": data["action"],
                    "option": option.pk,
                    "scope": data["scope"],
                    "customers": data["customers"],
                    "query": data["query"] or "",
                },
            )
            return HttpResponseRedirect(reverse("reports:job_detail", args=[job.pk]))
        if data["confirmed"]:
            if data["action"] == ACTION_ADD:
                changed = grouping_option_add(
                    customers_qs=editable, option=option, user=request.user
                )
                message = _("%(option)s was added to %(count)s customers.")
            else:
                changed = grouping_option_remove(
                    customers_qs=editable, option=option, user=request.user
                )
                message = _("%(option)s was removed from %(count)s customers.")
            messages.success(request, message % {"option": option, "count": changed})
            return HttpResponseRedirect(back_url)
        replaced = 0
        if data["action"] == ACTION_ADD:
            change_count, replaced = grouping_option_add_preview(
                customers_qs=editable, option=option
            )
        else:
            change_count = grouping_option_remove_preview(customers_qs=editable, option=option)
        matching_count = matching.count()
        editable_count = editable.count()
        context = self.get_context_data(
            form=form,
            option=option,
            action=data["action"],
            scope=data["scope"],
            selected=data["customers"],
            query=data["query"] or "",
            back_url=back_url,
            change_count=change_count,
            replaced_count=replaced,
            matching_count=matching_count,
            not_editable_count=matching_count - editable_count,
        )
        return self.render_to_response(context)


def bulk_grouping_targets(user, params):
    """The customers a bulk grouping change acts on: matching, editable by ``user``."""
    query = QueryDict(params.get("query") or "")
    editable = report_filterset(
        user, filter_query(query), base=Customer.objects.editable_by(user)
    ).qs
    if params.get("scope") == SCOPE_SELECTED:
        editable = editable.filter(pk__in=params.get("customers") or [])
    return editable


class ReportJobView(ReportPermissionMixin, TemplateView):
    """A report job of the user's: its progress (htmx polls the progress box), then the result
    or the download link."""

    template_name = "customers/report/job.html"

    def get_context_data(self, **kwargs):
        job = get_object_or_404(ReportJob, pk=self.kwargs["pk"], created_by=self.request.user)
        job.fail_if_stale()
        return {**super().get_context_data(**kwargs), "job": job}

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.htmx:
            if context["job"].is_active:  # the progress box only
                return self.response_class(
                    request,
                    "customers/report/job_progress.html",
                    context,
                    using=self.template_engine,
                )
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return self.render_to_response(context)


class ReportJobActionView(ReportPermissionMixin, View):
    """A button on a job's page of the user's (``action(job=...)``), then back to the page."""

    http_method_names = ["post"]
    action = None
    refused = ""

    def post(self, request, *args, **kwargs):
        job = get_object_or_404(ReportJob, pk=kwargs["pk"], created_by=request.user)
        if not type(self).action(job=job):
            messages.warning(request, self.refused)
        return HttpResponseRedirect(reverse("reports:job_detail", args=[job.pk]))


class ReportJobCancelView(ReportJobActionView):
    action = report_job_cancel
    refused = gettext_lazy("The job has ended already.")


class ReportJobRetryView(ReportJobActionView):
    action = report_job_retry
    refused = gettext_lazy("Only a failed or cancelled job can be tried again.")


class ReportJobDownloadView(ReportPermissionMixin, View):
    """The file an export job made, for the user who asked for it."""

    def get(self, request, *args, **kwargs):
        job = get_object_or_404(
            ReportJob, pk=kwargs["pk"], created_by=request.user, status=ReportJob.DONE
        )
        if job.content is None:
            raise Http404
        response = HttpResponse(bytes(job.content), content_type=job.content_type)
        response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
        return response
