"""Roles and permissions, loaded from ``roles.yaml`` (reference data, validated at load)."""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from tripline import yamlfile
from tripline.errors import ConfigError

ROLES_FILE = Path(__file__).with_name("roles.yaml")


class Role(StrEnum):
    ANALYST = "screening_analyst"
    TARGETER = "targeter"
    EXCHANGE_OFFICER = "exchange_officer"
    ADMIN = "administrator"


class Permission(StrEnum):
    SCREEN = "screen"
    CLASSIFY = "classify"
    TARGET = "target"
    EXCHANGE = "exchange"
    CASES = "cases"
    ADMIN = "admin"


class RoleSpec(BaseModel):
    title: str
    permissions: list[Permission]


class RolesFile(BaseModel):
    roles: dict[Role, RoleSpec]


def load_roles(path: Path = ROLES_FILE) -> dict[Role, RoleSpec]:
    """Read and validate the role table; every :class:`Role` must be described."""
    try:
        raw = yamlfile.safe_load(path.read_text(encoding="utf-8"))
        parsed = RolesFile.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read role table: {exc}", file=path) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConfigError(first["msg"], file=path, field=".".join(str(p) for p in first["loc"])) from exc
    missing = set(Role) - set(parsed.roles)
    if missing:
        raise ConfigError(f"roles not described: {', '.join(sorted(missing))}", file=path, field="roles")
    return parsed.roles


@cache
def _default_roles() -> dict[Role, RoleSpec]:
    return load_roles()


def permissions_of(role: Role) -> frozenset[Permission]:
    return frozenset(_default_roles()[role].permissions)


def role_title(role: Role) -> str:
    return _default_roles()[role].title
