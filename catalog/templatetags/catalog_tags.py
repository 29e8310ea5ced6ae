from django import template

from catalog.credit_hours import format_credit_hours
from catalog.money import format_money
from catalog.structured_data import as_script

register = template.Library()


@register.filter
def money(amount):
    """Prices and amounts in templates, in the one display format (catalog/money.py)."""
    return format_money(amount)


@register.filter
def credit_hours(value):
    """3 rather than 3.0; 1.5 stays 1.5 (catalog/credit_hours.py)."""
    return format_credit_hours(value)


@register.simple_tag(takes_context=True)
def catalog_url(context):
    """URL of the catalog index, looked up once per request."""
    from catalog.models import CatalogIndexPage

    request = context.get("request")
    cached = getattr(request, "_catalog_url", None) if request is not None else None
    if cached is None:
        catalog = CatalogIndexPage.objects.live().only("id", "url_path").first()
        cached = catalog.get_url(request) if catalog else "/"
        if request is not None:
            request._catalog_url = cached
    return cached


@register.simple_tag
def json_ld(data):
    return as_script(data)
