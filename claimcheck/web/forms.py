"""Forms of the public site."""

from django import forms
from django.conf import settings
from django.core.cache import cache

REQUESTS_PER_HOUR = 5


class RateLimited(Exception):
    """Too many check requests from one address."""


def client_address(request):
    """The visitor's address: REMOTE_ADDR, or the one our trusted proxies saw (TRUSTED_PROXIES)
    counted from the right of X-Forwarded-For, so a forged header cannot choose it."""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def check_request_allowed(request):
    """Count this address's requests in the shared cache; raise RateLimited over the limit."""
    key = f"check-request-limit:{client_address(request)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    if count > REQUESTS_PER_HOUR:
        raise RateLimited(
            f"You have sent {REQUESTS_PER_HOUR} requests in the last hour. Please try again "
            "later; we read every one."
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
        return {k: self.cleaned_data[k] for k in ("claim_text", "seen_at", "details")}
