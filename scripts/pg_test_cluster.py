#!/usr/bin/env python3
"""A throwaway PostgreSQL cluster for the test suite (standard library only).

    python scripts/pg_test_cluster.py start DIR   # prints DATABASE_URL on stdout
    python scripts/pg_test_cluster.py url DIR     # prints it again
    python scripts/pg_test_cluster.py stop DIR    # stops the server, removes DIR

The cluster lives entirely inside DIR: data directory, unix socket, server log. It
listens on a free TCP port on 127.0.0.1, trusts every local connection and runs with
durability switched off (fsync, synchronous_commit, full_page_writes) for speed: it
is for tests only. The bootstrap user is a superuser, so Django's test runner can
create its ``test_*`` databases.

initdb and postgres refuse to run as root. When this script runs as root, DIR is
handed to the ``postgres`` system user (created by Debian's postgresql package) and
the server binaries run as that user. DIR's parent folders must then be reachable by
that user (a folder made by ``mktemp -d`` under /tmp is).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

DB_USER = "losen"
DB_NAME = "losen_test"
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "log_min_messages": "warning",
}
STATE_FILE = "cluster.json"
START_TIMEOUT = 60  # seconds


class ClusterError(Exception):
    pass


def log(message: str) -> None:
    print(f"pg_test_cluster: {message}", file=sys.stderr)


# --- finding PostgreSQL ------------------------------------------------------------


def _version_key(path: Path) -> tuple[int, ...]:
    # /usr/lib/postgresql/<version>/bin/initdb
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.parent.name)) or (0,)


def find_bindir() -> Path:
    """The newest PostgreSQL server binaries on this machine."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version_key)
    if candidates:
        return candidates[-1].parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, check=False
        )
        bindir = Path(result.stdout.strip())
        if result.returncode == 0 and (bindir / "initdb").exists():
            return bindir
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    raise ClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found under "
        "/usr/lib/postgresql/*/bin, via pg_config or on PATH. "
        "Install them, e.g. `apt-get install postgresql` on Debian/Ubuntu."
    )


# --- running the binaries as the right user -------------------------------------------


def server_user() -> pwd.struct_passwd | None:
    """The account to run the server binaries as, or None for the current user."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise ClusterError(
            "running as root, and there is no `postgres` system user to run the "
            "PostgreSQL server as (the Debian postgresql package creates it). "
            "Run as an ordinary user, or install the postgresql package."
        ) from None


def run(
    args: list[str | os.PathLike],
    user: pwd.struct_passwd | None,
    cwd: Path,
    *,
    capture: bool = True,
    check: bool = True,
) -> subprocess.CompletedProcess:
    kwargs: dict = {}
    if user is not None:
        kwargs.update(user=user.pw_uid, group=user.pw_gid, extra_groups=[])
    env = dict(os.environ)
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGSERVICE"):
        env.pop(name, None)
    if user is not None:
        env.update(HOME=user.pw_dir, USER=user.pw_name, LOGNAME=user.pw_name)
    env["LC_ALL"] = "C"
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        # Never hand our stdout (which carries the DATABASE_URL) to a child: a server
        # left running with it open would keep `$(... start DIR)` waiting forever.
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if capture else subprocess.DEVNULL,
        text=True,
        check=False,
        **kwargs,
    )
    if check and result.returncode != 0:
        output = (result.stdout or "").strip()
        raise ClusterError(
            f"`{' '.join(str(a) for a in args)}` failed with exit code "
            f"{result.returncode}" + (f":\n{output}" if output else "")
        )
    return result


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- state ----------------------------------------------------------------------------


def state_path(directory: Path) -> Path:
    return directory / STATE_FILE


def read_state(directory: Path) -> dict | None:
    try:
        return json.loads(state_path(directory).read_text())
    except (FileNotFoundError, ValueError):
        return None


def database_url(state: dict) -> str:
    return f"postgres://{state['user']}@127.0.0.1:{state['port']}/{state['database']}"


def log_tail(directory: Path, lines: int = 30) -> str:
    try:
        text = (directory / "postgres.log").read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


# --- commands -------------------------------------------------------------------------


def start(directory: Path) -> str:
    directory = directory.absolute()
    if read_state(directory) is not None:
        raise ClusterError(f"{directory} already holds a cluster; stop it first")
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise ClusterError(f"{directory} is not empty")

    bindir = find_bindir()
    user = server_user()
    state = {
        "bindir": str(bindir),
        "data": str(directory / "data"),
        "user": DB_USER,
        "database": DB_NAME,
        "port": None,
        "pid": None,
    }
    # Written first, so that `stop` can clean up after a start that failed half-way.
    state_path(directory).write_text(json.dumps(state, indent=2))
    try:
        return _start(directory, bindir, user, state)
    except BaseException:
        with contextlib.suppress(Exception):
            stop(directory)
        raise


def _start(directory: Path, bindir: Path, user, state: dict) -> str:
    data = Path(state["data"])
    sockets = directory / "socket"
    sockets.mkdir()
    if user is not None:
        for path in (directory, sockets, state_path(directory)):
            os.chown(path, user.pw_uid, user.pw_gid)
        probe = run(["test", "-w", str(directory)], user, cwd=Path("/"), check=False)
        if probe.returncode != 0:
            raise ClusterError(
                f"the `postgres` user cannot reach {directory}; use a folder whose "
                "parents it may enter, e.g. one made by `mktemp -d` under /tmp"
            )

    run(
        [
            bindir / "initdb",
            "--pgdata",
            data,
            "--username",
            DB_USER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        ],
        user,
        cwd=directory,
    )

    last_error: ClusterError | None = None
    for _attempt in range(3):
        # The port is free now but nothing reserves it: retry if someone takes it.
        port = free_port()
        options = " ".join(
            [f"-p {port}", f"-k {sockets}"]
            + [f"-c {name}={value}" for name, value in SERVER_SETTINGS.items()]
        )
        result = run(
            [
                bindir / "pg_ctl",
                "--pgdata",
                data,
                "--log",
                directory / "postgres.log",
                "--options",
                options,
                "--wait",
                "--timeout",
                str(START_TIMEOUT),
                "start",
            ],
            user,
            cwd=directory,
            check=False,
        )
        if result.returncode == 0:
            break
        last_error = ClusterError(
            f"PostgreSQL did not start on port {port}:\n{result.stdout.strip()}\n"
            f"--- server log ---\n{log_tail(directory)}"
        )
        run(
            [bindir / "pg_ctl", "--pgdata", data, "stop", "-m", "immediate"],
            user,
            cwd=directory,
            check=False,
        )
    else:
        assert last_error is not None
        raise last_error

    state["port"] = port
    state["pid"] = read_postmaster_pid(data)
    state_path(directory).write_text(json.dumps(state, indent=2))

    wait_until_ready(bindir, user, directory, port)
    run(
        [
            bindir / "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            DB_USER,
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-q",
            "-c",
            f'CREATE DATABASE "{DB_NAME}"',
        ],
        user,
        cwd=directory,
    )
    return database_url(state)


def read_postmaster_pid(data: Path) -> int | None:
    try:
        return int((data / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def wait_until_ready(bindir: Path, user, directory: Path, port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        result = run(
            [
                bindir / "pg_isready",
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                DB_USER,
                "-d",
                "postgres",
                "-t",
                "2",
            ],
            user,
            cwd=directory,
            check=False,
        )
        if result.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise ClusterError(
                f"PostgreSQL on port {port} did not accept connections within "
                f"{START_TIMEOUT}s:\n--- server log ---\n{log_tail(directory)}"
            )
        time.sleep(0.2)


def stop(directory: Path) -> None:
    directory = directory.absolute()
    if not directory.exists():
        log(f"{directory} does not exist; nothing to stop")
        return
    state = read_state(directory)
    if state is None:
        if any(directory.iterdir()):
            raise ClusterError(
                f"{directory} has no {STATE_FILE}: not made by this script, not removing it"
            )
        directory.rmdir()
        return

    data = Path(state["data"])
    if (data / "postmaster.pid").exists():
        user = server_user()
        result = run(
            [
                Path(state["bindir"]) / "pg_ctl",
                "--pgdata",
                data,
                "stop",
                "-m",
                "immediate",
                "--wait",
                "--timeout",
                "30",
            ],
            user,
            cwd=directory,
            check=False,
        )
        if result.returncode != 0:
            log(f"pg_ctl stop failed ({result.stdout.strip()}); killing the server")
            pid = read_postmaster_pid(data) or state.get("pid")
            if pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                time.sleep(0.5)
    shutil.rmtree(directory)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("command", choices=["start", "stop", "url"])
    parser.add_argument("directory", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(start(args.directory), flush=True)
        elif args.command == "url":
            state = read_state(args.directory)
            if state is None or not state.get("port"):
                raise ClusterError(f"no running cluster in {args.directory}")
            print(database_url(state))
        else:
            stop(args.directory)
    except ClusterError as error:
        log(f"error: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
