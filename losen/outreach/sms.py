"""Sending SMS through a pluggable gateway.

The gateway is chosen by the setting (or environment variable) ``LOSEN_SMS_GATEWAY``:

``console`` (default)   writes each message to the process's standard output: for the
                        demo and development; nothing leaves the machine
``file``                appends each message to a file in ``LOSEN_SMS_OUTBOX`` (a folder,
                        default ``var/sms-outbox``), one file per day: for testing and for
                        a setup where another program sends the file
``46elks``              46elks (Sweden), the one real provider adapter:
                        ``LOSEN_SMS_46ELKS_USERNAME``, ``LOSEN_SMS_46ELKS_PASSWORD`` and
                        ``LOSEN_SMS_SENDER`` (at most 11 letters, the neutral sender name)
a dotted path           any class with ``send(to, text) -> SentMessage``

A gateway returns the provider's id for the message; the text itself is never stored or
logged by Losen beyond the gateway (it may name the young person).
"""

from __future__ import annotations

import base64
import json
import sys
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from losen.lib.private_files import open_private, private_directory


class SmsError(Exception):
    """The gateway could not send the message."""


@dataclass(frozen=True)
class SentMessage:
    reference: str


class Gateway(Protocol):
    def send(self, to: str, text: str) -> SentMessage: ...


def _setting(name: str, default: str = "") -> str:
    """A setting of losen/settings.py (read from the environment there)."""
    value = getattr(settings, name, None)
    return default if value in (None, "") else str(value)


class ConsoleGateway:
    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send(self, to: str, text: str) -> SentMessage:
        reference = f"console-{uuid.uuid4().hex[:12]}"
        self.stream.write(f"--- SMS {reference} to {to} ---\n{text}\n---\n")
        return SentMessage(reference)


class FileGateway:
    def __init__(self, folder: str | Path | None = None):
        default = Path(settings.BASE_DIR) / "var" / "sms-outbox"
        self.folder = Path(folder or _setting("LOSEN_SMS_OUTBOX") or default)

    def send(self, to: str, text: str) -> SentMessage:
        private_directory(self.folder)
        reference = f"file-{uuid.uuid4().hex[:12]}"
        day = timezone.localdate().isoformat()
        record = {"reference": reference, "to": to, "text": text, "at": timezone.now().isoformat()}
        with open_private(self.folder / f"sms-{day}.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return SentMessage(reference)


class FortySixElksGateway:
    """46elks' SMS API: POST https://api.46elks.com/a1/sms with from, to, message."""

    URL = "https://api.46elks.com/a1/sms"
    TIMEOUT_SECONDS = 15

    def __init__(self, username: str = "", password: str = "", sender: str = "", opener=None):
        self.username = username or _setting("LOSEN_SMS_46ELKS_USERNAME")
        self.password = password or _setting("LOSEN_SMS_46ELKS_PASSWORD")
        self.sender = (sender or _setting("LOSEN_SMS_SENDER", "Losen"))[:11]
        # `opener(request, timeout)` sends the request; tests pass their own.
        self.opener = opener or urllib.request.urlopen

    def send(self, to: str, text: str) -> SentMessage:
        if not (self.username and self.password):
            raise SmsError("46elks is not configured (LOSEN_SMS_46ELKS_USERNAME/_PASSWORD).")
        body = urllib.parse.urlencode({"from": self.sender, "to": to, "message": text}).encode()
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - a fixed https URL
            self.URL,
            data=body,
            headers={"Authorization": f"Basic {token}"},
            method="POST",
        )
        try:
            with self.opener(request, timeout=self.TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read().decode())
        except (OSError, ValueError) as error:
            raise SmsError(f"46elks did not accept the message ({type(error).__name__}).") from None
        if answer.get("status") == "failed" or "id" not in answer:
            raise SmsError("46elks did not accept the message.")
        return SentMessage(str(answer["id"]))


ALIASES = {"console": ConsoleGateway, "file": FileGateway, "46elks": FortySixElksGateway}


def gateway() -> Gateway:
    name = _setting("LOSEN_SMS_GATEWAY", "console") or "console"
    factory = ALIASES.get(name) or import_string(name)
    return factory()


def normalise_phone(phone: str, country: str) -> str:
    """+47/+46 and digits, for the gateway; "" when nothing usable is left."""
    digits = "".join(c for c in phone if c.isdigit() or c == "+")
    if not digits:
        return ""
    if digits.startswith("+"):
        return digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    prefix = "+46" if country == "SE" else "+47"
    return prefix + digits.lstrip("0") if country == "SE" else prefix + digits
