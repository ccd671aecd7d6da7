"""Planning a row's grouping options (``Category\\Option|Category\\Option``).

An option of a single-choice category replaces the customer's other option of that category
(``rules.replaced_options``, the rule the settings tab and the bulk actions use), when the
customer already has one and "Update existing customers' details" is on; a file that gives a
customer two options of one single-choice category is an error.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .. import rules
from . import values as v


def _category(key):
    return key[0]  # an option key is (folded category name, folded option name)


def plan_groupings(planner, state, plan, cells):
    if "groupings" not in cells:
        return
    value = cells["groupings"]
    try:
        pairs = v.parse_groupings(value)
    except ValidationError as exc:
        state.error("groupings", value, exc)
        return
    groupings = planner.lookups.groupings
    options = planner.options
    for category, option in pairs:
        try:
            key, single = groupings.resolve(category, option, create=options.create_missing)
        except ValidationError as exc:
            state.error("groupings", value, exc)
            continue
        if key in plan.options:
            continue
        replaced = rules.replaced_options(plan.options, key, category=_category, single=single)
        if replaced:
            names = {"old": ", ".join(groupings.name(held) for held in replaced)}
            names["new"] = groupings.name(key)
            given = [held for held in replaced if held in plan.new_options]
            if given:
                message = _(
                    "%(category)s allows one option per customer; the file already gives "
                    "%(option)s."
                ) % {"category": category, "option": groupings.name(given[0])}
                state.error("groupings", value, ValidationError(message))
                continue
            if not options.update_existing:
                planner.result.skipped_changes += 1
                state.note(
                    _("%(old)s not replaced by %(new)s: updating details is off") % names,
                    skipped=True,
                )
                continue
            for held in replaced:
                plan.removed_options = [*plan.removed_options, groupings.options[held]]
                plan.options.remove(held)
            plan.changed = True
            state.note(_("%(old)s replaced by %(new)s") % names)
        else:
            state.added(lambda key=key: planner.t_grouping % {"name": groupings.name(key)})
        plan.options.append(key)
        plan.new_options.append(key)
        plan.added = True
        planner.result.groupings_added += 1
