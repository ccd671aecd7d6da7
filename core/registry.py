"""Tabs, sections and history sources of the customer card, registered by the apps that own them.

Every app (``customers`` too) registers its tabs, its sections of the Contact details tab and
its models' history in ``AppConfig.ready()``, as NetBox registers object tabs. The card draws
what is registered without knowing the apps, so ``customers`` never imports ``projects`` or
``activities``, and this module imports none of them (docs/architecture.md, "Layout").
Registrations are static configuration made at start-up, never data users change.
"""

from dataclasses import dataclass, field

from . import url_cache


@dataclass(frozen=True)
class CardTab:
    """A tab in the card's tab bar; ``url_name`` takes the customer's pk as its one argument.

    ``permissions`` are the permissions a user needs to see the tab (the tab's view checks
    them too); users without them do not see a tab that would answer 403.
    """

    key: str
    label: str
    url_name: str
    order: int = 100
    permissions: tuple = ()

    def url(self, customer):
        return url_cache.pk_url(self.url_name, customer.pk)


@dataclass(frozen=True)
class CardSection:
    """A block drawn at the bottom of the Contact details tab.

    ``get_context(request, customer)`` returns the template context (it runs a fixed number of
    queries); ``template`` renders it.
    """

    key: str
    template: str
    get_context: object
    order: int = 100
    extra: dict = field(default_factory=dict)


card_tabs: list[CardTab] = []
card_sections: list[CardSection] = []


def register_tab(tab):
    if any(existing.key == tab.key for existing in card_tabs):
        return
    card_tabs.append(tab)
    card_tabs.sort(key=lambda t: t.order)


def register_section(section):
    if any(existing.key == section.key for existing in card_sections):
        return
    card_sections.append(section)
    card_sections.sort(key=lambda s: s.order)


@dataclass(frozen=True)
class HistorySource:
    """A model whose django-simple-history rows appear on the card's History tab.

    ``model`` is the tracked model (with ``history = HistoricalRecords()``); ``customer_field``
    names its field that holds the customer's pk (``"customer"`` gives ``customer_id``);
    ``label(record)`` returns the short text naming the object of a historical record.
    ``select_related`` lists the record's foreign keys to load with it (FK values are shown
    as names). ``exclude`` lists fields left out of the "what changed" list, and
    ``financial_fields`` those shown only to users who may see financial figures.
    """

    key: str
    model: object
    customer_field: str
    label: object
    select_related: tuple = ()
    exclude: tuple = ()
    financial_fields: tuple = ()
    order: int = 100


history_sources: list[HistorySource] = []


def register_history_source(source):
    if any(existing.key == source.key for existing in history_sources):
        return
    history_sources.append(source)
    history_sources.sort(key=lambda s: s.order)
