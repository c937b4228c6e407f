"""Fixtures of the hardening suite; the helpers they use are in ``support.py``.

The store, the apps and the live servers come from ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from hardening.support import PROFILE, Listeners, close_listeners, open_listeners

# A bounded run in CI, a long one on demand (HYPOTHESIS_PROFILE=long); the same names as
# test_fuzz_parsers.py uses.
settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile(
    "long", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(PROFILE)


@pytest.fixture
def listeners() -> Iterator[Listeners]:
    """A listener on 127.0.0.1 (and [::1] where there is IPv6) counting every connection."""
    found = open_listeners()
    yield found
    close_listeners(found)
