"""Load test of the public form: 50 reports a second for a minute against a local `candour serve`.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/streetsafe/load.py [--rate 50] [--seconds 60]

Starts `candour serve` on a free loopback port (the database of DATABASE_URL, migrated; Redis
for the rate limit as configured), then sends rate x seconds POSTs of a complete report to
/streetsafe/send/ on a fixed schedule (open loop: request i leaves at i / rate seconds, from a
pool of threads), each from its own loopback source address (127.0.x.y: every reporter is a
different connection, so the rate limit is on, as in production, and never reached). Only
loopback addresses are used. Bounded: a fixed number of requests, each with a 10 s timeout, and
the run stops after seconds + 30 s at most. Prints how many were accepted (302), any errors,
latency percentiles, the reports stored, and the load average; then stops the server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")
CANDOUR = str(Path(sys.executable).parent / "candour")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def source_address(i: int) -> str:
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    total = args.rate * args.seconds

    import django

    django.setup()
    from candour.streetsafe.models import Report

    subprocess.run([CANDOUR, "migrate", "-v", "0"], check=True, timeout=600)
    before = Report.objects.filter(source="web").count()
    port = free_port()
    log = open("/tmp/streetsafe-load-serve.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [
            CANDOUR,
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(240):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/streetsafe/")
                probe.getresponse().read()
                break
            except OSError:
                time.sleep(0.5)
        day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        body = urllib.parse.urlencode(
            {
                "latitude": "52.62783",
                "longitude": "1.29834",
                "place": "Norwich, Norfolk",
                "force": "norfolk",
                "day": day,
                "time_of_day": "evening",
                "place_reasons": "poor_lighting",
                "behaviour_reasons": "followed",
            }
        )
        results: list[tuple[int, float]] = []
        errors: list[str] = []
        lock = threading.Lock()
        started = time.perf_counter()
        deadline = started + args.seconds + 30

        def send(i: int) -> None:
            wait = started + i / args.rate - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            if time.perf_counter() > deadline:
                with lock:
                    errors.append("not sent: past the deadline")
                return
            t0 = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(
                    "127.0.0.1", port, timeout=10, source_address=(source_address(i), 0)
                )
                connection.request(
                    "POST",
                    "/streetsafe/send/",
                    body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                response = connection.getresponse()
                response.read()
                connection.close()
                with lock:
                    results.append((response.status, time.perf_counter() - t0))
            except OSError as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")

        with ThreadPoolExecutor(max_workers=64) as pool:
            list(pool.map(send, range(total)))
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    latencies = sorted(t for _, t in results)
    accepted = sum(1 for status, _ in results if status == 302)

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1)

    print(
        json.dumps(
            {
                "requests": total,
                "accepted_302": accepted,
                "other_statuses": sorted({s for s, _ in results if s != 302}),
                "errors": errors[:5],
                "error_count": len(errors) + len(results) - accepted,
                "elapsed_seconds": round(elapsed, 1),
                "achieved_rate": round(len(results) / elapsed, 1),
                "latency_ms": {"p50": pct(0.5), "p95": pct(0.95), "p99": pct(0.99), "max": pct(1.0)}
                if latencies
                else {},
                "reports_stored": Report.objects.filter(source="web").count() - before,
                "workers": args.workers,
                "threads": args.threads,
                "load_average": os.getloadavg(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
