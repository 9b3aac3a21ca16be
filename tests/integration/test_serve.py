"""`invoice-graph serve` run as a real process: what it prints, its workers, how it stops.

Linux only, like the deployment: the workers test reads /proc to see which process answered.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from invoice_graph.db.embedded import start_embedded
from invoice_graph.db.engine import Database
from invoice_graph.db.tables import rate_limit_buckets
from invoice_graph.domain.viewer import Role
from invoice_graph.services.tokens import create_token
from tests.serve_process import start_serve

STOP_SECONDS = 30.0


def _environment(**settings: str | None) -> dict[str, str]:
    """This process's environment with these settings; None removes one."""
    environment = {**os.environ, "ENVIRONMENT": "test", "LOG_LEVEL": "WARNING"}
    for name, value in settings.items():
        environment.pop(name, None)
        if value is not None:
            environment[name] = value
    return environment


def _stop(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    """SIGTERM, then the exit status, stdout and stderr."""
    process.send_signal(signal.SIGTERM)
    try:
        out, err = process.communicate(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        pytest.fail(f"serve did not stop within {STOP_SECONDS} s of SIGTERM:\n{err}")
    return process.returncode, out, err


@pytest.mark.parametrize(
    ("settings", "graphiql"),
    [({}, True), ({"GRAPHIQL": "false"}, False), ({"ENVIRONMENT": "production"}, False)],
)
def test_serve_mentions_graphiql_only_when_it_is_on(
    migrated_url: str, settings: dict[str, str], graphiql: bool
) -> None:
    process, base = start_serve(_environment(DATABASE_URL=migrated_url, **settings))
    page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=5)
    status, out, _ = _stop(process)
    assert status in (0, 128 + signal.SIGTERM)
    assert f"Serving the GraphQL API at {base}/graphql." in out.splitlines()
    assert ("GraphiQL" in out) is graphiql
    # and what it says matches what is served
    assert ("graphiql" in page.text.lower()) is graphiql


@pytest.mark.parametrize("workers", ["1", "2"])
def test_answers_on_a_kept_alive_connection_do_not_wait_for_delayed_acks(
    migrated_url: str, workers: str
) -> None:
    # given a server, and a client that keeps its connection open between requests
    process, base = start_serve(_environment(DATABASE_URL=migrated_url), "--workers", workers)
    try:
        with httpx.Client(timeout=5) as client:
            client.get(f"{base}/healthz")
            # when it asks for /healthz again and again
            durations = []
            for _ in range(20):
                started = time.perf_counter()
                assert client.get(f"{base}/healthz").status_code == 200
                durations.append(time.perf_counter() - started)
    finally:
        _stop(process)
    # then each answer comes at once, not after the ~40 ms of a delayed ACK (TCP_NODELAY is on)
    assert sorted(durations)[len(durations) // 2] < 0.02, durations


@pytest.fixture
def fresh_data_dir() -> Iterator[Path]:
    """A DATA_DIR outside pytest's temporary root (see tests/integration/test_cli.py)."""
    folder = Path(tempfile.mkdtemp(prefix="invoice-graph-serve-"))
    yield folder / "data"
    if (folder / "data" / "pgdata" / "postmaster.pid").exists():  # left running by a failure
        _, server = start_embedded(folder / "data")
        server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def test_the_embedded_postgresql_stops_with_the_server_and_quietly(fresh_data_dir: Path) -> None:
    # given a server on an embedded PostgreSQL, logging at INFO
    environment = _environment(
        DATABASE_URL=None, TEST_DATABASE_URL=None, DATA_DIR=str(fresh_data_dir), LOG_LEVEL="INFO"
    )
    process, _ = start_serve(environment)
    # when it is asked to stop
    status, _, err = _stop(process)
    # then PostgreSQL is stopped, and nothing of pgserver's pg_ctl runs was printed
    assert status in (0, 128 + signal.SIGTERM), err
    assert not (fresh_data_dir / "pgdata" / "postmaster.pid").exists()
    assert "Finished server process" in err  # the server's own INFO lines still show
    for chatter in ("pgserver", "pg_ctl", "server stopped", "waiting for server"):
        assert chatter not in err


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it exited meanwhile
            continue
        if int(after_name[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _workers(pid: int) -> list[int]:
    """The uvicorn worker processes of a `serve --workers` process (multiprocessing spawns them)."""
    return [child for child in _children(pid) if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def _owner(connection: socket.socket, processes: list[int]) -> int | None:
    """Which of `processes` holds the server's end of this loopback TCP connection."""
    client_port, server_port = connection.getsockname()[1], connection.getpeername()[1]
    inodes = {
        fields[9]
        for fields in (line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:])
        if fields[1].endswith(f":{server_port:04X}") and fields[2].endswith(f":{client_port:04X}")
    }
    targets = {f"socket:[{inode}]" for inode in inodes}
    for pid in processes:
        for descriptor in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(descriptor) in targets:
                    return pid
            except OSError:  # closed meanwhile
                continue
    return None


def _health_on_new_connection(port: int) -> tuple[socket.socket, bytes]:
    """GET /healthz on a connection of its own, left open; and the start of the answer."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    return connection, connection.recv(4096)


def _count_buckets(url: str) -> int:
    async def count() -> int:
        database = Database.connect(url, pool_size=1)
        try:
            async with database.read() as connection:
                query = select(func.count()).select_from(rate_limit_buckets)
                return int((await connection.execute(query)).scalar_one())
        finally:
            await database.dispose()

    return asyncio.run(count())


def _finance_token(url: str) -> str:
    async def make() -> str:
        database = Database.connect(url, pool_size=1)
        try:
            return (await create_token(database, role=Role.FINANCE)).secret
        finally:
            await database.dispose()

    return asyncio.run(make())


def test_serve_with_two_workers_answers_from_both_and_stops_cleanly(
    migrated_url: str, database: Database
) -> None:
    # given `serve --workers 2` on the test database
    process, base = start_serve(_environment(DATABASE_URL=migrated_url), "--workers", "2")
    try:
        workers = _workers(process.pid)
        assert len(workers) == 2, workers

        # when requests come in on new connections
        answered: set[int] = set()
        connections: list[socket.socket] = []
        deadline = time.monotonic() + 30
        while len(answered) < 2 and time.monotonic() < deadline:
            connection, answer = _health_on_new_connection(int(base.rsplit(":", 1)[1]))
            connections.append(connection)
            assert answer.startswith(b"HTTP/1.1 200"), answer
            if (owner := _owner(connection, workers)) is not None:
                answered.add(owner)
        for connection in connections:
            connection.close()
        # then both worker processes have answered some
        assert answered == set(workers)

        # and, the rate-limit store being unset, the workers share buckets in PostgreSQL
        token = _finance_token(migrated_url)
        response = httpx.post(
            f"{base}/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        assert _count_buckets(migrated_url) == 1
    finally:
        # when asked to stop, every worker stops and then the server exits cleanly
        status, out, err = _stop(process)
    assert status == 0, err
    assert "(2 server processes)" in out
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
