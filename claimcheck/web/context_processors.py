"""Template context every page shares."""

from django.urls import get_script_prefix, reverse

# The addresses the site's header and footer link to (base.html), by URL name.
CHROME = {
    "home": "web:home",
    "search": "web:search",
    "compare": "web:compare",
    "check": "web:check",
    "articles": "articles:list",
    "methodology": "web:methodology",
    "about": "web:about",
    "corrections": "web:corrections",
    "request": "web:request-new",
    "feed": "web:feed",
    "open_data": "web:open-data",
    "developers": "web:developers",
}

_resolved = {}  # script prefix -> {name: address}: reversed once per process, not per page


def chrome(request):
    """`chrome.<name>`: the header's and footer's links, which every page renders (fourteen
    reverse() calls were a fifth of a search page's template time)."""
    prefix = get_script_prefix()
    links = _resolved.get(prefix)
    if links is None:
        links = _resolved[prefix] = {key: reverse(name) for key, name in CHROME.items()}
    return {"chrome": links}
