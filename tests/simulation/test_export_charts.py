"""JSON and CSV exports and the SVG charts."""

import csv
import io
import json
import xml.etree.ElementTree as ElementTree

import pytest

from scenarios import load_scenario
from simulation import (
    ChartLabels,
    queue_length_chart,
    records,
    run_replications,
    service_level_chart,
    staffing_chart,
    summarise,
    summary_to_dict,
    to_csv,
    write_csv,
    write_json,
)
from simulation.results import RunResult

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def summary():
    scenario = load_scenario("group_complaint_surge")
    return summarise(run_replications(scenario, 2, seed=5, workers=1))


def test_records_cover_every_interval_queue_and_priority(summary):
    cells = records(summary, "cell")
    assert len(cells) == summary.n_intervals * len(summary.queues) * 3
    first = cells[0]
    assert {"interval", "start", "queue", "priority", "offered", "service_level", "asa",
            "aht", "abandoned", "past_response_target"} <= set(first)
    assert first["start"] == "08:00" and first["priority"] == "urgent"
    queue_rows = records(summary, "queue")
    assert {"mean_waiting", "max_waiting"} <= set(queue_rows[0])
    interval_rows = records(summary, "interval")
    assert "technician_backlog" in interval_rows[0]
    assert "occupancy" in records(summary, "group")[0]


def test_json_export_is_complete_and_readable(summary, tmp_path):
    path = tmp_path / "run.json"
    write_json(summary, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(summary_to_dict(summary)))
    total = {row["queue"]: row for row in data["levels"]["total"]}
    complaint = total["complaint"]["offered"]
    assert complaint["low"] <= complaint["mean"] <= complaint["high"]
    assert data["replications"] == 2


def test_csv_export_is_tidy(summary, tmp_path):
    path = tmp_path / "run.csv"
    write_csv(summary, path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0].keys() == {"level", "interval", "start", "queue", "priority", "group",
                              "metric", "mean", "ci95_low", "ci95_high", "replications"}
    levels = {row["level"] for row in rows}
    assert levels == {"total", "interval", "queue", "cell", "group"}
    sl = [r for r in rows if r["level"] == "queue" and r["metric"] == "service_level"
          and r["queue"] == "complaint" and r["start"] == "11:00"]
    assert len(sl) == 1 and 0 <= float(sl[0]["mean"]) < 0.8
    assert to_csv(summary) == path.read_text(encoding="utf-8")


def test_run_result_dict_round_trip(summary):
    result = run_replications(load_scenario("typhoon"), 1, seed=2, workers=1)[0]
    again = RunResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert (again.contacts["offered"] == result.contacts["offered"]).all()
    assert again.queues == result.queues and again.alerts == result.alerts


def _parse(svg: str):
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("font-family").startswith("Noto Sans CJK SC")
    title = root.find(f"{SVG}title")
    assert title is not None and root.get("aria-labelledby").startswith(title.get("id"))
    return root


def test_charts_are_accessible_svg_with_the_callers_labels(summary):
    labels = ChartLabels("排队人数", "时段", "人数", "每个时段的平均排队人数",
                         {"complaint": "投诉"})
    root = _parse(queue_length_chart(summary, labels))
    texts = "".join(root.itertext())
    assert "排队人数" in texts and "投诉" in texts and "10:00" in texts
    assert len(root.findall(f"{SVG}polyline")) == len(summary.queues)

    sl = _parse(service_level_chart(summary, ChartLabels(
        "服务水平", "时段", "%", series={"service_level": "服务水平"}, target="目标 80%"), 0.8))
    bars = sl.findall(f"{SVG}rect")
    assert len(bars) == summary.n_intervals + 1          # one per interval plus background
    assert "目标 80%" in "".join(sl.itertext())

    staffed = _parse(staffing_chart(["08:00", "08:30"], [10, 12], [11, 11],
                                    ChartLabels("Staffed vs required", "interval", "agents")))
    assert len(staffed.findall(f"{SVG}polyline")) == 2


def test_chart_text_is_escaped(summary):
    svg = queue_length_chart(summary, ChartLabels("<script>", "x", "y"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
