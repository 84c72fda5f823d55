from tests.exchange.conftest import network

__all__ = ["network"]
