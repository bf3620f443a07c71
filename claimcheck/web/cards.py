"""Social-card images (og:image, twitter:image): a claim's verdict drawn as a 1200 x 630 PNG.

Drawn with Pillow's bundled scalable font, so no system font is needed; the view caches the
bytes per content version (freshness.document), so a card is drawn once per change."""

import io
import textwrap

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 60
INK, MUTED, PAPER = "#1d1d1f", "#55555d", "#ffffff"


def _font(size):
    return ImageFont.load_default(size=size)


def card_png(*, claim_text, verdict_label, colour, works, safe):
    """The card as PNG bytes: the claim, its verdict on a band of the verdict's colour, and
    the two answers in words."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, 40), "ClaimCheck", fill=MUTED, font=_font(34))
    lines = textwrap.wrap(f"“{claim_text}”", width=38)
    if len(lines) > 4:
        lines = [*lines[:3], lines[3][:34].rstrip() + "…"]
    title = _font(54)
    y = 105
    for line in lines:
        draw.text((MARGIN, y), line, fill=INK, font=title)
        y += 66
    band_top = HEIGHT - 230
    draw.rectangle((0, band_top, WIDTH, HEIGHT), fill=colour)
    draw.text((MARGIN, band_top + 28), verdict_label, fill=PAPER, font=_font(72))
    answers = _font(32)
    draw.text((MARGIN, band_top + 124), f"Does it work? {works}", fill=PAPER, font=answers)
    draw.text((MARGIN, band_top + 170), f"Safe and legal? {safe}", fill=PAPER, font=answers)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
