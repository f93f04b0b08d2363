"""Time `candour import cases` on 1,000,000 allegation rows, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/import/run.py [--rows 1000000] [--engines sqlite,postgresql]

Generates the data (generate.py, deterministic) unless it already exists, then for each engine:
creates an empty database (SQLite: a temporary file; PostgreSQL: the database
`candour_bench_import`, dropped at the end), runs `candour migrate`, then times
1. `candour import cases FILE` into the empty database, and
2. the same import again (every row unchanged: the idempotent re-import).
Wall-clock and CPU seconds (user + system of the candour process) are printed as a Markdown
table for docs/benchmarks.md. PostgreSQL is reached at BENCH_PG_URL
(default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CANDOUR = str(ROOT / ".venv" / "bin" / "candour")
PG_DATABASE = "candour_bench_import"


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip().splitlines()[0]


def psql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def bench(engine: str, data: Path) -> list[tuple[str, str, float, float, str]]:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-import-{engine}-"))
    env = {**os.environ, "CANDOUR_DATA_DIR": str(folder)}
    pg_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    if engine == "postgresql":
        psql(pg_url, f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        psql(pg_url, f"CREATE DATABASE {PG_DATABASE}")
        env["DATABASE_URL"] = f"{pg_url}/{PG_DATABASE}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        subprocess.run([CANDOUR, "migrate", "-v0"], env=env, check=True)
        results = []
        for label in ("import into an empty database", "re-import, all rows unchanged"):
            wall, cpu, summary = timed([CANDOUR, "import", "cases", str(data)], env)
            results.append((engine, label, wall, cpu, summary))
            print(f"{engine}: {label}: {wall:.1f} s wall, {cpu:.1f} s CPU ({summary})", flush=True)
        return results
    finally:
        if engine == "postgresql":
            psql(pg_url, f"DROP DATABASE IF EXISTS {PG_DATABASE}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "candour-bench-cases-1m.csv"
    )
    parser.add_argument("--engines", default="sqlite,postgresql")
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
        rows += bench(engine, args.data)
    print(
        f"\nMachine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load average before the run {os.getloadavg()[0]:.1f}; Python {platform.python_version()}"
    )
    print("\n| database | run | wall (s) | CPU (s) | output |\n|---|---|---|---|---|")
    for engine, label, wall, cpu, summary in rows:
        print(f"| {engine} | {label} | {wall:.1f} | {cpu:.1f} | {summary} |")


if __name__ == "__main__":
    main()
