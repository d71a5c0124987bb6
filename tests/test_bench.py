"""`make bench` reads BENCH_YOUTHS from the environment: a malformed one is a usage error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_malformed_bench_youths_is_a_usage_error_not_a_traceback():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py")],
        env={**os.environ, "BENCH_YOUTHS": "mange"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "argument --youths: invalid int value: 'mange'" in result.stderr
    assert "Traceback" not in result.stderr
