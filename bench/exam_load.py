"""Load benchmark (not a test): N trainees take the same exam at once against gunicorn.

What it does:
1. creates a fresh PostgreSQL database on 127.0.0.1 (dropped at the end), migrates it, loads
   the shipped question bank, creates N trainees (one shared password hash, to keep setup
   quick) and a 10-question exam assigned to them;
2. serves the app with gunicorn on a free local port;
3. runs N simulated trainees (threads, stdlib ``urllib`` only): all sign in first (argon2
   makes sign-in deliberately slow; it is reported apart), then, like a class told "start
   now", each within the ramp window opens "My exams", starts the attempt, loads the page,
   answers every question with a short think time (one JSON save per answer, as the page's
   JavaScript does) and submits;
4. prints requests/s, p50/p95/p99 latency per request kind, errors, and the answers the
   clients saw confirmed versus the answer events stored in the database (must be equal).

Usage: ``.venv/bin/python bench/exam_load.py --trainees 300`` (options: --ramp, --think,
--workers, --threads, --keep-db).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-2026"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SLOT = re.compile(r'<fieldset class="question card" data-slot="(\d+)"(.*?)</fieldset>', re.S)
OPTION = re.compile(r'type="radio" name="q-\d+" value="([^"]+)"')


def free_port() -> int:
    """A free local TCP port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def psql(sql: str) -> None:
    """Run one SQL statement as the postgres superuser on the maintenance database."""
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q",
                    "-c", sql], check=True)


def prepare(url: str, trainees: int) -> str:
    """Migrate, load the bank, create trainees and the exam; returns the exam slug."""
    env = dict(os.environ, DATABASE_URL=url, FLASK_APP="lms")
    subprocess.run([str(ROOT / ".venv/bin/flask"), "db", "upgrade", "heads"], check=True,
                   env=env, cwd=ROOT, capture_output=True)
    code = f"""
import sys; sys.path.insert(0, {str(ROOT)!r})
from lms import create_app
from lms.config import Config
app = create_app(Config)
with app.app_context():
    from lms.extensions import db
    from lms.auth.models import User, Department
    from lms.auth.service import hash_password
    from lms.exams.bank_service import load_shipped
    from lms.exams.models import Exam, ExamAssignment, ExamItem, Question
    load_shipped()
    department = Department(name="Bench")
    db.session.add(department)
    password_hash = hash_password({PASSWORD!r})
    for n in range({trainees}):
        user = User(username=f"bench{{n}}", employee_no=f"B{{n:05d}}", name=f"压测学员 {{n}}",
                    password_hash=password_hash, department=department)
        user.set_roles(["trainee"])
        db.session.add(user)
    keys = db.session.scalars(db.select(Question).where(Question.type == "single_choice")
                              .order_by(Question.key).limit(10)).all()
    exam = Exam(slug="bench-exam", title={{"zh": "压测考试", "en": "Load test exam"}},
                time_limit_minutes=30, attempts_allowed=1, questions_per_page=10,
                shuffle_questions=True)
    for position, question in enumerate(keys):
        exam.items.append(ExamItem(position=position, question_id=question.id))
    db.session.add(exam)
    db.session.flush()
    exam.assignments.append(ExamAssignment(department_id=department.id))
    db.session.commit()
"""
    subprocess.run([str(ROOT / ".venv/bin/python"), "-c", code], check=True, env=env, cwd=ROOT)
    return "bench-exam"


def stored_answers(url: str) -> tuple[int, int, int]:
    """(answer events, answers, submitted attempts) stored in the database."""
    query = ("SELECT (SELECT count(*) FROM exam_answer_events), (SELECT count(*) FROM "
             "exam_answers), (SELECT count(*) FROM exam_attempts WHERE state <> 'in_progress')")
    name = url.rsplit("/", 1)[1]
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-tA", "-c",
                          query], check=True, capture_output=True, text=True).stdout.strip()
    events, answers, submitted = (int(part) for part in out.split("|"))
    return events, answers, submitted


class Recorder:
    """Latencies per request kind, errors, and answers confirmed; thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.answers_confirmed = 0
        self.first_start = 0.0

    def timed(self, kind: str, opener, request: urllib.request.Request):
        """Send ``request``; returns (status, body text, headers); records latency or error."""
        began = time.perf_counter()
        headers = {}
        try:
            with opener.open(request, timeout=120) as reply:
                status, body = reply.status, reply.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode("utf-8", "replace")
            headers = dict(error.headers or {})
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            status, body = 0, str(error)
        elapsed = time.perf_counter() - began
        with self.lock:
            self.latency[kind].append(elapsed)
            if not 200 <= status < 400:
                self.errors[f"{kind} {status}"] += 1
        return status, body, headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report redirects instead of following them (so each request is timed alone)."""

    def redirect_request(self, *args, **kwargs):
        return None


def trainee(number: int, base: str, slug: str, options, recorder: Recorder,
            barrier: threading.Barrier) -> None:
    """One simulated trainee: sign in, wait for the others, then within the ramp window
    start, answer every question with think times, and submit."""
    rng = random.Random(number)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def get(kind, path):
        return recorder.timed(kind, opener, urllib.request.Request(base + path))

    def post(kind, path, data=None, payload=None, token=None):
        if payload is not None:
            request = urllib.request.Request(base + path, data=json.dumps(payload).encode(),
                                             headers={"Content-Type": "application/json",
                                                      "X-CSRFToken": token})
        else:
            request = urllib.request.Request(base + path,
                                             data=urllib.parse.urlencode(data).encode())
        return recorder.timed(kind, opener, request)

    signed_in = False
    try:
        _, page, _ = get("login_page", "/login")
        token = CSRF.search(page).group(1)
        status, _, _ = post("login", "/login", {"username": f"bench{number}",
                                                "password": PASSWORD, "csrf_token": token})
        signed_in = status == 302
    finally:
        try:
            barrier.wait(timeout=900)  # everyone is signed in: the exam "starts now"
        except threading.BrokenBarrierError:
            pass
    if not signed_in:
        return
    time.sleep(rng.uniform(0, options.ramp))
    with recorder.lock:
        recorder.first_start = recorder.first_start or time.perf_counter()
    _, page, _ = get("my_exams", "/exams/mine")
    token = CSRF.search(page).group(1)
    status, _, headers = post("start", f"/exams/{slug}/start", {"csrf_token": token})
    location = urllib.parse.urlsplit(headers.get("Location", "")).path
    if status != 302 or "/exams/attempts/" not in location:
        return
    _, page, _ = get("attempt_page", location)
    attempt_id = location.rsplit("/", 1)[1]
    for slot, body in SLOT.findall(page):
        time.sleep(rng.uniform(*options.think))
        choice = rng.choice(OPTION.findall(body))
        status, _, _ = post("answer", f"/exams/attempts/{attempt_id}/answers",
                         payload={"slot": int(slot), "response": choice}, token=token)
        if status == 200:
            with recorder.lock:
                recorder.answers_confirmed += 1
    post("submit", f"/exams/attempts/{attempt_id}/submit", {"csrf_token": token})


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(recorder: Recorder, elapsed: float, stored: tuple[int, int, int], n: int) -> None:
    """Print throughput, latency per kind, errors and the answer reconciliation."""
    sign_in = len(recorder.latency["login_page"]) + len(recorder.latency["login"])
    total = sum(len(values) for values in recorder.latency.values()) - sign_in
    print(f"\ntrainees: {n}   exam phase (after everyone signed in): {total} requests in "
          f"{elapsed:.1f} s = {total / elapsed:.1f} requests/s")
    print(f"{'kind':<14}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for kind, values in sorted(recorder.latency.items()):
        print(f"{kind:<14}{len(values):>7}{1000 * statistics.median(values):>10.0f}"
              f"{1000 * percentile(values, .95):>10.0f}{1000 * percentile(values, .99):>10.0f}"
              f"{1000 * max(values):>10.0f}")
    print("errors:", dict(recorder.errors) or "none")
    events, answers, submitted = stored
    print(f"answers sent and confirmed: {recorder.answers_confirmed}   answer events stored: "
          f"{events}   answers stored: {answers}   attempts submitted: {submitted}")
    verdict = "EQUAL" if recorder.answers_confirmed == events else "MISMATCH"
    print(f"confirmed vs stored: {verdict}")


def main() -> int:
    """Parse options, run the benchmark, clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=300)
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which they start")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 4.0),
                        help="think time range per answer, seconds")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep-db", action="store_true")
    options = parser.parse_args()
    name = f"lms_bench_{os.getpid()}"
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    psql(f"CREATE DATABASE {name}")
    server = None
    try:
        print(f"preparing database {name} ...", flush=True)
        slug = prepare(url, options.trainees)
        port = free_port()
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret")
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers",
             str(options.workers), "--threads", str(options.threads), "--timeout", "120",
             "--log-level", "warning", "lms:create_app()"], cwd=ROOT, env=env)
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        recorder = Recorder()
        barrier = threading.Barrier(options.trainees)
        threads = [threading.Thread(target=trainee,
                                    args=(n, base, slug, options, recorder, barrier))
                   for n in range(options.trainees)]
        print(f"running {options.trainees} trainees against {base} "
              f"(gunicorn {options.workers} workers x {options.threads} threads) ...", flush=True)
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(f"sign-in phase and exam phase took {time.perf_counter() - began:.1f} s")
        elapsed = time.perf_counter() - recorder.first_start
        report(recorder, elapsed, stored_answers(url), options.trainees)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if not options.keep_db:
            psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
