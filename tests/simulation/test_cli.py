"""Command line smoke tests, run as a user would (a subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "simulation", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_run_prints_tables_and_writes_exports(tmp_path):
    done = _run("run", "stationary_single_queue", "--replications", "2", "--seed", "3",
                "--json", str(tmp_path / "r.json"), "--csv", str(tmp_path / "r.csv"),
                "--svg", str(tmp_path / "charts"))
    assert done.returncode == 0, done.stderr
    assert "Totals after warm-up" in done.stdout and "consultation" in done.stdout
    assert "Per interval" in done.stdout and "23:30" in done.stdout
    assert json.loads((tmp_path / "r.json").read_text())["replications"] == 2
    assert (tmp_path / "r.csv").read_text().startswith("level,interval")
    assert {p.name for p in (tmp_path / "charts").iterdir()} == {
        "queue_length.svg", "service_level.svg", "staffing.svg"}


def test_staff_prints_the_plan_and_erlang_c_verdicts():
    done = _run("staff", "normal_weekday", "--target", "80/20", "--max-abandon", "5%",
                "--replications", "2")
    assert done.returncode == 0, done.stderr
    assert "Erlang C alone" in done.stdout
    assert "under by" in done.stdout or "over by" in done.stdout
    assert "frontline" in done.stdout


def test_erlang_prints_the_requirement():
    done = _run("erlang", "--calls-per-hour", "540", "--aht", "300", "--target", "80/20")
    assert done.returncode == 0
    assert "Required for 80/20: 51 agents" in done.stdout
    done = _run("erlang", "--calls-per-hour", "540", "--aht", "300", "--patience", "180",
                "--max-abandon", "5%")
    assert "Erlang A" in done.stdout and "Required for 80/20: 47 agents" in done.stdout


def test_bad_scenario_exits_2_with_file_line_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\ntitle: {zh: 坏, en: Bad}\ndescription: {zh: 坏, en: Bad}\n"
                   "horizon_hours: 87600\ninterval_minutes: 30\nqueues: {}\ngroups: {}\n"
                   "staffing: {}\n", encoding="utf-8")
    done = _run("run", str(bad))
    assert done.returncode == 2
    assert f"{bad}:4: horizon_hours:" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_arguments_are_refused():
    done = _run("staff", "normal_weekday", "--target", "eighty")
    assert done.returncode == 2 and "80/20" in done.stderr


def test_list_shows_the_library():
    done = _run("list")
    assert done.returncode == 0 and "typhoon" in done.stdout and "台风" in done.stdout
