"""Roles: the levels as groups, "Edit own customers only" everywhere, and users in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from customers import roles
from customers.models import Address, Contact, Customer
from customers.permissions import is_restricted_to_own, may_edit_customer
from tests.factories import AddressFactory, ContactFactory, CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_group_exists():
    assert set(roles.ROLE_NAMES) <= set(Group.objects.values_list("name", flat=True))


def test_edit_own_user_may_edit_only_owned_customers(make_user):
    user = make_user(roles.EDIT, roles.OWN_ONLY)
    own = CustomerFactory(owner=user)
    other = CustomerFactory()
    assert list(Customer.objects.editable_by(user)) == [own]
    assert may_edit_customer(user, own)
    assert not may_edit_customer(user, other)


def test_edit_own_user_still_sees_every_customer(make_user):
    user = make_user(roles.EDIT, roles.OWN_ONLY)
    CustomerFactory(owner=user)
    CustomerFactory()
    assert Customer.objects.visible_to(user).count() == 2


def test_edit_own_user_may_edit_only_addresses_and_contacts_of_owned_customers(make_user):
    user = make_user(roles.EDIT, roles.OWN_ONLY)
    own = CustomerFactory(owner=user)
    other = CustomerFactory()
    own_address = AddressFactory(customer=own)
    AddressFactory(customer=other)
    own_contact = ContactFactory(customer=own)
    ContactFactory(customer=other)
    assert list(Address.objects.editable_by(user)) == [own_address]
    assert list(Contact.objects.editable_by(user)) == [own_contact]


def test_superuser_is_never_restricted_to_own_customers(make_user):
    superuser = make_user(roles.OWN_ONLY, is_superuser=True, is_staff=True)
    other = CustomerFactory()
    assert not is_restricted_to_own(superuser)
    assert may_edit_customer(superuser, other)
    assert list(Customer.objects.editable_by(superuser)) == [other]


def test_read_only_user_may_edit_nothing(readonly_user):
    customer = CustomerFactory()
    assert not may_edit_customer(readonly_user, customer)
    assert not Customer.objects.editable_by(readonly_user).exists()


def test_user_without_role_sees_no_customer(no_rights_user):
    CustomerFactory()
    assert not Customer.objects.visible_to(no_rights_user).exists()


def test_admin_user_page_explains_the_permission_levels(client, superuser):
    user = UserFactory(username="newcomer")
    client.force_login(superuser)
    with translation.override("en"):
        response = client.get(
            reverse("admin:auth_user_change", args=[user.pk]), HTTP_ACCEPT_LANGUAGE="en"
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Permission levels for customers" in body
    for role in roles.ROLE_NAMES:
        assert role in body


def test_admin_assigns_roles_to_a_user(client, superuser):
    user = UserFactory(username="newcomer")
    client.force_login(superuser)
    groups = Group.objects.filter(name__in=[roles.EDIT, roles.OWN_ONLY])
    response = client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": "on",
            "groups": [g.pk for g in groups],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(user.groups.values_list("name", flat=True)) == {roles.EDIT, roles.OWN_ONLY}
    user = type(user).objects.get(pk=user.pk)
    assert is_restricted_to_own(user)


def test_admin_user_list_shows_roles(client, superuser, make_user):
    make_user(roles.READ_ONLY, username="listed")
    client.force_login(superuser)
    body = client.get(reverse("admin:auth_user_changelist")).content.decode()
    # The Swedish admin names the role in Swedish.
    assert "Kunder: Endast läsa" in body


def test_edit_own_staff_user_sees_others_customers_read_only_in_the_admin(client, make_user):
    user = make_user(roles.EDIT, roles.OWN_ONLY, is_staff=True)
    own = CustomerFactory(owner=user, name="Own AB")
    other = CustomerFactory(name="Other AB")
    client.force_login(user)
    other_url = reverse("admin:customers_customer_change", args=[other.pk])
    response = client.post(other_url, {"name": "Taken AB", "number": other.number})
    assert response.status_code == 403
    assert Customer.objects.get(pk=other.pk).name == "Other AB"
    assert client.get(other_url).status_code == 200  # view only
    own_page = client.get(reverse("admin:customers_customer_change", args=[own.pk]))
    assert own_page.context["has_change_permission"] is True
    assert client.get(other_url).context["has_change_permission"] is False


def test_edit_own_staff_user_cannot_change_others_projects_or_move_one_to_them(client, make_user):
    from tests.factories import ProjectFactory

    user = make_user(roles.EDIT, roles.OWN_ONLY, is_staff=True)
    own = CustomerFactory(owner=user)
    other = CustomerFactory()
    own_project = ProjectFactory(customer=own, name="Own project")
    other_project = ProjectFactory(customer=other, name="Other project")
    client.force_login(user)
    other_url = reverse("admin:projects_project_change", args=[other_project.pk])
    assert client.get(other_url).context["has_change_permission"] is False
    assert client.post(other_url, {"name": "Taken"}).status_code == 403
    own_page = client.get(reverse("admin:projects_project_change", args=[own_project.pk]))
    form = own_page.context["adminform"].form
    assert list(form.fields["customer"].queryset) == [own]
