"""Self-serve read API keys, linked from /developers/: ask with an e-mail address, confirm
the signed link it receives (the key is shown once), and manage (revoke) keys from another
signed link. Every write goes through claimcheck.accounts.services; nothing here is cached
(the pages carry CSRF tokens, keys and personal addresses)."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from claimcheck.accounts import selectors as key_selectors
from claimcheck.accounts import services as key_services

from .forms import ApiKeyEmailForm, client_address

# What each refusal answers: a tampered link is a bad request, an expired one is gone, a
# used link or an address at its limit conflicts with what was already done.
STATUS = {
    "invalid": 400,
    "expired": 410,
    "used": 409,
    "limit": 409,
    "rate_limited": 429,
    "unknown_key": 404,
}

TEMPLATE = "web/developer_keys.html"


def _refused(request, error):
    return render(
        request,
        "web/developer_key_refused.html",
        {"message": error.message, "code": error.code},
        status=STATUS[error.code],
    )


def _page(request, *, request_form=None, manage_form=None, status=200):
    context = {
        "request_form": request_form or ApiKeyEmailForm(prefix="key"),
        "manage_form": manage_form or ApiKeyEmailForm(prefix="manage"),
        "limit": settings.API_KEY_SELF_SERVE_LIMIT,
        "hours": settings.API_KEY_LINK_HOURS,
    }
    return render(request, TEMPLATE, context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def keys(request):
    """The page with both forms; a POST asks for a key link."""
    if request.method == "GET":
        return _page(request)
    return _ask(request, "request_form", "key", key_services.api_key_request)


@never_cache
@require_POST
def manage_request(request):
    return _ask(request, "manage_form", "manage", key_services.api_key_manage_request)


def _ask(request, name, prefix, service):
    """Validate the posted form `name` and call `service`; the page again with its errors."""
    form = ApiKeyEmailForm(request.POST, prefix=prefix)
    if not form.is_valid():
        return _page(request, **{name: form}, status=400)
    try:
        service(email=form.cleaned_data["email"], address=client_address(request))
    except key_services.SelfServeError as error:
        form.add_error(None, error.message)
        return _page(request, **{name: form}, status=STATUS[error.code])
    return redirect("web:developer-keys-sent")


@never_cache
@require_GET
def sent(request):
    """Said whatever the address (never whether it holds keys)."""
    return render(request, "web/developer_key_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows the address and a button; only the POST issues the key (a mail scanner
    that opens links must not use them up)."""
    try:
        if request.method == "GET":
            email = key_services.api_key_link_email(token=token)
            return render(request, "web/developer_key_confirm.html", {"email": email})
        key, plaintext = key_services.api_key_issue_from_link(token=token)
    except key_services.SelfServeError as error:
        return _refused(request, error)
    # Shown on this answer only: never cached, stored as a hash.
    return render(request, "web/developer_key_issued.html", {"key": key, "plaintext": plaintext})


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    """The address's self-serve keys, each with a revoke button (POST: the key's prefix)."""
    revoked = None
    try:
        if request.method == "POST":
            revoked = key_services.api_key_revoke_from_link(
                token=token, prefix=request.POST.get("prefix", "")
            )
        email = key_services.api_key_link_email(token=token, manage=True)
    except key_services.SelfServeError as error:
        return _refused(request, error)
    return render(
        request,
        "web/developer_keys_manage.html",
        {
            "email": email,
            "keys": key_selectors.api_key_self_serve_list(email=email),
            "revoked": revoked,
            "token": token,
        },
    )
