"""The webhooks' tests: a real local HTTP receiver, keys and published claims."""

import http.server
import threading
import time

import pytest

from claimcheck.accounts import services as key_services
from claimcheck.claims import services as claim_services

from ..factories import ClaimFactory, EvidenceLinkFactory, ReviewerFactory


class Receiver:
    """A local HTTP server that answers as `mode` says: ok (204), fail (500), wrong (404),
    redirect (302 to another address), slow (answers after the sender's timeout)."""

    def __init__(self):
        self.mode, self.requests = "ok", []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((self.headers, body))  # names: any case
                if outer.mode == "slow":
                    time.sleep(1.0)
                status = {"ok": 204, "fail": 500, "wrong": 404, "redirect": 302, "slow": 200}
                self.send_response(status[outer.mode])
                if outer.mode == "redirect":
                    self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/claimcheck"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_PLAIN_HTTP = True
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True  # the receiver is on loopback
    settings.WEBHOOKS_TIMEOUT = 0.5
    settings.SITE_URL = "https://claimcheck.example.org"
    server = Receiver()
    yield server
    server.stop()


@pytest.fixture
def partner_key(system_user):
    key, _ = key_services.api_key_create(by=system_user, name="Retailer", user=system_user)
    return key


def published(system_user, text="Exosome serum reverses wrinkles"):
    claim = EvidenceLinkFactory(claim=ClaimFactory(text=text)).claim
    claim = claim_services.claim_submit_for_review(claim=claim, by=system_user)
    return claim_services.claim_publish(claim=claim, by=system_user, reviewer=ReviewerFactory())
