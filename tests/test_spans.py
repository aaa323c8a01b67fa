from hypothesis import given
from hypothesis import strategies as st

from perfeval.spans import SpanSet


def test_overlap_queries_by_hand():
    spans = SpanSet([(10, 20), (0, 5)])
    assert spans.find(4, 6) == (0, 5)
    assert spans.find(5, 10) is None  # half-open: touching is not overlapping
    assert spans.find(19, 30) == (10, 20)
    assert not spans.overlaps(20, 25)
    spans.add(22, 24)
    assert spans.find(20, 23) == (22, 24)


@given(st.lists(st.integers(0, 50), max_size=20), st.integers(0, 60), st.integers(1, 10))
def test_agrees_with_a_linear_scan(cuts, start, width):
    points = sorted(set(cuts))
    stored = [(a, b) for a, b in zip(points[::2], points[1::2]) if a < b]
    expected = any(a < start + width and start < b for a, b in stored)
    assert SpanSet(stored).overlaps(start, start + width) == expected
