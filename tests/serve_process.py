"""`invoice-graph serve` as a real process, for tests that need one or several."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest

from tests.network import free_port

START_SECONDS = 60.0  # a fresh embedded PostgreSQL runs initdb first


def start_serve(environment: dict[str, str], *args: str) -> tuple[subprocess.Popen[str], str]:
    """`invoice-graph serve ARGS` on a free port, once /healthz answers; and its base URL."""
    port = free_port()
    command = [sys.executable, "-c", "from invoice_graph.cli import main; main()", "serve"]
    process = subprocess.Popen(  # noqa: S603 (this Python, our own command)
        [*command, "--port", str(port), *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:  # polling a process that gives no other signal it is up
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{process.communicate()[1]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"serve did not answer /healthz in {START_SECONDS} s:\n{process.communicate()[1]}")


def worker_environment(database_url: str, data_dir: str, **settings: str) -> dict[str, str]:
    """The environment of an `invoice-graph worker` over the test database, quick to poll and to
    give up a dead worker's jobs (5 s leases)."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DATABASE_URL"}}
    environment.update(
        DATABASE_URL=database_url,
        ENVIRONMENT="test",
        LOG_LEVEL="ERROR",
        JOB_POLL_SECONDS="0.1",
        JOB_LEASE_SECONDS="5",
        DATA_DIR=data_dir,
        **settings,
    )
    return environment


async def kill_worker_mid_job(environment: dict[str, str], started: threading.Event) -> None:
    """Run `invoice-graph worker` until `started` is set (its job is under way), then SIGKILL it."""
    worker = subprocess.Popen(  # noqa: ASYNC220 (started once; its output is not read)
        [sys.executable, "-c", "from invoice_graph.cli import main; main()", "worker"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        arrived = await asyncio.to_thread(started.wait, 60)
        assert arrived, "the worker never started the job"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
