"""SVG charts: accessible, escaped, and drawn to scale."""

import re
import xml.etree.ElementTree as ET

from lms.reports.charts import Series, bar_chart, heatmap, histogram, line_chart


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def test_bar_heights_are_proportional_to_values():
    svg = bar_chart(["A", "B"], [Series("n", [10, 20])], title="Counts", y_max=20)
    rects = [r for r in _parse(svg).iter("{http://www.w3.org/2000/svg}rect")]
    heights = [float(r.get("height")) for r in rects]
    assert len(heights) == 2 and abs(heights[1] - 2 * heights[0]) < 0.5


def test_titles_and_labels_are_escaped_and_accessible():
    svg = str(bar_chart(["<b>"], [Series("x&y", [1])], title="服务水平 <script>"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "服务水平 <script>"


def test_line_chart_breaks_at_missing_values_and_draws_target():
    svg = str(line_chart(["1", "2", "3", "4"], [Series("SL", [0.8, None, 0.7, 0.9])],
                         title="SL", target=0.8, y_max=1))
    assert svg.count("<polyline") == 1  # only the 3→4 segment is a line; 1 is a dot
    assert "<circle" in svg
    assert "stroke-dasharray" in svg


def test_histogram_counts_every_value_once():
    svg = str(histogram([0, 10, 20, 55, 100, 100], [0, 50, 100], title="Scores"))
    counts = [int(m) for m in re.findall(r": (\d+)</title></rect>", svg)]
    assert counts == [3, 3]


def test_heatmap_marks_good_and_bad_cells_differently():
    svg = str(heatmap(["Mon"], ["08:00", "08:30"], [[0.95, 0.40]], title="SL", fmt="{:.2f}"))
    fills = re.findall(r'fill="(rgb\([^)]*\))"', svg)
    assert len(fills) == 2 and fills[0] != fills[1]
    assert "0.95" in svg and "0.40" in svg


def test_bar_chart_draws_confidence_whiskers_where_given():
    svg = str(bar_chart(["pre", "post"], [Series("SL", [0.6, 0.8], lower=[0.5, None],
                                                 upper=[0.7, None])], title="SL", y_max=1))
    assert svg.count('class="ci"') == 1
    assert "0.5–0.7" in svg
