"""A real SMTP server on the loopback (aiosmtpd) that keeps every message it is sent, for
tests of the mail the site sends as it would reach a relay. Started per test by the
`smtp_server` fixture (conftest), which points Django's SMTP backend at it."""

import socket

from aiosmtpd.controller import Controller


class Inbox:
    """aiosmtpd's handler: keeps every message it is sent."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(
            {"to": envelope.rcpt_tos, "text": envelope.content.decode("utf-8", "replace")}
        )
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start():
    """(controller, inbox) of a server started on 127.0.0.1 and a free port."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox
