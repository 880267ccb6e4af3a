"""The bounded YAML loader (``scenarios.safe_yaml``): refuses alias bombs, cyclic aliases and
deep nesting with a code and a line, and otherwise reads exactly what ``yaml.safe_load`` reads."""

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import safe_yaml
from tests.security.test_yaml_bombs import BOMB, DEEP, LOOP, deadline

MANY_ALIASES = "".join(f"k{n}: &k{n} 1\n" for n in range(200)) + "".join(
    f"r{n}: *k{n}\n" for n in range(200))  # the 101st alias is on line 301


@pytest.mark.parametrize(("text", "code", "line"), [
    (BOMB, safe_yaml.ALIAS_EXPANSION, 6), (DEEP, safe_yaml.TOO_DEEP, 3),
    (LOOP, safe_yaml.RECURSIVE_ALIAS, 2), (MANY_ALIASES, safe_yaml.TOO_MANY_ALIASES, 301),
])
def test_limits_are_refused_with_code_and_line(text, code, line):
    with deadline(2), pytest.raises(safe_yaml.YamlLimitError) as raised:
        safe_yaml.load(text)
    assert (raised.value.code, raised.value.line) == (code, line)
    assert isinstance(raised.value, yaml.YAMLError)  # callers catching YAMLError still do
    assert raised.value.problem and "line" in str(raised.value)


def test_ordinary_anchors_merge_keys_and_50_levels_still_load():
    text = "base: &base {zh: 对, en: right}\nfirst: *base\nsecond: {<<: *base, en: fine}\n"
    assert safe_yaml.load(text)["second"] == {"zh": "对", "en": "fine"}
    assert safe_yaml.load("[" * 50 + "]" * 50) is not None
    with pytest.raises(safe_yaml.YamlLimitError):
        safe_yaml.load("[" * 51 + "]" * 51)


def test_limits_start_afresh_for_each_document_and_loader():
    text = "".join(f"- &a{n} [1]\n- *a{n}\n" for n in range(90))
    for _ in range(3):  # 90 aliases each time: under the budget every time
        assert len(safe_yaml.load(text)) == 180
    data, node = safe_yaml.load_with_node(text)
    assert isinstance(node, yaml.SequenceNode) and len(data) == 180
    assert safe_yaml.compose("") is None and safe_yaml.load("") is None


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10),
                    st.floats(allow_nan=False))
trees = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)),
    max_leaves=30)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=trees, flow=st.booleans())
def test_reads_what_safe_load_reads(data, flow):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow)
    loaded = safe_yaml.load(text)
    assert loaded == yaml.safe_load(text)
