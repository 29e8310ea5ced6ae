"""Path converters shared by the project's URLconfs.

`<dbid:name>` matches a database id, 1 to 2^63 - 1 written without leading zeros, and hands the
view an int. Django's `<int:...>` matches any run of digits: a number past 2^63 - 1 reached the
database, where SQLite's driver refuses it (OverflowError, a 500) and PostgreSQL answers "bigint
out of range". With `dbid` such an address matches no route and is a 404, like any id no row has.
"""

from django.urls import register_converter

MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter:
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value):
        number = int(value)
        if number > MAX_DATABASE_ID:
            # A ValueError means "no match" to Django's resolver: the next pattern is tried.
            raise ValueError(f"{value} is larger than any database id")
        return number

    def to_url(self, value):
        return str(value)


register_converter(DatabaseIdConverter, "dbid")
