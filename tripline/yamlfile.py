"""YAML as Tripline reads it: PyYAML's safe loader, except that a key given twice in one mapping is
an error. Plain YAML keeps the second value silently, so a reference table or a sharing agreement
with a repeated key would lose an entry or a condition without a word ("機械" once lost its Chinese
reading that way)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import ConstructorError

from tripline.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class DuplicateKeyError(ConstructorError):
    """A mapping gives one key twice. ``problem_mark`` is the second key, as the readers' YAML
    error handlers expect; ``line`` and ``first_line`` are 1-based."""

    def __init__(self, key: object, first: yaml.Mark, second: yaml.Mark) -> None:
        super().__init__("while constructing a mapping", first, f"found key {key!r} given twice", second)  # type: ignore[no-untyped-call]
        self.key = key
        self.line = second.line + 1
        self.first_line = first.line + 1

    def __str__(self) -> str:
        return f"key {self.key!r} given twice (first on line {self.first_line}, again on line {self.line})"


class _UniqueKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base loader says so with its own error
                break
            if first is not None:
                raise DuplicateKeyError(key, first, key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def safe_load(text: str) -> Any:
    """Parse ``text`` as :func:`yaml.safe_load` does, refusing a key given twice in one mapping
    (:class:`DuplicateKeyError`, a :class:`yaml.YAMLError`)."""
    return yaml.load(text, Loader=_UniqueKeyLoader)


def load_model(path: Path, model: type[M], what: str) -> M:
    """A reference-data file read, parsed (:func:`safe_load`) and validated as ``model``; every
    failure a :class:`ConfigError` naming the file and the line (a key given twice, bad YAML) or the
    field (a value the model refuses)."""
    try:
        raw = safe_load(path.read_text(encoding="utf-8"))
    except DuplicateKeyError as exc:
        raise ConfigError(str(exc), file=path, line=exc.line, field=str(exc.key)) from exc
    except (OSError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"cannot read {what}: {exc}", file=path, line=mark.line + 1 if mark else None) from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(first["msg"], file=path, field=".".join(str(p) for p in first["loc"])) from exc
