"""URLs under /reports/ (namespace ``reports``)."""

from django.urls import path

from .views import report

app_name = "reports"

urlpatterns = [
    path("customers/", report.CustomerReportView.as_view(), name="customer_report"),
    path("customers/export/", report.CustomerReportExportView.as_view(), name="customer_export"),
    path("customers/bulk/", report.CustomerReportBulkView.as_view(), name="customer_bulk"),
    path("jobs/<int:pk>/", report.ReportJobView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/download/", report.ReportJobDownloadView.as_view(), name="job_download"),
    path("jobs/<int:pk>/cancel/", report.ReportJobCancelView.as_view(), name="job_cancel"),
    path("jobs/<int:pk>/retry/", report.ReportJobRetryView.as_view(), name="job_retry"),
]
