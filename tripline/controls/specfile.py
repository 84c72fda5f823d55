"""Reference data of the controls capability: one YAML file validated by one pydantic model."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from tripline import yamlfile
from tripline.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def load_spec(path: Path, model: type[M], what: str) -> M:
    """`path` parsed as YAML and validated as `model`; a :class:`ConfigError` naming the file and
    the field (``invalid {what}: ...``) when it is not."""
    try:
        return model.model_validate(yamlfile.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ConfigError(f"invalid {what}: {err['msg']}", file=path, field=".".join(map(str, err["loc"]))) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file=path) from exc
