from django.urls import path

from .views import addresses, contacts, customers, history, settings_tab

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
        "<int:pk>/settings/",
        settings_tab.CustomerSettingsTabView.as_view(),
        name="customer_settings",
    ),
    path("<int:pk>/history/", history.CustomerHistoryTabView.as_view(), name="customer_history"),
    # Addresses and contacts on the Contact details tab.
    path("<int:pk>/addresses/new/", addresses.AddressCreateView.as_view(), name="address_create"),
    path(
        "<int:pk>/addresses/head-office/",
        addresses.AddressMakeHeadOfficeView.as_view(),
        name="address_make_head_office",
    ),
    path(
        "<int:pk>/addresses/<int:address_pk>/edit/",
        addresses.AddressUpdateView.as_view(),
        name="address_update",
    ),
    path(
        "<int:pk>/addresses/<int:address_pk>/delete/",
        addresses.AddressDeleteView.as_view(),
        name="address_delete",
    ),
    path(
        "<int:pk>/addresses/<int:address_pk>/default-billing/",
        addresses.AddressSetDefaultBillingView.as_view(),
        name="address_set_default_billing",
    ),
    path("<int:pk>/contacts/new/", contacts.ContactCreateView.as_view(), name="contact_create"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/edit/",
        contacts.ContactUpdateView.as_view(),
        name="contact_update",
    ),
    path(
        "<int:pk>/contacts/<int:contact_pk>/delete/",
        contacts.ContactDeleteView.as_view(),
        name="contact_delete",
    ),
    path(
        "<int:pk>/contacts/<int:contact_pk>/active/",
        contacts.ContactToggleActiveView.as_view(),
        name="contact_toggle_active",
    ),
]
