"""Template filters of the public site."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlight(text, terms):
    """Wrap the search terms in <mark>, escaping everything else first."""
    escaped = escape(text)
    usable = sorted({t for t in terms or [] if len(t) >= 2}, key=len, reverse=True)
    if not usable:
        return escaped
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(escape(t)) for t in usable) + r")\w*", re.IGNORECASE
    )
    # The input is escaped above and only <mark> is added, so the result is safe.
    return mark_safe(pattern.sub(r"<mark>\g<0></mark>", escaped))  # noqa: S308


@register.filter
def outbound(url):
    """A stored link, if it is an http or https address; else "" (the template then shows no
    link). Every input path already refuses other schemes; this holds for rows written any
    other way too (a database restore, a raw SQL fix)."""
    value = str(url or "").strip()
    return value if value.lower().startswith(("https://", "http://")) else ""
