"""Numbering: the one function that hands out customer and project numbers.

A series ("customer", "project") is a ``NumberSequence`` row holding the next number to try.
``take_numbers`` locks that row (``select_for_update``) for the rest of the transaction, so two
writers at once on PostgreSQL take turns and never get the same number, and skips numbers that
are already taken: typed by a user, imported with the number given, or reserved by the caller
(``reserved``: numbers a file gives to customers it has not written yet). The form, the
importer, the project services and the scale seed all number through it.
"""

from django.db.models import Max

from .models import NumberSequence

# Candidate numbers checked against the table with one query, beyond those asked for.
_LOOKAHEAD = 1000

CUSTOMER_SERIES = "customer"
PROJECT_SERIES = "project"


def take_numbers(series, count, *, model, start, reserved=(), field="number", after_highest=False):
    """Reserve ``count`` free numbers of ``series`` and return them in ascending order.

    ``model.field`` is where numbers are taken; ``start`` is the first number of a series that
    has no sequence row yet. ``after_highest`` starts above the highest number taken (a block
    of consecutive numbers, as the scale seed wants) instead of filling gaps. Call inside a
    transaction: the sequence row stays locked until it ends, and the numbers are the caller's
    only if it commits.
    """
    if count <= 0:
        return []
    sequence = NumberSequence.objects.select_for_update().filter(key=series).first()
    if sequence is None:  # the series' first number: make its row, then lock it
        NumberSequence.objects.get_or_create(key=series, defaults={"next_value": start})
        sequence = NumberSequence.objects.select_for_update().get(key=series)
    numbers = []
    candidate = sequence.next_value
    if after_highest:
        highest = model._default_manager.aggregate(highest=Max(field))["highest"]
        candidate = max(candidate, (highest or 0) + 1)
    while len(numbers) < count:
        end = candidate + (count - len(numbers)) + _LOOKAHEAD
        lookup = {f"{field}__gte": candidate, f"{field}__lt": end}
        taken = set(
            model._default_manager.filter(**lookup).order_by().values_list(field, flat=True)
        )
        while candidate < end and len(numbers) < count:
            if candidate not in taken and candidate not in reserved:
                numbers.append(candidate)
            candidate += 1
    sequence.next_value = candidate
    sequence.save(update_fields=["next_value"])
    return numbers


def take_number(series, *, model, start, field="number"):
    """One free number of ``series`` (see ``take_numbers``)."""
    return take_numbers(series, 1, model=model, start=start, field=field)[0]
