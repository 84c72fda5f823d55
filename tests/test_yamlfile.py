"""`tripline.yamlfile`: PyYAML's safe loader (the independent reference) except that a key given
twice in one mapping is refused with both lines."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tripline import yamlfile

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12),
)
_keys = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=8), st.integers(-99, 99)
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=20,
)


@given(_documents)
def test_anything_without_a_repeated_key_reads_as_pyyaml_reads_it(document: Any) -> None:
    for text in (yaml.safe_dump(document, allow_unicode=True), yaml.safe_dump(document, default_flow_style=True)):
        assert yamlfile.safe_load(text) == yaml.safe_load(text)


@given(
    st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,8}", fullmatch=True), st.integers(), min_size=1, max_size=6),
    st.data(),
)
def test_a_repeated_key_is_refused_with_both_lines(mapping: dict[str, int], data: st.DataObject) -> None:
    # keys quoted: YAML 1.1 reads a bare "on", "no" or "y" as a boolean (found by Hypothesis)
    lines = [f'"{key}": {value}' for key, value in mapping.items()]
    first = data.draw(st.integers(0, len(lines) - 1))
    key = list(mapping)[first]
    lines.append(f'"{key}": 0')  # plain YAML would keep this value and say nothing
    text = "outer:\n" + "".join(f"  {line}\n" for line in lines)
    assert yaml.safe_load(text)["outer"][key] == 0
    with pytest.raises(yamlfile.DuplicateKeyError) as err:
        yamlfile.safe_load(text)
    assert err.value.key == key
    assert (err.value.first_line, err.value.line) == (first + 2, len(lines) + 1)
    assert f"{key!r} given twice (first on line {first + 2}, again on line {len(lines) + 1})" in str(err.value)
    assert isinstance(err.value, yaml.YAMLError)  # the readers' YAML error handlers catch it


def test_two_spellings_of_one_boolean_key_are_one_key_given_twice() -> None:
    """YAML 1.1 reads bare "on" and "yes" as the same key, true: plain YAML keeps the last."""
    with pytest.raises(yamlfile.DuplicateKeyError) as err:
        yamlfile.safe_load("on: 1\nyes: 2\n")
    assert (err.value.first_line, err.value.line) == (1, 2)


def test_unsafe_tags_are_still_refused() -> None:
    with pytest.raises(yaml.YAMLError):
        yamlfile.safe_load("!!python/object/apply:os.system ['true']")
