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


class CoBrandLinksField(serializers.Field):
    """A credential's co-branding partners as Wagtail's child-relation list, but only those
    that consented to appear (`MicrocredentialPage.get_partner_links`), as on the page."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance.get_partner_links()

    def to_representation(self, links):
        partner = PartnerSerializer()
        return [
            {
                "id": link.pk,
                "meta": {"type": "catalog.MicrocredentialPartner"},
                "partner": partner.to_representation(link.partner),
                "role": link.role,
            }
            for link in links
        ]
