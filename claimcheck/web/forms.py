"""Forms of the public site."""

from django import forms
from django.conf import settings

from claimcheck.accounts import ratelimits
from claimcheck.accounts.lockout import client_ip


class RateLimited(Exception):
    """Too many check requests from one address."""


def client_address(request):
    """The visitor's address, read as the sign-in lockout and the API read it (REMOTE_ADDR, or
    with TRUSTED_PROXIES the address our own proxy saw), so a forged header cannot choose it."""
    return client_ip(request) or "unknown"


def check_request_allowed(request):
    """Count this address's requests where every worker sees them, in the same counter as the
    API's (accounts.ratelimits); raise RateLimited over the limit."""
    limit, window = ratelimits.parse_rate(settings.CHECK_REQUEST_RATE)
    key = ratelimits.check_request_key(client_address(request))
    if not ratelimits.hit(key, limit=limit, window=window, fail_open=False).allowed:
        raise RateLimited(
            f"You have sent {limit} requests in the last hour. Please try again later; we "
            "read every one."
        )


class CheckRequestForm(forms.Form):
    claim_text = forms.CharField(
        label="The claim you want checked",
        max_length=300,
        min_length=8,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Copy the words as you saw them, for example “Exosome serum boosts collagen”.",
    )
    seen_at = forms.URLField(
        label="Where you saw it (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A link to the product page, advert or post.",
    )
    details = forms.CharField(
        label="Anything else we should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    notify_email = forms.EmailField(
        label="Your e-mail (optional)",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="Only to tell you when the status changes. We delete it when the request "
        "closes and never use it for anything else.",
    )
    # Honeypot: hidden from people, filled in by robots.
    website = forms.CharField(required=False, label="Leave this field empty")

    def clean_claim_text(self):
        text = self.cleaned_data["claim_text"]
        if "\x00" in text:
            raise forms.ValidationError("The text contains a character we cannot store.")
        return text

    def clean_details(self):
        text = self.cleaned_data["details"]
        if "\x00" in text:
            raise forms.ValidationError("The text contains a character we cannot store.")
        return text

    def is_robot(self):
        return bool(self.cleaned_data.get("website"))

    def cleaned_data_for_service(self):
        fields = ("claim_text", "seen_at", "details", "notify_email")
        return {k: self.cleaned_data[k] for k in fields}


COPY_CHECKS_PER_WINDOW = 30
COPY_CHECK_WINDOW = 600  # seconds


def copy_check_allowed(request):
    """Checking pasted copy costs CPU: at most COPY_CHECKS_PER_WINDOW per address in ten
    minutes, counted like check requests; raise RateLimited over it."""
    key = f"copy-check-limit:{client_address(request)}"
    hit = ratelimits.hit(
        key, limit=COPY_CHECKS_PER_WINDOW, window=COPY_CHECK_WINDOW, fail_open=False
    )
    if not hit.allowed:
        raise RateLimited(
            f"You have checked {COPY_CHECKS_PER_WINDOW} texts in the last ten minutes. "
            "Please wait a few minutes and try again."
        )


class _CopyField(forms.CharField):
    def to_python(self, value):
        # Browsers send line breaks as CRLF but count them as one character in maxlength.
        return super().to_python(value).replace("\r\n", "\n")


class CopyCheckForm(forms.Form):
    """The text to check on /check/ (the limit is the copy checker's own)."""

    text = _CopyField(
        label="Marketing text to check",
        max_length=20_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Paste a product page, an advert or a social post (up to 20,000 characters).",
        error_messages={
            "required": "Paste some text to check: the box is empty.",
            "max_length": "The text is too long: the limit is %(limit_value)s characters, "
            "and it has %(show_value)s. Check it in parts.",
        },
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise forms.ValidationError("Paste some text to check: the box is empty.")
        return text  # NUL characters are refused by CharField's own validator


class ApiKeyEmailForm(forms.Form):
    """The address a self-serve key (or the link to manage keys) is sent to."""

    email = forms.EmailField(
        label="Your e-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a link there; the key is shown once you open it. We keep the "
        "address with the key, to let you manage it, and use it for nothing else.",
        error_messages={
            "required": "Enter your e-mail address: we send the link there.",
            "invalid": "Enter a whole e-mail address, like dev@example.org.",
        },
    )
