"""Demo images drawn with Pillow, so the demo needs nothing from the internet."""

import math
from io import BytesIO

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.images import get_image_model


def _hex_to_rgb(hex_colour):
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def _mix(rgb, other, amount):
    return tuple(round(a + (b - a) * amount) for a, b in zip(rgb, other, strict=True))


def _png(image):
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def draw_logo(initials, name, colour):
    """A wordmark: a coloured tile with initials beside the partner's name."""
    rgb = _hex_to_rgb(colour)
    image = PILImage.new("RGB", (480, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 152, 152), radius=24, fill=rgb)
    big = ImageFont.load_default(size=64 if len(initials) <= 3 else 44)
    text_colour = "white" if sum(rgb) < 450 else "black"
    draw.text((80, 80), initials, font=big, fill=text_colour, anchor="mm")
    words = name.split()
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) > 16 and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    small = ImageFont.load_default(size=30)
    top = 80 - (len(lines[:3]) * 36) // 2
    for index, text in enumerate(lines[:3]):
        draw.text((176, top + index * 36), text, font=small, fill=(30, 30, 30))
    return _png(image)


def draw_badge(code, colour):
    """A round digital badge with the credential's code on a ribbon."""
    rgb = _hex_to_rgb(colour)
    size = 400
    image = PILImage.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, size - 10, size - 10), fill=_mix(rgb, (255, 255, 255), 0.15) + (255,))
    draw.ellipse((40, 40, size - 40, size - 40), outline=(255, 255, 255, 255), width=8)
    draw.ellipse((70, 70, size - 70, size - 70), fill=rgb + (255,))
    centre_x, centre_y, outer, inner = size / 2, size / 2 - 35, 80, 34
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.pi / 2 + index * math.pi / 5
        points.append((centre_x + radius * math.cos(angle), centre_y - radius * math.sin(angle)))
    draw.polygon(points, fill=(255, 255, 255, 255))
    draw.rectangle((30, 250, size - 30, 320), fill=(255, 255, 255, 255))
    label = code if len(code) <= 14 else code[-14:]
    font = ImageFont.load_default(size=34)
    draw.text((size / 2, 285), label, font=font, fill=(20, 20, 20, 255), anchor="mm")
    return _png(image)


def draw_hero(colour, seed_text):
    """A wide abstract banner in the partner's colour."""
    rgb = _hex_to_rgb(colour)
    width, height = 1600, 500
    image = PILImage.new("RGB", (width, height), rgb)
    draw = ImageDraw.Draw(image)
    for step in range(0, width, 8):
        draw.line([(step, 0), (step, height)], fill=_mix(rgb, (255, 255, 255), 0.35 * step / width))
    offset = sum(map(ord, seed_text)) % 400
    for index in range(7):
        x = (offset + index * 260) % width
        radius = 60 + (index * 37 + offset) % 160
        draw.ellipse(
            (x - radius, height / 2 - radius, x + radius, height / 2 + radius),
            outline=_mix(rgb, (255, 255, 255), 0.6),
            width=6,
        )
    return _png(image)


def get_or_create_image(title, png_bytes, filename):
    """Reuse an image with this title so that re-seeding adds no duplicates."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    return Image.objects.create(title=title, file=ImageFile(BytesIO(png_bytes), name=filename))
