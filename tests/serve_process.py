"""`invoice-graph serve` as a real process, for tests that need one or several."""

import subprocess
import sys
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
