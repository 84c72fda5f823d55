from tests.api.harness import node, sqlite_node

__all__ = ["node", "sqlite_node"]
