"""Property tests: arbitrary text never crashes, offsets stay valid, output is deterministic."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import perfeval

EXTRACTOR = perfeval.load(rules_only=True)
REPORTISH = st.text(
    alphabet=st.sampled_from(list("0123456789０１２.,，。、%％ \n万元亿千个次名项分余多约近以上第届年月“”《》-率预算执行数")),
    max_size=200,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.text(max_size=300), REPORTISH))
def test_any_text_gives_valid_offsets(text):
    doc = EXTRACTOR.extract(text)
    spans = []
    for r in doc.records:
        assert 0 <= r.start < r.end <= len(text)
        assert text[r.start:r.end] == r.text
        if r.indicator:
            assert text[r.indicator.start:r.indicator.end] == r.indicator.text
        spans.append((r.start, r.end))
    entity_spans = sorted((e.start, e.end) for e in doc.entities)
    for (_, end), (start, _) in zip(entity_spans, entity_spans[1:]):
        assert end <= start  # entities never overlap


@settings(max_examples=100, deadline=None)
@given(REPORTISH)
def test_same_input_same_output(text):
    first = [r.to_dict() for r in EXTRACTOR.extract(text).records]
    second = [r.to_dict() for r in perfeval.load(rules_only=True).extract(text).records]
    assert first == second
