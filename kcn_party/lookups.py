"""`in` lookups on integer columns drop numbers beyond the column's range, as Django's own
exact and comparison lookups already do (IntegerFieldOverflow): such a number matches no row.
Django lets them through to the driver, and SQLite's raises OverflowError, so an id typed
into a URL or a form (a select re-shown with what was posted, a multiple choice, an
autocomplete's selection) gave a 500 instead of "no such record"."""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
