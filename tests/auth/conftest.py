from tests.api.harness import node

__all__ = ["node"]
