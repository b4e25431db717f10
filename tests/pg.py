"""A throwaway PostgreSQL server for the suite: initdb + pg_ctl in a temp dir, loopback only.

`.ci/run` installs Debian's postgresql when it is absent; elsewhere the tests that need it skip."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bin(name: str) -> str | None:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else shutil.which(name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self):
        self.initdb, self.pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
        self.dir = Path(tempfile.mkdtemp(prefix="juesuan-pg-"))
        self.port = free_port()
        # PostgreSQL refuses to run as root: run it as the postgres user when we are root
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def available(self) -> bool:
        return bool(self.initdb and self.pg_ctl and (not self.as_user or shutil.which("runuser")))

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        self._run(self.initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions")
        options = f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        self._run(self.pg_ctl, "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(self.pg_ctl, "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def fresh_database(postgres_url: str, name: str) -> str:
    """A database of its own on the session's server (other tests store documents there too)."""
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as con:
        con.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        con.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return postgres_url.rsplit("/", 1)[0] + f"/{name}"
