"""The shipped history sample: made by the seeded script, byte for byte, and what is in it."""

import datetime as dt
import importlib.util
from pathlib import Path

import numpy as np

from simulation.forecast import read_history
from simulation.forecast.sample import SAMPLE_PATH, sample_rows

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_history_sample.py"


def _generator():
    spec = importlib.util.spec_from_file_location("make_history_sample", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shipped_file_is_what_the_seeded_script_makes():
    generator = _generator()
    assert generator.to_csv_gz(generator.generate()) == SAMPLE_PATH.read_bytes()
    assert SAMPLE_PATH.stat().st_size < 2 * 1024 * 1024


def test_the_sample_has_a_year_of_three_queues_with_its_faults_reported():
    history = read_history(sample_rows())
    assert set(history.queues) == {"consultation", "complaint", "technical"}
    consultation = history.queues["consultation"]
    assert consultation.days[0] == dt.date(2025, 12, 1)
    assert consultation.days[-1] == dt.date(2026, 11, 30)
    report = history.report
    assert len(report["repeated_rows"]) == 6
    assert report["queues"]["technical"]["missing_days"] == ["2026-02-02"]
    assert report["queues"]["consultation"]["gaps"][0]["day"] == "2026-08-12"
    daily = np.nansum(consultation.offered, axis=1)
    monday, sunday = daily[7], daily[13]  # 8 and 14 December 2025
    assert monday > 1.3 * sunday
    spring_festival = daily[(dt.date(2026, 2, 17) - consultation.days[0]).days]
    assert spring_festival < 0.5 * monday
