"""``StoredColumn``: an expression that PostgreSQL keeps in a generated column of its own.

A query that tests a computed text on many rows (the contact search's upper-cased name, email
and phone numbers, checked again on every trigram match) is faster when PostgreSQL reads the
text from a stored generated column instead of computing it per row. Such a column is added by
a PostgreSQL-only migration and is not a model field (see the migration that adds it), so the
query names it through this expression: on PostgreSQL it compiles to the column of the table
the expression's first column belongs to (aliases, also in subqueries, follow Django's), on
other databases to the expression itself. The migration's definition of the column and the
expression must give the same text; a test compares them.
"""

from django.db.models import Expression
from django.db.models.expressions import Col


class StoredColumn(Expression):
    """``expression``, read on PostgreSQL from the generated column ``column``."""

    def __init__(self, expression, column):
        super().__init__(output_field=getattr(expression, "output_field", None))
        self.expression = expression
        self.column = column

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs

    def _resolve_output_field(self):
        return self.expression.output_field

    def as_sql(self, compiler, connection):
        return compiler.compile(self.expression)

    def as_postgresql(self, compiler, connection):
        table = next(e for e in self.expression.flatten() if isinstance(e, Col))
        alias = compiler.quote_name_unless_alias(table.alias)
        return f"{alias}.{connection.ops.quote_name(self.column)}", []
