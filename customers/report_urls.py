"""URLs under /reports/ (namespace ``reports``)."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "reports"

urlpatterns = [
    path(
        "customers/",
        TemplateView.as_view(template_name="customers/report_placeholder.html"),
        name="customer_report",
    ),
]
