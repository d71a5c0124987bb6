"""Settings for the test suite: throwaway keys, synthetic numbers on, a fast hasher."""

import atexit
import base64
import os
import secrets
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("LOSEN_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("LOSEN_ID_KEY", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("LOSEN_ALLOW_SYNTHETIC_IDS", "1")

from losen.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "nb"
# Jobs run within the request that starts them (the in-memory test database cannot be
# shared with the job threads), and keep their files in a throwaway folder.
LOSEN_JOB_RUNNER = "inline"
LOSEN_JOB_DIR = Path(tempfile.mkdtemp(prefix="losen-test-jobs-"))
atexit.register(shutil.rmtree, LOSEN_JOB_DIR, ignore_errors=True)
