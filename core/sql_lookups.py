"""``field__any_of=[...]``: ``field__in`` for long lists of ids, as one array parameter.

Django writes ``pk__in=ids`` as ``IN (%s, %s, ...)``: one placeholder and one prepared value
per id, which the driver then splits and quotes again. For the importer's chunks of 2,000 to
10,000 ids that is most of the time of the query on the Python side. On PostgreSQL this lookup
writes ``= ANY(%s)`` with the whole list as one array; elsewhere (SQLite) it is ``IN``.
"""

from django.db import models
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any_of"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


models.IntegerField.register_lookup(AnyOf)
models.ForeignKey.register_lookup(AnyOf)
