"""A partner's brand colour: six hex digits, with a readable text colour on it."""

import pytest
from django.core.exceptions import ValidationError

from partners.models import readable_text_colour
from tests.builders import make_partner

pytestmark = pytest.mark.django_db


def test_readable_text_colour_picks_the_higher_contrast():
    assert readable_text_colour("#FFFFFF") == "#000000"
    assert readable_text_colour("#8C1D40") == "#ffffff"
    assert readable_text_colour("#FFC627") == "#000000"  # ASU gold needs dark text


def test_brand_colour_must_be_hex(catalog):
    partner = make_partner(catalog)
    partner.brand_colour = "maroon"
    with pytest.raises(ValidationError) as caught:
        partner.full_clean()
    assert "six hex digits" in caught.value.message_dict["brand_colour"][0]
