from django.urls import path

from .views import customers, history

app_name = "customers"

urlpatterns = [
    path("", customers.CustomerListView.as_view(), name="customer_list"),
    path("new/", customers.CustomerCreateView.as_view(), name="customer_create"),
    path("<int:pk>/", customers.CustomerDetailView.as_view(), name="customer_detail"),
    path("<int:pk>/edit/", customers.CustomerDetailsUpdateView.as_view(), name="customer_update"),
    path(
        "<int:pk>/description/",
        customers.CustomerDescriptionUpdateView.as_view(),
        name="customer_description",
    ),
    path(
        "<int:pk>/inactivate/",
        customers.CustomerSetActiveView.as_view(is_active=False),
        name="customer_inactivate",
    ),
    path(
        "<int:pk>/reactivate/",
        customers.CustomerSetActiveView.as_view(is_active=True),
        name="customer_reactivate",
    ),
    path("<int:pk>/delete/", customers.CustomerDeleteView.as_view(), name="customer_delete"),
    path(
        "<int:pk>/settings/", customers.CustomerSettingsTabView.as_view(), name="customer_settings"
    ),
    path("<int:pk>/history/", history.CustomerHistoryTabView.as_view(), name="customer_history"),
]
