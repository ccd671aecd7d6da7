"""The values an import refers to by name, loaded once per import and resolved in memory.

Lookups (industries, contact roles, payment terms, ...), grouping categories and options,
currencies, e-invoice operators and users are small tables: each is read with one query. A name
the file uses that does not exist is either a row error or, with "Create missing values", a
``Pending`` value created just before the rows are written.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from ..models import (
    ContactRole,
    Currency,
    EInvoiceOperator,
    GroupingCategory,
    GroupingOption,
    Industry,
    InvoiceTemplate,
    PaymentTerm,
    PriceList,
)
from .values import fold

CHUNK = 2000


@dataclass(frozen=True)
class Pending:
    """A value that does not exist yet and will be created when the import is confirmed."""

    kind: str
    key: object  # folded name, or (folded category, folded option) for grouping options
    name: str

    def __str__(self):
        return self.name


class NameIndex:
    """Rows of one lookup model by folded name; missing names collected for creation."""

    def __init__(self, model, label, *, creatable):
        self.model = model
        self.label = label
        self.creatable = creatable
        self.ids = {}
        self.names = {}
        for pk, name in model.objects.values_list("pk", "name"):
            self.ids.setdefault(fold(name), pk)
            self.names[pk] = name
        self.missing = {}

    def resolve(self, name, *, create):
        key = fold(name)
        pk = self.ids.get(key)
        if pk is not None:
            return pk
        if create and self.creatable:
            return self.missing.setdefault(key, Pending(self.model.__name__, key, name))
        if self.creatable:
            raise ValidationError(
                _(
                    "%(kind)s “%(name)s” does not exist. Add it in the admin, or tick "
                    "“Create missing values”."
                )
                % {"kind": self.label, "name": name}
            )
        raise ValidationError(
            _("%(kind)s “%(name)s” does not exist. Add it in the admin first.")
            % {"kind": self.label, "name": name}
        )

    def display(self, value):
        if value is None:
            return ""
        if isinstance(value, Pending):
            return value.name
        return self.names.get(value, str(value))


class CurrencyIndex(NameIndex):
    def __init__(self):
        self.model = Currency
        self.label = _("Currency")
        self.creatable = False
        self.ids = {}
        self.names = {}
        for pk, code in Currency.objects.values_list("pk", "code"):
            self.ids[code.casefold()] = pk
            self.names[pk] = code
        self.missing = {}


class UserIndex:
    """Users named by username or email; never created by an import."""

    def __init__(self, identifiers):
        User = get_user_model()
        self.ids = {}
        self.names = {}
        self.ambiguous = set()
        wanted = sorted({fold(i) for i in identifiers})
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            rows = (
                User.objects.annotate(lower_username=Lower("username"), lower_email=Lower("email"))
                .filter(is_active=True)
                .filter(Q(lower_username__in=chunk) | Q(lower_email__in=chunk))
                .values_list("pk", "username", "email")
            )
            for pk, username, email in rows:
                self.names[pk] = username
                self.ids[fold(username)] = pk
                if email:
                    key = fold(email)
                    if key in self.ids and self.ids[key] != pk and key != fold(username):
                        self.ambiguous.add(key)
                    self.ids.setdefault(key, pk)

    def resolve(self, value, *, create):
        key = fold(value)
        if key in self.ambiguous:
            raise ValidationError(
                _("Several users have this email address: give the username instead.")
            )
        pk = self.ids.get(key)
        if pk is None:
            raise ValidationError(
                _(
                    "No active user has the username or email “%(value)s” "
                    "(owners are never created by an import)."
                )
                % {"value": value}
            )
        return pk

    def display(self, value):
        return self.names.get(value, "") if value else ""


class GroupingIndex:
    """Grouping categories and their options by folded names."""

    def __init__(self):
        self.categories = {}  # folded name -> (pk, name, single)
        self.category_missing = {}
        for pk, name, selection in GroupingCategory.objects.values_list("pk", "name", "selection"):
            self.categories[fold(name)] = (pk, name, selection == GroupingCategory.SINGLE)
        self.options = {}  # (folded category, folded option) -> option pk
        self.option_keys = {}  # option pk -> (folded category, folded option)
        self.option_names = {}  # key -> "Category\\Option"
        for pk, category, name in GroupingOption.objects.values_list(
            "pk", "category__name", "name"
        ):
            key = (fold(category), fold(name))
            self.options[key] = pk
            self.option_keys[pk] = key
            self.option_names[key] = f"{category}\\{name}"
        self.missing = {}  # key -> Pending
        self._memo = {}
        self._keys = {}

    def resolve(self, category, option, *, create):
        """Return the option's key (folded category, folded option) and whether it is single."""
        memo = self._memo.get((category, option, create))
        if memo is not None:
            return memo
        key = (fold(category), fold(option))
        known = self.categories.get(key[0])
        if known is None:
            if not create:
                raise ValidationError(
                    _(
                        "Grouping category “%(name)s” does not exist. Add it in the "
                        "admin, or tick “Create missing values”."
                    )
                    % {"name": category}
                )
            self.category_missing.setdefault(key[0], Pending("GroupingCategory", key[0], category))
        if key not in self.options:
            if not create:
                raise ValidationError(
                    _(
                        "Grouping category “%(category)s” has no option "
                        "“%(option)s”. Add it in the admin, or tick “Create "
                        "missing values”."
                    )
                    % {"category": known[1] if known else category, "option": option}
                )
            if key not in self.missing:
                name = f"{known[1] if known else category}\\{option}"
                self.missing[key] = Pending("GroupingOption", key, name)
                self.option_names[key] = name
        # Files repeat the same few options row after row: resolve each spelling once, and
        # share one key tuple among all the customers that hold it.
        key = self._keys.setdefault(key, key)
        result = self._memo[(category, option, create)] = (key, bool(known and known[2]))
        return result

    def name(self, key):
        return self.option_names.get(key, "\\".join(key))


class Lookups:
    """Everything the rows of one file may name, read in a fixed number of queries."""

    def __init__(self, owner_identifiers=()):
        self.industry = NameIndex(Industry, _("Industry"), creatable=True)
        self.contact_role = NameIndex(ContactRole, _("Contact role"), creatable=True)
        self.payment_term = NameIndex(PaymentTerm, _("Payment term"), creatable=True)
        self.invoice_template = NameIndex(InvoiceTemplate, _("Invoice template"), creatable=True)
        self.price_list = NameIndex(PriceList, _("Price list"), creatable=True)
        self.einvoice_operator = NameIndex(
            EInvoiceOperator, _("E-invoice operator"), creatable=False
        )
        self.currency = CurrencyIndex()
        self.owner = UserIndex(owner_identifiers)
        self.groupings = GroupingIndex()

    def creatable_indexes(self):
        return [
            self.industry,
            self.contact_role,
            self.payment_term,
            self.invoice_template,
            self.price_list,
        ]

    def values_to_create(self):
        """[(label, [names])] of everything "Create missing values" will add."""
        created = [
            (index.label, sorted(p.name for p in index.missing.values()))
            for index in self.creatable_indexes()
        ]
        created.append(
            (
                _("Grouping category"),
                sorted(p.name for p in self.groupings.category_missing.values()),
            )
        )
        created.append(
            (_("Grouping option"), sorted(p.name for p in self.groupings.missing.values()))
        )
        return [(label, names) for label, names in created if names]

    def create_missing(self):
        """Create the pending values; return {Pending: pk} (inside the import's transaction)."""
        created = {}
        for index in self.creatable_indexes():
            pending = list(index.missing.values())
            if not pending:
                continue
            objs = index.model.objects.bulk_create([index.model(name=p.name) for p in pending])
            for p, obj in zip(pending, objs, strict=True):
                created[p] = obj.pk
                index.ids[p.key] = obj.pk
                index.names[obj.pk] = obj.name
        groupings = self.groupings
        new_categories = list(groupings.category_missing.values())
        if new_categories:
            objs = GroupingCategory.objects.bulk_create(
                [GroupingCategory(name=p.name) for p in new_categories]
            )
            for p, obj in zip(new_categories, objs, strict=True):
                groupings.categories[p.key] = (obj.pk, obj.name, False)
        pending = list(groupings.missing.values())
        if pending:
            objs = GroupingOption.objects.bulk_create(
                [
                    GroupingOption(
                        category_id=groupings.categories[p.key[0]][0],
                        name=p.name.split("\\", 1)[1],
                    )
                    for p in pending
                ]
            )
            for p, obj in zip(pending, objs, strict=True):
                groupings.options[p.key] = obj.pk
                groupings.option_keys[obj.pk] = p.key
                created[p] = obj.pk
        return created
