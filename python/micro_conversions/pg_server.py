"""A throwaway PostgreSQL server on 127.0.0.1 for tests: a fresh data directory, a free port,
trust authentication (local only), stopped and removed afterwards.

Uses the server binaries of Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin).
As root, the server runs as the `postgres` system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_bin_dir() -> Path | None:
    """The newest installed server's bin directory, or None."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    bin_dir: Path
    data_dir: Path
    socket_dir: Path
    port: int
    user: str = "postgres"
    host: str = "127.0.0.1"

    def _as_owner(self, args: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return args

    def start(self) -> None:
        subprocess.run(
            self._as_owner(
                [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", self.user, "--auth=trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            self._as_owner(
                [
                    str(self.bin_dir / "pg_ctl"),
                    "-D",
                    str(self.data_dir),
                    "-o",
                    options,
                    "-l",
                    str(self.data_dir / "log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self) -> None:
        subprocess.run(
            self._as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop"]),
            check=False,
            capture_output=True,
        )

    def connect(self, dbname: str = "postgres", user: str | None = None):
        import psycopg2

        return psycopg2.connect(host=self.host, port=self.port, user=user or self.user, dbname=dbname)

    def create_database(self, name: str) -> None:
        con = self.connect()
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(f'create database "{name}"')
        con.close()

    def environment(self, database: str, schema: str = "micro_conversions") -> dict[str, str]:
        """The MC_PG_* variables that point the `postgres` dbt target at this server."""
        return {
            "MC_TARGET": "postgres",
            "MC_PG_HOST": self.host,
            "MC_PG_PORT": str(self.port),
            "MC_PG_USER": self.user,
            "MC_PG_PASSWORD": "",
            "MC_PG_DATABASE": database,
            "MC_PG_SCHEMA": schema,
        }


def start_server(root: Path | None = None) -> PostgresServer:
    """Starts a server in a new directory; raises RuntimeError when no server is installed."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        raise RuntimeError("no PostgreSQL server installed (apt-get install -y postgresql)")
    root = Path(tempfile.mkdtemp(prefix="mc-pg-", dir=root))
    data_dir, socket_dir = root / "data", root / "socket"
    socket_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(socket_dir, "postgres")
    server = PostgresServer(bin_dir=bin_dir, data_dir=data_dir, socket_dir=socket_dir, port=_free_port())
    server.start()
    for _ in range(50):
        try:
            server.connect().close()
            break
        except Exception:  # noqa: BLE001 - still starting
            time.sleep(0.1)
    return server
