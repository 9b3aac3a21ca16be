"""Headless Chromium driven over the Chrome DevTools Protocol (Debian's `chromium` package)."""

import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

_LISTENING = re.compile(r"DevTools listening on (ws://[^\s]+)")
START_SECONDS = 30.0


def chromium_or_skip() -> str:
    """Chromium's path; without it the test skips, or fails when CI is set (CI must prove it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "Chromium is not installed (Debian: apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the browser test")
    pytest.skip(reason)


class Page:
    """One browser tab: send a DevTools command, evaluate JavaScript, wait for a condition."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self._ids = itertools.count(1)

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Run a DevTools command and return its result (events in between are ignored)."""
        command_id = next(self._ids)
        self.socket.send(json.dumps({"id": command_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=START_SECONDS))
            if message.get("id") == command_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message["result"]
                return result

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, *, seconds: float = 20.0) -> Any:
        """Poll a JavaScript expression until it is truthy; its value."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for: {expression}")


@contextmanager
def open_page(executable: str) -> Iterator[Page]:
    """A fresh headless Chromium with one blank tab, resolving no host name but 127.0.0.1."""
    profile = tempfile.mkdtemp(prefix="invoice-graph-chromium-")
    # Into a file, not a pipe: nobody reads a pipe after startup, and a full one would stall Chromium.
    log = Path(profile) / "chromium.log"
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 (our own arguments)
            [
                executable,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
                # No internet for the page: a CDN host name would not even resolve.
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stderr=output,
            stdout=subprocess.DEVNULL,
        )
    try:
        browser_url = _devtools_url(process, log)
        with connect(browser_url, max_size=None) as browser:
            target = Page(browser).send("Target.createTarget", url="about:blank")["targetId"]
            page_url = browser_url.split("/devtools/")[0] + f"/devtools/page/{target}"
            with connect(page_url, max_size=None) as socket:
                yield Page(socket)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_url(process: "subprocess.Popen[bytes]", log: Path) -> str:
    """The browser's DevTools websocket address, read from what Chromium prints at start."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if match := _LISTENING.search(log.read_text(errors="replace")):
            return match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError("Chromium did not start:\n" + log.read_text(errors="replace")[-3000:])
