"""factory-boy factories for every model the tests build."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from activities.models import Activity, ActivityType
from customers.models import (
    Address,
    Contact,
    ContactRole,
    Currency,
    Customer,
    GroupingCategory,
    GroupingOption,
    Industry,
    PaymentTerm,
)
from projects.models import Project, ProjectNote, SalesStatus


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """``UserFactory(roles=[roles.EDIT])`` puts the user in those permission groups."""
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Industry {n}")


class ContactRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactRole
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Role {n}")


class PaymentTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentTerm
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"{n} days net")
    days = 30


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    number = factory.Sequence(lambda n: 500000 + n)
    name = factory.Faker("company", locale="sv_SE")
    country = "SE"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    customer = factory.SubFactory(CustomerFactory)
    line1 = factory.Faker("street_address", locale="sv_SE")
    postal_code = factory.Faker("postcode", locale="sv_SE")
    city = factory.Faker("city", locale="sv_SE")
    country = "SE"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.Sequence(lambda n: f"contact{n}@example.com")


class GroupingCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupingCategory
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Category {n}")
    selection = GroupingCategory.MULTIPLE


class GroupingOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupingOption

    category = factory.SubFactory(GroupingCategoryFactory)
    name = factory.Sequence(lambda n: f"Option {n}")


def currency(code="SEK"):
    return Currency.objects.get_or_create(code=code, defaults={"name": code})[0]


class SalesStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SalesStatus
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Status {n}")
    category = SalesStatus.IN_PROGRESS
    probability = 50


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    number = factory.Sequence(lambda n: 900000 + n)
    name = factory.Faker("catch_phrase")
    customer = factory.SubFactory(CustomerFactory)
    kind = Project.SALES


class ProjectNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectNote

    project = factory.SubFactory(ProjectFactory)
    author = factory.SubFactory(UserFactory)
    text = factory.Faker("sentence")


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Type {n}")
    category = ActivityType.MEETING


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    subject = factory.Faker("sentence", nb_words=4)
    type = factory.SubFactory(ActivityTypeFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    customer = factory.SubFactory(CustomerFactory)
