"""The results table: printed, and written into bench/RESULTS.md between markers."""

import os
import platform
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.counting import Counted
from bench.documents import Operation
from bench.load import LoadResult
from bench.offline import OfflineFigures

START = "<!-- bench:start (written by python -m bench; edit outside the markers) -->"
END = "<!-- bench:end -->"
RoundFigures = tuple[LoadResult, LoadResult, LoadResult, LoadResult]
# A round counts as balanced when no worker did more than this share of the work.
BALANCED_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class WorkersRound:
    """One round of the console page: one worker, the floor, several workers, and the busiest
    worker's share of the several workers' CPU time."""

    one: LoadResult
    floor: LoadResult
    several: LoadResult
    busiest_share: float


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _seconds(value: float) -> str:
    """A duration for the offline table: two decimals below ten seconds, one from there."""
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _load_table(operations: Sequence[Operation], rounds: Mapping[str, Sequence[RoundFigures]]) -> list[str]:
    rows = [
        "| query | API req/s | floor req/s | API/floor throughput | API p50 / p99 ms | floor p50 / p99 ms "
        "| unloaded p50 API / floor ms | unloaded p50 ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for operation in operations:
        figures = rounds.get(operation.name, [])
        if not figures:
            continue
        api = [f[0] for f in figures]
        floor = [f[1] for f in figures]
        api_1 = [f[2] for f in figures]
        floor_1 = [f[3] for f in figures]
        ratio = _median([a.requests_per_s / f.requests_per_s for a, f, _, _ in figures])
        p50_ratio = _median([a.p50_ms / f.p50_ms for _, _, a, f in figures])
        failures = sum(r.failures for f in figures for r in f)
        note = f" ({failures} failed)" if failures else ""
        rows.append(
            f"| {operation.name}{note} | {_median([r.requests_per_s for r in api]):.0f} "
            f"| {_median([r.requests_per_s for r in floor]):.0f} | **1/{1 / ratio:.1f}** ({ratio:.2f}) "
            f"| {_median([r.p50_ms for r in api]):.1f} / {_median([r.p99_ms for r in api]):.1f} "
            f"| {_median([r.p50_ms for r in floor]):.1f} / {_median([r.p99_ms for r in floor]):.1f} "
            f"| {_median([r.p50_ms for r in api_1]):.2f} / {_median([r.p50_ms for r in floor_1]):.2f} "
            f"| {p50_ratio:.1f}x |"
        )
    return rows


def _count_table(operations: Sequence[Operation], counts: Mapping[str, tuple[Counted, Counted]]) -> list[str]:
    rows = [
        "| query | API SQL statements / request | API round trips / request | BEGIN/COMMIT/ROLLBACK "
        "| floor SQL statements |",
        "|---|---:|---:|---:|---:|",
    ]
    for operation in operations:
        if operation.name not in counts:
            continue
        api, floor = counts[operation.name]
        per = " (per cycle)" if operation.cycle else ""
        rows.append(
            f"| {operation.name}{per} | {api.statements:g} | {api.round_trips:g} "
            f"| {api.transaction_control:g} "
            f"| {floor.statements:g} |"
        )
    return rows


def _workers_row(name: str, rounds: Sequence[WorkersRound], of: Callable[[WorkersRound], LoadResult]) -> str:
    """A row of the workers table: medians of one server's figures and of its ratios within rounds."""
    results = [of(r) for r in rounds]
    of_floor = _median([of(r).requests_per_s / r.floor.requests_per_s for r in rounds])
    of_one = _median([of(r).requests_per_s / r.one.requests_per_s for r in rounds])
    return (
        f"| {name} | {len(rounds)} | {_median([r.requests_per_s for r in results]):.0f} "
        f"| {_median([r.p50_ms for r in results]):.1f} / {_median([r.p99_ms for r in results]):.1f} "
        f"| **1/{1 / of_floor:.1f}** ({of_floor:.2f}) | {of_one:.2f}x |"
    )


def _workers_table(workers: int, rounds: Sequence[WorkersRound]) -> list[str]:
    """The console page on one server process and on `workers`, beside the floor (one process)."""
    balanced = [r for r in rounds if r.busiest_share <= BALANCED_SHARE]
    floor = [r.floor for r in rounds]
    lines = [
        f"The console page on `invoice-graph serve --workers {workers}` ({os.cpu_count()} cores), "
        "loaded in the same rounds as the table above (medians; ratios taken within a round). "
        "wrk's connections stay open, so how the workers share the work depends on which accepted "
        f"them; *balanced* rounds are those where no worker spent more than {BALANCED_SHARE:.0%} "
        "of the workers' CPU time:",
        "",
        "| server | rounds | req/s | p50 / p99 ms | of the floor | of one worker |",
        "|---|---:|---:|---:|---:|---:|",
        _workers_row("API, 1 worker", rounds, lambda r: r.one),
        _workers_row(f"API, {workers} workers, every round", rounds, lambda r: r.several),
    ]
    if balanced:
        lines.append(_workers_row(f"API, {workers} workers, balanced rounds", balanced, lambda r: r.several))
    lines += [
        f"| floor (1 process) | {len(rounds)} | {_median([r.requests_per_s for r in floor]):.0f} "
        f"| {_median([r.p50_ms for r in floor]):.1f} / {_median([r.p99_ms for r in floor]):.1f} | | |",
        "",
        "Each round, the workers' req/s and the busiest worker's share of their CPU: "
        + ", ".join(f"{r.several.requests_per_s:.0f} ({r.busiest_share:.0%})" for r in rounds)
        + ".",
    ]
    return lines


def render(
    *,
    plan_name: str,
    plan: Any,
    operations: Sequence[Operation],
    rounds: Mapping[str, Sequence[RoundFigures]],
    counts: Mapping[str, tuple[Counted, Counted]],
    workers: tuple[int, Sequence[WorkersRound]],
    rss: tuple[float, float],
    offline: OfflineFigures | None,
    where: str,
    postgres: str,
    minutes: float,
) -> str:
    """The results as Markdown."""
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, `{plan_name}` plan, {minutes:.1f} min. "
        f"Machine: {_cpu_model()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"PostgreSQL {postgres} ({where}).",
        "",
        f"Data set: {plan.accounts:,} accounts x 24 months x 10 lines per statement; "
        "partner P-BIG manages 60 "
        "accounts; applications on a third of the months; every tenth account outside P-BIG has an "
        "ELECTRONIC application with 2 documents and a deficit ledger of 50 entries. wrk on loopback, "
        f"{plan.connections} connections (the cycle: one per thread, one account each), "
        f"{plan.seconds:g} s a run, unloaded = 1 connection for {plan.unloaded_seconds:g} s; "
        f"API and floor in turns, {plan.rounds} rounds, medians; ratios taken within a round.",
        "",
        *(_load_table(operations, rounds) if rounds else ["(load skipped)"]),
        "",
        *(_count_table(operations, counts) if counts else []),
        "",
    ]
    if workers[1]:
        lines += [*_workers_table(*workers), ""]
    if rounds:
        lines.append(
            "Peak RSS of the server process (uvicorn, one worker): "
            f"**{rss[0]:.0f} MB** (floor: {rss[1]:.0f} MB)."
        )
        lines.append("")
    if offline is not None:
        floor_ratio = offline.import_seconds / offline.copy_floor_seconds
        lines += [
            "| offline task | size | time | rate | peak memory |",
            "|---|---:|---:|---:|---:|",
            f"| `invoice-graph import-billing` | {offline.lines:,} lines "
            f"| {_seconds(offline.import_seconds)} (**{floor_ratio:.1f}x** the floor) "
            f"| {offline.lines / offline.import_seconds:,.0f} lines/s | {offline.import_peak_mb:.0f} MB |",
            f"| floor: raw `COPY` of the same file, unindexed table | {offline.lines:,} lines "
            f"| {_seconds(offline.copy_floor_seconds)} "
            f"| {offline.lines / offline.copy_floor_seconds:,.0f} lines/s | - |",
            f"| statement generation, one month | {offline.accounts:,} accounts "
            f"({offline.statements:,} made) | {offline.generation_seconds:.2f} s "
            f"| {offline.statements / offline.generation_seconds:,.0f} statements/s | - |",
            "",
            "The floor is `COPY ... FROM STDIN WITH (FORMAT csv, HEADER true)` of the import's file, "
            "over one connection to the same server, into a fresh table of the file's columns (text, "
            "date, boolean, numeric amounts; no key, constraint or index), timed from the start of "
            "the COPY to its commit, just before the import. The import's time is the whole command "
            "(process start included); its peak memory is the highest peak RSS of any one of its "
            "processes (RUSAGE_CHILDREN).",
            "",
        ]
    return "\n".join(lines)


def write(path: Path, text: str) -> None:
    """Put the table between the markers of RESULTS.md, keeping what is written around them."""
    block = f"{START}\n{text}\n{END}"
    if path.exists() and START in (current := path.read_text()) and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        path.write_text(before + block + after)
        return
    path.write_text(f"# Benchmark results\n\nLatest run of `python -m bench`:\n\n{block}\n")
