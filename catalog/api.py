"""Serializers for the read-only Wagtail API v2 (/api/v2/pages/), used by integrators."""

from rest_framework import serializers


class CompetencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField(source="human_coding_scheme")
    statement = serializers.CharField(source="full_statement")
    case_identifier = serializers.CharField(allow_null=True)
    framework = serializers.CharField(source="framework.title")


class PartnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    website = serializers.CharField()


class MoneyField(serializers.DecimalField):
    """Two-decimal strings, never floats."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=8, decimal_places=2, coerce_to_string=True, **kwargs)
