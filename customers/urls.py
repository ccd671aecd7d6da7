from django.urls import path

from .views import customers, history

app_name = "customers"

urlpatterns = [
    path("", customers.CustomerListView.as_view(), name="customer_list"),
    path("<int:pk>/", customers.CustomerDetailView.as_view(), name="customer_detail"),
    path(
        "<int:pk>/settings/", customers.CustomerSettingsTabView.as_view(), name="customer_settings"
    ),
    path("<int:pk>/history/", history.CustomerHistoryTabView.as_view(), name="customer_history"),
]
