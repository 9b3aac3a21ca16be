"""Load with wrk: a Lua script per operation, the figures read back from its done() callback."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.documents import CANCEL, Operation

_REPORT = """
local threads = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end
function init(args)
  failures = 0
  pending = nil
end
function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("failures") end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"socket_errors":%d,"non_2xx":%d,"failures":%d,'
    .. '"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status, failed,
    latency:percentile(50), latency:percentile(99)))
end
"""

_READ = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.body = [==[{body}]==]
function response(status, headers, body)
  if string.sub(body, 1, 9) ~= '{{"data":{{' or string.find(body, '"errors":', 1, true) then
    failures = failures + 1
  end
end
"""

# One connection per thread, so each thread's Lua state sees its own apply's answer before the
# cancel that follows it; every thread applies for a different account.
_CYCLE = """
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local bodies = {{ {bodies} }}
function request()
  if pending then
    return wrk.format("POST", "/graphql", nil, [==[{cancel_prefix}]==] .. pending .. [==[{cancel_suffix}]==])
  end
  return wrk.format("POST", "/graphql", nil, bodies[tid])
end
function response(status, headers, body)
  local ok = string.find(body, '"userErrors":[]', 1, true)
  if not ok then failures = failures + 1 end
  if pending then
    pending = nil
  elseif ok then
    pending = string.match(body, '"id":"([^"]+)"')
  end
end
"""


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What one wrk run measured."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int


def ensure_wrk() -> str:
    """The wrk binary, installed from Debian's packages when missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it with apt-get (Debian's package)...", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)  # noqa: S607 (Debian's apt-get)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)  # noqa: S607
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed; install it (apt-get install wrk) and run again")
    return found


def _cancel_parts() -> tuple[str, str]:
    marker = "@@ID@@"
    text = json.dumps({"query": CANCEL, "variables": {"id": marker}}, separators=(",", ":"))
    prefix, suffix = text.split(marker)
    return prefix, suffix


def lua_script(operation: Operation) -> str:
    """The wrk script for an operation."""
    if operation.cycle:
        prefix, suffix = _cancel_parts()
        bodies = ", ".join(f"[==[{body}]==]" for body in operation.bodies)
        script = _CYCLE.format(
            token=operation.token, bodies=bodies, cancel_prefix=prefix, cancel_suffix=suffix
        )
    else:
        script = _READ.format(token=operation.token, body=operation.bodies[0])
    return script + _REPORT


def run_wrk(
    wrk: str, url: str, operation: Operation, *, connections: int, seconds: float, threads: int
) -> LoadResult:
    """Load url with an operation for a bounded time at a fixed concurrency."""
    if operation.cycle:
        connections = threads = min(connections, len(operation.bodies))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(operation))
    command = [
        wrk,
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        script.name,
        url,
    ]
    try:
        done = subprocess.run(  # noqa: S603 (our own wrk command line)
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        )
    finally:
        Path(script.name).unlink(missing_ok=True)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{done.stdout}\n{done.stderr}")
    figures = json.loads(line[len("BENCH ") :])
    seconds_run = figures["duration_us"] / 1e6
    return LoadResult(
        requests_per_s=figures["requests"] / seconds_run,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        requests=figures["requests"],
        failures=figures["failures"] + figures["non_2xx"] + figures["socket_errors"],
    )
