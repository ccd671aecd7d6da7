from django.urls import path
from django.views.generic import TemplateView

app_name = "activities"

urlpatterns = [
    path(
        "", TemplateView.as_view(template_name="activities/placeholder.html"), name="activity_list"
    ),
]
