"""Load test of the signed-in pages: N users walking a realistic mix of pages on `candour serve`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/candour_load .venv/bin/candour demo --no-serve
    DATABASE_URL=... .venv/bin/python benchmarks/load/run.py --users 50 --pace 2.0 --seconds 60
    DATABASE_URL=... .venv/bin/python benchmarks/load/run.py --users 50 --pace 0 --seconds 60

The database of DATABASE_URL holds the demo data set (`candour demo --no-serve`). The script makes
(or resets) N benchmark users ``load-<role>-<n>`` with the roles and forces of the demo logins
(investigators, appropriate authorities, analysts, FOI officers, PCC offices, vetting officers),
starts `candour serve` on a free loopback port (``--workers`` x ``--threads``; or uses ``--url``,
which must be a loopback address), and signs each user in over HTTP as a person would: the sign-in
form (Argon2), then two-factor enrolment with the key the page shows and a TOTP code from it. Then
each user, in its own thread on its own keep-alive connection, walks its role's mix of pages
(case list with and without filters, case pages, work queue, person pages, statistics, FOI
answers, vetting) for ``--seconds``: with ``--pace P`` one request every P seconds (the users'
starts spread over the first P seconds; a user that falls behind sends its next request at once,
without catching up), with ``--pace 0`` the next request as soon as the answer has arrived.

Bounded: a fixed number of users, a fixed duration, a ``--timeout`` per request (a timeout is an
error), loopback addresses only, and the server stopped at the end. Every answer other than 200
counts as an error (a 302 would mean a lost session). Writes JSON to ``--results`` (count, errors
by status, achieved rate, latency percentiles overall and per page, load average before and
after) and prints it.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import ipaddress
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")
CANDOUR = str(Path(sys.executable).parent / "candour")
PASSWORD = "load-benchmark-password-7"

# Role, share of the users, and the demo login whose forces it gets.
ROLES = [
    ("investigator", 0.30, "investigator"),
    ("appropriate_authority", 0.20, "authority"),
    ("ccu_analyst", 0.20, "analyst"),
    ("foi_officer", 0.10, "foi"),
    ("pcc_office", 0.10, "pcc"),
    ("vetting_officer", 0.10, "vetting"),
]
STATISTICS = [
    "/transparency/statistics/",
    "/transparency/statistics/?by=year&count=cases&then_by=",
    "/transparency/statistics/?count=allegations&by=year&then_by=category",
]
# Page kind -> weight, per role. Kinds are filled with targets in ``Targets.path``.
MIXES = {
    "investigator": {
        "case list": 3,
        "case list, filtered": 1,
        "case page": 4,
        "work queue": 2,
        "person page": 2,
        "statistics": 1,
    },
    "appropriate_authority": {
        "case list": 3,
        "case list, filtered": 1,
        "case page": 4,
        "work queue": 2,
        "person page": 2,
        "statistics": 1,
    },
    "ccu_analyst": {
        "case list": 3,
        "case list, filtered": 2,
        "case page": 4,
        "person page": 3,
        "statistics": 1,
    },
    "foi_officer": {"FOI": 3, "FOI answers": 1, "statistics": 2},
    "pcc_office": {"statistics": 3, "StreetSafe police": 1},
    "vetting_officer": {"vetting queue": 2, "vetting person": 2, "statistics": 1},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Targets:
    """What one user may open: cases and people of its forces, picked once, with a seed."""

    cases: list[int]
    people: list[int]
    forces: list[str]
    years: list[int]

    def path(self, kind: str, rng: random.Random) -> str:
        if kind == "case list":
            return "/cases/" if rng.random() < 0.7 else f"/cases/?page={rng.randint(2, 5)}"
        if kind == "case list, filtered":
            year = rng.choice(self.years)
            return rng.choice(
                [
                    f"/cases/?force={rng.choice(self.forces)}",
                    f"/cases/?case_type=complaint&received_from={year}-01-01"
                    f"&received_to={year}-12-31",
                ]
            )
        if kind == "case page":
            return f"/cases/{rng.choice(self.cases)}/"
        if kind == "person page":
            return f"/cases/people/{rng.choice(self.people)}/"
        if kind == "vetting person":
            return f"/vetting/people/{rng.choice(self.people)}/"
        return {
            "work queue": "/cases/work/",
            "statistics": rng.choice(STATISTICS),
            "FOI": "/transparency/foi/",
            "FOI answers": "/transparency/foi/answers/",
            "StreetSafe police": "/streetsafe/police/",
            "vetting queue": "/vetting/",
        }[kind]


@dataclass
class User:
    username: str
    role: str
    targets: Targets
    cookies: dict[str, str] = field(default_factory=dict)


def prepare_users(count: int, seed: int) -> list[User]:
    """Create or reset the benchmark users (password, no two-factor device yet), each with the
    role and forces of a demo login, and pick targets in their forces."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from candour.cases.models import AllegationSubject, Case
    from candour.core.models import User as Account

    rng = random.Random(seed)
    password = make_password(PASSWORD)
    users: list[User] = []
    per_role = allocate(count)
    for role, _, demo_login in ROLES:
        demo = Account.objects.get(username=demo_login)
        forces = list(demo.forces.values_list("code", flat=True))
        cases = list(Case.objects.filter(force__in=forces).values_list("pk", flat=True))
        people = list(
            AllegationSubject.objects.filter(
                allegation__case__force__in=forces, subject__isnull=False
            )
            .values_list("subject_id", flat=True)
            .distinct()
        )
        if role == "vetting_officer":
            from candour.core.models import Person

            people = list(Person.objects.filter(force__in=forces).values_list("pk", flat=True))
        years = sorted(
            {d.year for d in Case.objects.filter(force__in=forces).dates("received_date", "year")}
        )
        targets = Targets(
            cases=rng.sample(cases, min(500, len(cases))) if cases else [],
            people=rng.sample(people, min(500, len(people))) if people else [],
            forces=forces,
            years=years or [2020],
        )
        for n in range(1, per_role[role] + 1):
            username = f"load-{role.replace('_', '-')}-{n:02d}"
            account, _ = Account.objects.update_or_create(
                username=username,
                defaults={"role": role, "password": password, "is_active": True},
            )
            account.forces.set(demo.forces.all())
            TOTPDevice.objects.filter(user=account).delete()
            users.append(User(username, role, targets))
    return users


def allocate(count: int) -> dict[str, int]:
    shares = {role: max(1, int(count * share)) for role, share, _ in ROLES}
    roles = [role for role, _, _ in ROLES]
    i = 0
    while sum(shares.values()) < count:
        shares[roles[i % len(roles)]] += 1
        i += 1
    while sum(shares.values()) > count:
        biggest = max(shares, key=lambda r: shares[r])
        shares[biggest] -= 1
    return shares


class Browser:
    """One user's keep-alive connection with its cookies."""

    def __init__(self, host: str, port: int, timeout: float, user: User) -> None:
        self.host, self.port, self.timeout, self.user = host, port, timeout, user
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.user.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie = value.split(";", 1)[0]
                key, _, val = cookie.partition("=")
                if val and "max-age=0" not in value.lower():
                    self.user.cookies[key.strip()] = val.strip().strip('"')
                else:
                    self.user.cookies.pop(key.strip(), None)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, text

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def sign_in(self) -> None:
        from django_otp.oath import totp

        status, page = self.request("GET", "/accounts/login/")
        token = csrf_token(page)
        status, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": self.user.username, "password": PASSWORD},
        )
        if status != 302:
            raise SystemExit(f"{self.user.username}: sign-in answered {status}")
        status, page = self.request("GET", "/accounts/two-factor/")
        match = re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', page)
        if status != 200 or match is None:
            raise SystemExit(f"{self.user.username}: no two-factor enrolment page ({status})")
        secret = match.group(1).replace(" ", "")
        secret += "=" * (-len(secret) % 8)
        code = f"{totp(base64.b32decode(secret)):06d}"
        status, _ = self.request(
            "POST",
            "/accounts/two-factor/",
            {"csrfmiddlewaretoken": csrf_token(page), "token": code},
        )
        if status != 302:
            raise SystemExit(f"{self.user.username}: two-factor code answered {status}")


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


def percentiles(latencies: list[float]) -> dict[str, float]:
    if not latencies:
        return {}
    ordered = sorted(latencies)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 1)

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1] * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--pace", type=float, default=2.0, help="seconds between a user's requests; 0: none"
    )
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--url", help="a running loopback server instead of starting one")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--results", type=Path)
    parser.add_argument("--label", default="", help="a note stored with the results")
    args = parser.parse_args()
    if not 1 <= args.users <= 500 or not 1 <= args.seconds <= 600 or args.pace < 0:
        raise SystemExit("--users 1..500, --seconds 1..600 and --pace >= 0, please.")

    users = prepare_users(args.users, args.seed)
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    server = None
    if args.url:
        parsed = urllib.parse.urlsplit(args.url)
        host, port = parsed.hostname or "", parsed.port or 80
        if not ipaddress.ip_address(socket.gethostbyname(host)).is_loopback:
            raise SystemExit(
                "--url must be a loopback address: this benchmark sends load locally only."
            )
    else:
        host, port = "127.0.0.1", free_port()
        log = open("/tmp/candour-load-serve.log", "w")  # noqa: SIM115 - closed with the server
        server = subprocess.Popen(
            [
                CANDOUR,
                "serve",
                "--host",
                host,
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
        wait_until_up(host, port)
        browsers = [Browser(host, port, args.timeout, user) for user in users]
        for browser in browsers:
            browser.sign_in()
        print(
            f"{len(browsers)} users signed in; running {args.seconds:g} s at pace {args.pace:g} s",
            flush=True,
        )
        results = run(browsers, args.pace, args.seconds, args.seed)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
    summary = summarise(results, args, vendor, users)
    text = json.dumps(summary, indent=2)
    print(text)
    if args.results:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(text + "\n")


def wait_until_up(host: str, port: int) -> None:
    for _ in range(240):
        try:
            probe = http.client.HTTPConnection(host, port, timeout=2)
            probe.request("GET", "/accounts/login/")
            probe.getresponse().read()
            probe.close()
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer within 2 minutes")


@dataclass
class Sample:
    kind: str
    status: int | str
    started: float
    seconds: float


def run(browsers: list[Browser], pace: float, seconds: float, seed: int) -> dict:  # type: ignore[type-arg]
    samples: list[Sample] = []
    lock = threading.Lock()
    load_before = os.getloadavg()
    started = time.perf_counter()
    stop = started + seconds

    def walk(index: int, browser: Browser) -> None:
        rng = random.Random(seed * 1000 + index)
        mix = MIXES[browser.user.role]
        kinds, weights = list(mix), list(mix.values())
        next_at = started + (pace * index / len(browsers) if pace else 0)
        mine: list[Sample] = []
        while True:
            now = time.perf_counter()
            if next_at > now:
                time.sleep(next_at - now)
            if time.perf_counter() >= stop:
                break
            kind = rng.choices(kinds, weights)[0]
            path = browser.user.targets.path(kind, rng)
            t0 = time.perf_counter()
            try:
                status: int | str = browser.request("GET", path)[0]
            except TimeoutError:
                status = "timeout"
                browser.close()
            except OSError as exc:
                status = type(exc).__name__
                browser.close()
            t1 = time.perf_counter()
            mine.append(Sample(kind, status, t0 - started, t1 - t0))
            next_at = max(next_at + pace, t1) if pace else t1
        browser.close()
        with lock:
            samples.extend(mine)

    threads = [
        threading.Thread(target=walk, args=(i, b), daemon=True) for i, b in enumerate(browsers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    return {
        "samples": samples,
        "elapsed": elapsed,
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def summarise(results: dict, args: argparse.Namespace, vendor: str, users: list[User]) -> dict:  # type: ignore[type-arg]
    samples: list[Sample] = results["samples"]
    errors: dict[str, int] = {}
    for s in samples:
        if s.status != 200:
            errors[str(s.status)] = errors.get(str(s.status), 0) + 1
    by_kind = {}
    for kind in sorted({s.kind for s in samples}):
        mine = [s for s in samples if s.kind == kind]
        by_kind[kind] = {"count": len(mine), **percentiles([s.seconds for s in mine])}
    roles: dict[str, int] = {}
    for user in users:
        roles[user.role] = roles.get(user.role, 0) + 1
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "label": args.label,
        "commit": commit,
        "database": vendor,
        "users": len(users),
        "roles": roles,
        "pace_seconds": args.pace,
        "duration_seconds": args.seconds,
        "server": args.url or f"candour serve --workers {args.workers} --threads {args.threads}",
        "count": len(samples),
        "errors": sum(errors.values()),
        "errors_by_status": errors,
        "elapsed_seconds": round(results["elapsed"], 1),
        "achieved_rate_per_second": round(len(samples) / results["elapsed"], 1),
        "latency_ms": percentiles([s.seconds for s in samples]),
        "by_page": by_kind,
        "load_average_before": [round(x, 2) for x in results["load_before"]],
        "load_average_after": [round(x, 2) for x in results["load_after"]],
    }


if __name__ == "__main__":
    main()
