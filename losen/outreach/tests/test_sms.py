"""The SMS gateways: console and file by default, 46elks behind the setting; no network."""

from __future__ import annotations

import io
import json

import pytest

from losen.outreach import sms


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *args):
        return False


def test_the_console_gateway_is_the_default(settings):
    assert settings.LOSEN_SMS_GATEWAY == "console"  # without LOSEN_SMS_GATEWAY set
    assert isinstance(sms.gateway(), sms.ConsoleGateway)
    settings.LOSEN_SMS_GATEWAY = ""
    assert isinstance(sms.gateway(), sms.ConsoleGateway)


def test_the_46elks_adapter_posts_the_message_with_basic_auth_and_a_neutral_sender():
    sent = []

    def opener(request, timeout):
        sent.append(request)
        return FakeResponse(json.dumps({"id": "s123", "status": "created"}).encode())

    gateway = sms.FortySixElksGateway("u", "p", sender="Ungdomsteam", opener=opener)
    assert gateway.send("+46701234567", "Hej!").reference == "s123"
    [request] = sent
    assert request.full_url == "https://api.46elks.com/a1/sms"
    assert request.headers["Authorization"].startswith("Basic ")
    assert b"from=Ungdomstea" in request.data and b"to=%2B46701234567" in request.data


def test_the_46elks_adapter_reports_a_failure_without_the_message():
    def opener(request, timeout):
        raise OSError("no route")

    with pytest.raises(sms.SmsError) as failure:
        sms.FortySixElksGateway("u", "p", opener=opener).send("+46701234567", "Hej Alva")
    assert "Alva" not in str(failure.value)


def test_phone_numbers_get_the_country_prefix():
    assert sms.normalise_phone("070-123 45 67", "SE") == "+46701234567"
    assert sms.normalise_phone("412 34 567", "NO") == "+4741234567"
    assert sms.normalise_phone("", "NO") == ""
