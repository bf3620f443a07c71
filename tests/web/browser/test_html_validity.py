"""The W3C Nu HTML checker (vnu.jar, offline) reports no error on the public pages."""

import json
import subprocess

import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.browser


def test_the_nu_html_checker_reports_no_error_on_the_public_pages(
    client, starter_site, vnu_command, tmp_path
):
    from claimcheck.claims import services
    from claimcheck.claims.models import Claim

    check = services.check_request_submit(
        claim_text="Snail mucin erases acne scars", seen_at="", details=""
    )
    shown = starter_site.pages["claim"]
    withdrawn = Claim.objects.published().exclude(slug=shown.split("/")[2]).order_by("slug")[0]
    services.claim_retract(
        claim=withdrawn, by=services.system_user(), reason="A <b>test</b> retraction & more."
    )
    pages = {
        **starter_site.pages,
        "about": "/about/",
        "corrections": "/corrections/",
        "developers": "/developers/",
        "search with no result": "/search/?q=zzzxqj",
        "search page": "/search/",
        "request status": check.get_absolute_url(),
        "not found": "/claims/no-such-claim/",
        "retracted claim": withdrawn.get_absolute_url(),
    }
    files = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code in (200, 404, 410), (name, response.status_code)
        files[name] = _write(tmp_path, name, ".html", response.content)
    invalid_form = client.post("/requests/new/", {"claim_text": "short", "seen_at": "nope"})
    assert invalid_form.status_code == 400
    files["request form with errors"] = _write(
        tmp_path, "form-errors", ".html", invalid_form.content
    )
    copy_check = client.post(
        "/check/",
        {
            "text": "Our exosome serum boosts collagen and reverses ageing!\n"
            "Snake oil tonic erases wrinkles. Proudly FDA approved. <b>Bold</b> & more."
        },
    )
    assert copy_check.status_code == 200
    files["copy check answer"] = _write(tmp_path, "copy-check", ".html", copy_check.content)
    empty_check = client.post("/check/", {"text": ""})
    assert empty_check.status_code == 400
    files["copy check with errors"] = _write(
        tmp_path, "copy-check-errors", ".html", empty_check.content
    )
    for template in ("500.html", "503.html"):  # served when the app or database fails
        files[template] = _write(tmp_path, template, "", render_to_string(template).encode())
    badge = client.get(starter_site.pages["claim"] + "badge.svg")
    files["badge"] = _write(tmp_path, "badge", ".svg", badge.content)
    badge = client.get(withdrawn.get_absolute_url() + "badge.svg")
    files["retracted badge"] = _write(tmp_path, "retracted-badge", ".svg", badge.content)

    # One run for every file: the checker takes seconds to start.
    result = subprocess.run(
        [*vnu_command, "--also-check-svg", *files.values()],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stderr or '{"messages": []}')  # vnu writes JSON on stderr
    by_file = {str(path): name for name, path in files.items()}
    errors = [
        f"{by_file.get(m.get('url', '').removeprefix('file:'), m.get('url'))}, line "
        f"{m.get('lastLine')}: {m['message']}\n    {(m.get('extract') or '').strip()}"
        for m in report["messages"]
        if m["type"] in ("error", "non-document-error")
    ]
    assert not errors, "Nu HTML checker errors:\n" + "\n".join(errors)
    assert result.returncode == 0, result.stderr


def _write(folder, name, suffix, content):
    path = folder / (name.replace(" ", "-") + suffix)
    path.write_bytes(content)
    return path
