"""Identity numbers at rest: encrypted, with a keyed hash for look-up."""

import base64
import secrets

import pytest

from losen.lib import crypto


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def test_it_round_trips_a_number():
    token = crypto.encrypt("10915596784")
    assert "10915596784" not in token
    assert crypto.decrypt(token) == "10915596784"


def test_it_encrypts_the_same_number_differently_each_time():
    assert crypto.encrypt("10915596784") != crypto.encrypt("10915596784")


def test_the_lookup_hash_is_stable_and_depends_on_the_key(settings):
    first = crypto.lookup_hash("10915596784")
    assert first == crypto.lookup_hash("10915596784")
    assert first != crypto.lookup_hash("10915596785")
    settings.LOSEN_ID_KEY = new_key()
    assert crypto.lookup_hash("10915596784") != first


def test_an_old_key_still_decrypts_after_a_rotation(settings):
    old = settings.LOSEN_ID_KEY
    token = crypto.encrypt("197010632391")
    settings.LOSEN_ID_KEY = new_key()
    settings.LOSEN_ID_OLD_KEYS = [old]
    assert crypto.decrypt(token) == "197010632391"


def test_a_wrong_key_refuses_to_decrypt(settings):
    token = crypto.encrypt("197010632391")
    settings.LOSEN_ID_KEY = new_key()
    settings.LOSEN_ID_OLD_KEYS = []
    with pytest.raises(crypto.KeyMissing):
        crypto.decrypt(token)


def test_it_refuses_to_work_without_a_key(settings):
    settings.LOSEN_ID_KEY = ""
    with pytest.raises(crypto.KeyMissing):
        crypto.encrypt("197010632391")
    assert not crypto.key_is_usable()
