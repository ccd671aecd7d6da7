"""Admin list columns shared by the apps' admins."""

from django.contrib import admin


def person_column(field, description):
    """An admin list column showing the user in ``field`` by full name (username when the
    user has none), as every page of the app shows people; sorted by first name."""

    @admin.display(description=description, ordering=f"{field}__first_name")
    def column(obj):
        user = getattr(obj, field)
        if user is None:
            return "–"
        return user.get_full_name() or user.get_username()

    column.__name__ = f"{field}_full_name"
    return column
