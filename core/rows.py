"""Rows of a list page read as values, not as model objects.

A list page of 25 customers with their owners and industries built 75 model instances, some
90 µs of CPU per row (a customer has some forty fields, each set up on every instance), to
show eight values a row: a third of the page's own work. The list views read their page with
``values()`` instead and give the template one ``Row`` per line.
"""


class Row(dict):
    """A list page's row: a dict, so the template finds each value with one look-up, whose
    values can also be read as attributes (``row.name``) by Python code and tests."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def user_label(first_name, last_name, username):
    """A user's name as ``User.get_full_name() or username`` gives it, from the three columns
    read as values (the owner of a list row, an option of an owner select)."""
    return f"{first_name} {last_name}".strip() or username
