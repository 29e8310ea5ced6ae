"""`field__any=[…]`: membership in a list passed as ONE array parameter on PostgreSQL.

A text search can match thousands of credentials; passing their ids as `IN (%s, %s, …)` makes
Django build and PostgreSQL parse thousands of parameters for every facet query.
`= ANY(%s)` sends a single array instead. Other databases fall back to IN.
"""

from django.db.models import Field, ForeignObject, Lookup


class AnyLookup(Lookup):
    lookup_name = "any"

    def get_prep_lookup(self):
        return [self.lhs.output_field.get_prep_value(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        placeholders = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({placeholders})", [*lhs_params, *values]


Field.register_lookup(AnyLookup)
ForeignObject.register_lookup(AnyLookup)  # primary keys of multi-table children are one-to-ones
