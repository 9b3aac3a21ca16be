"""Where the benchmark's databases live, and the two HTTP servers it loads."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from invoice_graph.config import Settings
from invoice_graph.db.embedded import start_embedded


def plain_dsn(url: str) -> str:
    """A postgresql:// DSN for asyncpg from a postgresql+asyncpg:// URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class DatabaseServer:
    """The server named by BENCH_DATABASE_URL or DATABASE_URL, else an embedded one in a temp folder."""

    def __init__(self) -> None:
        configured = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL")
        self.base = Settings(database_url=configured).database_url if configured else None
        self.folder: Path | None = None
        self.handles: list[Any] = []

    @property
    def embedded(self) -> bool:
        """Whether the databases live in an embedded server of this run."""
        return self.base is None

    def describe(self) -> str:
        """Where the data lives, for the report."""
        if self.base is None:
            return "embedded PostgreSQL (pgserver) in a temporary folder"
        return f"PostgreSQL at {make_url(self.base).host or 'local socket'}"

    async def database(self, name: str, *, fresh: bool) -> str:
        """The URL of a database of this name on the server, created (or recreated when fresh)."""
        if self.base is None:
            if self.folder is None:
                # Not 0700: the embedded server runs as its own user when the harness runs as root.
                self.folder = Path(tempfile.mkdtemp(prefix="invoice-graph-bench-"))
                self.folder.chmod(0o755)
            url, handle = start_embedded(self.folder, database=name)
            self.handles.append(handle)
            return url
        admin = await asyncpg.connect(plain_dsn(self.base))
        try:
            exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if exists and fresh:
                await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            if not exists or fresh:
                await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        return make_url(self.base).set(database=name).render_as_string(hide_password=False)

    async def comment(self, url: str, value: str | None = None) -> str | None:
        """Read (or set) the database's comment, which records the data set it holds."""
        connection = await asyncpg.connect(plain_dsn(url))
        try:
            name = make_url(url).database
            if value is not None:
                await connection.execute(f"COMMENT ON DATABASE \"{name}\" IS '{value}'")
            result: str | None = await connection.fetchval(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name
            )
            return result
        finally:
            await connection.close()

    def close(self) -> None:
        """Stop an embedded server and remove its folder."""
        for handle in self.handles:
            handle.cleanup()
        self.handles.clear()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited at start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (a loopback URL of our own)
                return
        except OSError as error:
            # A 401/405 answer means the server is up.
            if getattr(error, "code", None) in (401, 404, 405):
                return
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up in 60 s:\n{log.read_text()[-3000:]}")


@contextmanager
def serving(command: list[str], env: dict[str, str], url: str, log: Path) -> Iterator[int]:
    """Run a server process until the block ends; yields its pid."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        _wait_until_up(url, process, log)
        yield process.pid
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def api_command(port: int, *, workers: int = 1) -> list[str]:
    """The real server: `invoice-graph serve` (one uvicorn worker unless told otherwise)."""
    command = [invoice_graph_command(), "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [*command, "--workers", str(workers)] if workers > 1 else command


def invoice_graph_command() -> str:
    """The installed invoice-graph command beside this Python."""
    beside = Path(sys.executable).parent / "invoice-graph"
    return str(beside) if beside.exists() else (shutil.which("invoice-graph") or "invoice-graph")


def floor_command(dsn: str, port: int, extensions: Path) -> list[str]:
    """The floor server."""
    return [
        sys.executable,
        "-m",
        "bench.floor",
        "--dsn",
        dsn,
        "--port",
        str(port),
        "--extensions",
        str(extensions),
    ]


def worker_cpu_ticks(pid: int) -> dict[int, int]:
    """CPU time so far (clock ticks, user + system) of each uvicorn worker of a `serve --workers` process."""
    ticks = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            spawned = b"spawn_main" in (stat.parent / "cmdline").read_bytes()
        except OSError:  # it exited meanwhile
            continue
        if int(fields[1]) == pid and spawned:
            ticks[int(stat.parent.name)] = int(fields[11]) + int(fields[12])
    return ticks


def peak_rss_mb(pid: int) -> float:
    """The peak resident set size (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
