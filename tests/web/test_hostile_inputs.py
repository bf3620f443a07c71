"""A hostile-input corpus run against every public form field, filter, header and JSON body
(issue #14): no answer is a 5xx, and no markup a visitor sent comes back unescaped in HTML.

The corpus is built here from base strings (script and markup injection, SQL and ORM
fragments, path traversal, odd encodings, control characters, sizes) and their variants
(percent-encoded, upper-cased, full-width, NUL-split, wrapped in text). Each input goes to a
few targets in turn, so every target sees a slice of the corpus and the whole run stays
within seconds."""

import itertools
import json
import urllib.parse

import pytest
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "<body onload=alert(1)>",
    "<math><mtext><script>alert(1)</script>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<style>*{color:red}</style>",
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    "<base href=//evil.example/>",
    "<object data=javascript:alert(1)>",
    "<video><source onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    "<scr<script>ipt>alert(1)</script>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "[link](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "<img src=x onerror=&#97;lert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "<svg><animate onbegin=alert(1) attributeName=x>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<x onmouseover=alert(1)>hover",
    "<marquee onstart=alert(1)>",
    '"onmouseover="alert(1)',
    "' autofocus onfocus='alert(1)",
    "</script><script>alert(1)</script>",
    "<![CDATA[<script>alert(1)</script>]]>",
]
INJECTION = [
    "' OR '1'='1",
    "'; DROP TABLE claims_claim; --",
    "1 UNION SELECT password FROM auth_user",
    "%' AND 1=1 --",
    "exosome') OR ('a'='a",
    "__proto__",
    "subject__slug__regex=.*",
    "-id",
    "?ordering=password",
    "1; SELECT pg_sleep(5)",
    "$where: 1",
    "\\",
    "%",
    "_",
    "''",
    '"',
    "*",
    "!!!",
    "-- -",
    "1' WAITFOR DELAY '0:0:5'--",
    "admin'--",
    "\\x27 OR 1=1",
    "exosome:* & !retinol",
    "exosome <-> serum",
    "a | b & c",
    "regex:.*",
    "%00' OR 1=1 --",
    "None",
    "[]",
    "{}",
]
TRAVERSAL = [
    "../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "/etc/passwd",
    "....//....//",
    "%2e%2e%2f",
    "C:\\Windows\\win.ini",
    "file:///etc/passwd",
    "//evil.example",
]
ODD = [
    "\x00",
    "a\x00b",
    "\x01\x02\x03",
    "\r\nSet-Cookie: x=1",
    "\u202eevil",
    "\u200b\u200b",
    "e\u0301" * 50,
    "🙂" * 100,
    "Ｅｘｏｓｏｍｅ",
    "𝐞𝐱𝐨𝐬𝐨𝐦𝐞",
    "\uffff",
    "ǅ" * 30,
    "a" * 5000,
    "exosome " * 800,
    "(" * 500,
    "[" * 500,
    "\t\n\r ",
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "null",
    "true",
    "2026-13-45",
    "9999-12-31T23:59:59Z",
]
BASE = MARKUP + INJECTION + TRAVERSAL + ODD


def _variants(value):
    yield value
    yield urllib.parse.quote(value, safe="")
    yield value.upper()
    yield "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)  # full-width
    yield f"exosome {value} serum"
    if len(value) > 1:
        yield value[: len(value) // 2] + "\x00" + value[len(value) // 2 :]


CORPUS = list(dict.fromkeys(v for base in BASE for v in _variants(base)))


def test_the_corpus_is_large_and_varied():
    assert len(BASE) >= 100
    assert len(CORPUS) >= 300


def _web_get(client, path, field):
    return lambda value, address: client.get(path, {field: value}, REMOTE_ADDR=address)


def _web_post(client, path, base):
    def send(value, address):
        return client.post(path, {**base(value)}, REMOTE_ADDR=address)

    return send


def _api_get(api, path, field):
    return lambda value, address: api.get(path, {field: value}, REMOTE_ADDR=address)


def _api_post(api, path, body):
    def send(value, address):
        return api.post(
            path,
            json.dumps(body(value), ensure_ascii=False),
            content_type="application/json",
            REMOTE_ADDR=address,
        )

    return send


def _header(client, path, name):
    def send(value, address):
        if any(ord(c) < 32 or ord(c) > 126 for c in value):
            value = urllib.parse.quote(value, safe="")  # headers carry only visible ASCII
        return client.get(path, REMOTE_ADDR=address, **{name: value})

    return send


def _targets(claim_slug):
    web, api = Client(), APIClient()
    return {
        "search q": _web_get(web, "/search/", "q"),
        "search concern": _web_get(web, "/search/", "concern"),
        "search kind": _web_get(web, "/search/", "kind"),
        "search verdict": _web_get(web, "/search/", "verdict"),
        "search page": _web_get(web, "/search/", "page"),
        "compare subjects": _web_get(web, "/compare/", "subjects"),
        "request prefill": _web_get(web, "/requests/new/", "claim"),
        "articles page": _web_get(web, "/articles/", "page"),
        "request form claim": _web_post(
            web, "/requests/new/", lambda v: {"claim_text": v, "seen_at": "", "details": ""}
        ),
        "request form url": _web_post(
            web, "/requests/new/", lambda v: {"claim_text": "A claim", "seen_at": v}
        ),
        "request form details": _web_post(
            web, "/requests/new/", lambda v: {"claim_text": "A claim", "details": v}
        ),
        "check form": _web_post(web, "/check/", lambda v: {"text": v}),
        "api claims verdict": _api_get(api, "/api/v1/claims/", "verdict"),
        "api claims subject": _api_get(api, "/api/v1/claims/", "subject"),
        "api claims min_score": _api_get(api, "/api/v1/claims/", "min_score"),
        "api claims updated_since": _api_get(api, "/api/v1/claims/", "updated_since"),
        "api claims ordering": _api_get(api, "/api/v1/claims/", "ordering"),
        "api claims cursor": _api_get(api, "/api/v1/claims/", "cursor"),
        "api search": _api_get(api, "/api/v1/search/", "q"),
        "api sources pmid": _api_get(api, "/api/v1/sources/", "pmid"),
        "api sources doi": _api_get(api, "/api/v1/sources/", "doi"),
        "api check": _api_post(api, "/api/v1/check/", lambda v: {"text": v}),
        "api check request": _api_post(
            api, "/api/v1/check-requests/", lambda v: {"claim_text": v, "details": v}
        ),
        "api check request url": _api_post(
            api, "/api/v1/check-requests/", lambda v: {"claim_text": "A claim", "seen_at": v}
        ),
        "header If-None-Match": _header(web, f"/claims/{claim_slug}/", "HTTP_IF_NONE_MATCH"),
        "header Accept": _header(api, f"/api/v1/claims/{claim_slug}/", "HTTP_ACCEPT"),
        "header Authorization": _header(api, "/api/v1/claims/", "HTTP_AUTHORIZATION"),
        "header X-Forwarded-For": _header(web, "/search/", "HTTP_X_FORWARDED_FOR"),
        "header If-Modified-Since": _header(web, "/", "HTTP_IF_MODIFIED_SINCE"),
    }


def _reflected(value, response):
    """Markup the visitor sent, back verbatim in an HTML answer."""
    if "text/html" not in response.get("Content-Type", "") or "<" not in value:
        return False
    return value in response.content.decode("utf-8", "replace")


TARGETS_PER_INPUT = 4


def test_no_hostile_input_gets_a_5xx_or_comes_back_unescaped(site):
    claim_slug = site["claims"][0].slug
    targets = _targets(claim_slug)
    rotation = itertools.cycle(targets.items())
    addresses = (f"198.51.100.{n % 250 + 1}" for n in itertools.count())  # spread the limits
    seen = {name: 0 for name in targets}
    failures = []
    for value in CORPUS:
        for _ in range(TARGETS_PER_INPUT):
            name, send = next(rotation)
            response = send(value, next(addresses))
            seen[name] += 1
            if response.status_code >= 500:
                failures.append(f"{name}: {value[:60]!r} -> {response.status_code}")
            elif _reflected(value, response):
                failures.append(f"{name}: {value[:60]!r} reflected unescaped")
    assert not failures, "\n".join(failures[:40])
    assert min(seen.values()) >= 30, seen  # every target saw a real slice of the corpus
