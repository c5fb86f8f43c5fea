"""Fixtures for the Alexa channel tests; the helpers live in alexa_support.py."""
import pytest
from sanic import Sanic

from .alexa_pki import Pki, new_pki

Sanic.test_mode = True  # many short-lived Sanic apps in one process


@pytest.fixture(scope="session")
def pki() -> Pki:
    return new_pki()
