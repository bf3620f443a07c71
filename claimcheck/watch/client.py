"""The one HTTP client every connector uses: a requests session with connect and read
timeouts, retries with exponential backoff on 429, 5xx and connection errors (honouring
Retry-After), a minimum interval between requests for the provider's published rate limit,
and a User-Agent that names the site and its contact address."""

import email.utils
import json
import logging
import time

import requests
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}


class ProviderError(Exception):
    """A provider that did not answer (after the retries), refused the request, or answered
    in a shape its documentation does not describe. `rate_limited`: it was still answering 429
    after the retries (a daily cap reached), so asking it anything more this run is futile."""

    def __init__(self, message, *, rate_limited=False):
        super().__init__(message)
        self.rate_limited = rate_limited


def retry_after(response):
    """Seconds the provider asks us to wait (Retry-After: seconds or an HTTP date), or None."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


class Client:
    """GETs against one provider's base URL. `requests` counts every attempt sent."""

    def __init__(self, *, provider, base_url, min_interval, params=None, headers=None):
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        interval = getattr(settings, "WATCH_MIN_INTERVAL", None)
        self.min_interval = min_interval if interval is None else interval
        self.params = dict(params or {})  # sent with every request (api_key, mailto, tool)
        self.timeout = (settings.WATCH_CONNECT_TIMEOUT, settings.WATCH_READ_TIMEOUT)
        self.retries = settings.WATCH_RETRIES
        self.backoff = settings.WATCH_BACKOFF
        self.max_wait = settings.WATCH_MAX_RETRY_WAIT
        self.session = requests.Session()
        contact = settings.WATCH_CONTACT_EMAIL
        site = settings.SITE_URL or "ClaimCheck"
        agent = f"ClaimCheck-evidence-watch/1.0 (+{site}" + (
            f"; mailto:{contact})" if contact else ")"
        )
        self.session.headers.update({"User-Agent": agent, **(headers or {})})
        self.requests = 0
        self._last = None

    def close(self):
        self.session.close()

    def _redact(self, text):
        """`text` without the API key: errors end up in WatchRun.error and the logs, and
        requests' own messages quote the URL with its query string."""
        for name, value in self.params.items():
            if "key" in name and value:
                text = text.replace(str(value), "[key]")
        return text

    def _pace(self):
        if self._last is not None and self.min_interval > 0:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last = time.monotonic()

    def get(self, path, *, params=None, missing_ok=False):
        """The response to GET base_url + path (a full URL is used as is), or None for a 404
        when `missing_ok` (openFDA answers a search with no match with 404)."""
        url = path if path.startswith(("http://", "https://")) else self.base_url + path
        query = {**self.params, **(params or {})}
        failure = None
        limited = False
        for attempt in range(self.retries + 1):
            self._pace()
            self.requests += 1
            delay = self.backoff * 2**attempt
            try:
                response = self.session.get(url, params=query, timeout=self.timeout)
            except requests.RequestException as error:  # connection refused, reset, timeouts
                failure = f"{type(error).__name__}: {error}"
                limited = False
            else:
                limited = response.status_code == 429
                if response.status_code in RETRY_STATUSES:
                    failure = f"HTTP {response.status_code} from {url}"
                    asked = retry_after(response)
                    delay = delay if asked is None else asked
                elif response.status_code == 404 and missing_ok:
                    return None
                elif response.status_code >= 400:
                    raise ProviderError(f"HTTP {response.status_code} from {url}")
                else:
                    return response
            if attempt < self.retries:
                logger.info(
                    "watch %s: %s; retry %d", self.provider, self._redact(failure), attempt + 1
                )
                time.sleep(min(delay, self.max_wait))
        raise ProviderError(
            self._redact(f"{failure} (gave up after {self.retries + 1} attempts)"),
            rate_limited=limited,
        )

    def get_json(self, path, *, params=None, missing_ok=False):
        response = self.get(path, params=params, missing_ok=missing_ok)
        if response is None:
            return None
        try:
            return json.loads(response.content)
        except ValueError as error:
            where = response.url.split("?", 1)[0]
            raise ProviderError(f"not JSON from {where}: {error}") from error

    def get_text(self, path, *, params=None):
        return self.get(path, params=params).text
