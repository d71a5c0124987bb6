"""The server-drawn SVG line chart: named, described, and readable without colour."""

from __future__ import annotations

import re

import pytest

from losen.lib.charts import Series, line_chart


def test_the_chart_is_an_image_with_a_name_and_a_description():
    svg = line_chart(
        title="Resources <over time>",
        description="Average & more",
        x_labels=["01.01.24", "01.03.24"],
        series=[Series("Young person", [2, 4]), Series("Coordinator", [1, 3.5])],
        chart_id="c1",
    )
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-label="Resources &lt;over time&gt;"' in svg
    assert '<title id="c1-title">Resources &lt;over time&gt;</title>' in svg
    assert '<desc id="c1-desc">Average &amp; more</desc>' in svg
    assert svg.count("<polyline") == 2
    assert "Young person" in svg
    assert 'stroke-dasharray="6 4"' in svg  # series differ by more than colour


def test_a_missing_value_breaks_the_line_and_a_single_mapping_is_a_point():
    broken = line_chart(
        title="t",
        description="d",
        x_labels=["a", "b", "c", "d"],
        series=[Series("one", [1, 2, None, 4])],
    )
    assert broken.count("<polyline") == 1  # a-b; d alone is a marker
    assert broken.count("<circle") == 3 + 1  # three points and the legend's marker
    single = line_chart(title="t", description="d", x_labels=["a"], series=[Series("s", [3])])
    assert "<polyline" not in single
    assert single.count("<circle") == 2


def test_the_chart_refuses_series_that_do_not_fit_the_labels():
    with pytest.raises(ValueError):
        line_chart(title="t", description="d", x_labels=["a"], series=[Series("s", [1, 2])])


def test_a_chart_of_large_numbers_leaves_room_for_its_longest_axis_number():
    svg = line_chart(
        title="Kostnad",
        description="Kostnad per deltaker",
        x_labels=["jan", "feb"],
        series=[Series("Kostnad", [12000, 45000])],
        y_min=0,
        y_max=50000,
    )
    # The numbers end 8 px left of the plot; "50000" (5 digits, ~8 px each) fits.
    axis_numbers = re.findall(r'<text x="([\d.]+)"[^>]*text-anchor="end"[^>]*>(\d+)</text>', svg)
    assert "50000" in [number for _x, number in axis_numbers]
    for x, number in axis_numbers:
        assert float(x) >= 8 * len(number) - 4
    assert svg.count('class="chart"') == 1
