"""The interactive API docs in real Chromium: both render the operations from /api/schema/,
and the browser refuses nothing (the `page` fixture fails the test on any console error, a
Content-Security-Policy refusal included). Swagger UI runs under the site's strict policy;
Redoc under its own, which allows inline styles (see claimcheck/api/urls.py)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_every_tag_under_the_strict_policy(page, starter_site):
    response = page.goto(starter_site.url("/api/docs/"))
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/v1/claims/{slug}/", exact=True).first).to_be_visible()
    assert (
        page.evaluate("getComputedStyle(document.documentElement).boxSizing") == "border-box"
    )  # the page's own stylesheet, now a file, applied


def test_redoc_renders_the_operations_and_loads_nothing_from_outside(browser, starter_site):
    # Redoc's bundle asks for its maker's logo from cdn.redoc.ly; the policy refuses it, which
    # is the one console error allowed here.
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors, outside = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith((starter_site.url("/"), "data:", "blob:"))
            else None
        ),
    )
    try:
        response = page.goto(starter_site.url("/api/redoc/"))
        assert "script-src 'self';" in response.headers["content-security-policy"]
        heading = page.get_by_role("heading", name="List published claims").first
        expect(heading).to_be_visible(timeout=15_000)
        expect(page.get_by_text("Something went wrong")).to_have_count(0)
    finally:
        context.close()
    logo = "https://cdn.redoc.ly/redoc/logo-mini.svg"
    assert set(outside) <= {logo}  # Chromium reports the attempt, then refuses it:
    refused = f"Loading the image '{logo}' violates the following Content Security Policy"
    assert all(refused in e for e in errors), errors
