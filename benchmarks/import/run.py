"""Time `candour import cases` on 1,000,000 allegation rows, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/import/run.py [--rows 1000000] [--engines sqlite,postgresql]

Generates the data (generate.py, deterministic) unless it already exists, then for each engine:
creates an empty database (SQLite: a temporary file; PostgreSQL: the database named by
--pg-database, default `candour_bench_import`, dropped at the end), runs `candour migrate`, then times
1. `candour import cases FILE` into the empty database, and
2. the same import again (every row unchanged: the idempotent re-import).
With --mapping MAP the file is read through that mapping file (mapped.yaml beside this script
reads the generated file with every mapping feature at work: patterns, first_of, extract, a
row number within a group, dropping exact duplicates), which takes the row-by-row reader.
With --without-refresh the command runs through without_refresh.py, which skips the statistics
refresh the import ends with: for measuring the import proper only (the benchmark database is
thrown away; Candour itself has no way to skip the refresh).
Wall-clock and CPU seconds (user + system of the candour process) and its peak memory
(resident set) are printed as a Markdown table for docs/benchmarks.md. PostgreSQL is reached
at BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432).

Python's compiled bytecode is kept in a cache under the temporary folder (PYTHONPYCACHEPREFIX),
as an installed Candour has it: an environment that sets PYTHONDONTWRITEBYTECODE would
otherwise add about 4 s of compiling to every run. The load average is printed before and
after each run, because on a shared machine wall time follows it.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CANDOUR = str(ROOT / ".venv" / "bin" / "candour")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds and peak memory (MB) of one run of ``command``, and the first
    line it printed. The child's own resource usage comes from ``wait4``."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{err.read().decode()}")
        summary = out.read().decode().strip().splitlines()[0]
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, summary


def psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def bench(
    engine: str, data: Path, pg_database: str, without_refresh: bool, mapping: Path | None = None
) -> list[tuple[str, str, float, float, float, str, str]]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-import-{engine}-"))
    env = {**os.environ, "CANDOUR_DATA_DIR": str(folder)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "candour-bench-pycache")
    pg_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    if engine == "postgresql":
        psql(pg_url, f"DROP DATABASE IF EXISTS {pg_database}")
        psql(pg_url, f"CREATE DATABASE {pg_database}")
        env["DATABASE_URL"] = f"{pg_url}/{pg_database}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        subprocess.run([CANDOUR, "migrate", "-v0"], env=env, check=True)
        results = []
        command = [CANDOUR, "import", "cases", str(data)]
        suffix = ""
        if mapping is not None:
            command += ["--mapping", str(mapping)]
            suffix = f" (through {mapping.name})"
        if without_refresh:
            command = [
                sys.executable,
                str(Path(__file__).with_name("without_refresh.py")),
                *command[1:],
            ]
            suffix += " (without the statistics refresh)"
        for label in ("import into an empty database", "re-import, all rows unchanged"):
            label += suffix
            load_before = os.getloadavg()[0]
            wall, cpu, memory, summary = timed(command, env)
            load = f"{load_before:.1f} to {os.getloadavg()[0]:.1f}"
            results.append((engine, label, wall, cpu, memory, load, summary))
            print(
                f"{engine}: {label}: {wall:.1f} s wall, {cpu:.1f} s CPU, {memory:.0f} MB peak, "
                f"load {load} ({summary})",
                flush=True,
            )
        return results
    finally:
        if engine == "postgresql":
            psql(pg_url, f"DROP DATABASE IF EXISTS {pg_database}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "candour-bench-cases-1m.csv"
    )
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg-database", default="candour_bench_import")
    parser.add_argument(
        "--without-refresh",
        action="store_true",
        help="skip the statistics refresh at the end of the import (measurement only)",
    )
    parser.add_argument("--mapping", type=Path, help="a mapping file to read the data through")
    args = parser.parse_args()
    if not args.data.exists():
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("generate.py")),
                "--rows",
                str(args.rows),
                "--out",
                str(args.data),
            ],
            check=True,
        )
    rows = []
    for engine in args.engines.split(","):
        rows += bench(engine, args.data, args.pg_database, args.without_refresh, args.mapping)
    print(
        f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average before the run {os.getloadavg()[0]:.1f}; Python {platform.python_version()}"
    )
    print(
        "\n| database | run | wall (s) | CPU (s) | peak memory (MB) | load | output |"
        "\n|---|---|---|---|---|---|---|"
    )
    for engine, label, wall, cpu, memory, load, summary in rows:
        print(
            f"| {engine} | {label} | {wall:.1f} | {cpu:.1f} | {memory:.0f} | {load} | {summary} |"
        )


if __name__ == "__main__":
    main()
