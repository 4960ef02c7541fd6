"""Defaults of the endpoint options, and the check that a cost cap can be counted.

The options themselves are backend settings (llm/registry.py `BackendSettings`:
request_timeout, retries, breaker_after, price_in, price_out) that a backend declared
`paid` takes; `check_cost_cap` refuses, before anything is sent, a `--max-cost` that
could not be counted because the model's price is unknown.
"""

from __future__ import annotations

from parcodegen.errors import ConfigError
from parcodegen.llm.pricing import Pricing
from parcodegen.llm.registry import BackendSettings, ResolvedBackend

DEFAULT_REQUEST_TIMEOUT_S = 300.0
DEFAULT_RETRIES = 3
DEFAULT_BREAKER_AFTER = 6
DEFAULT_REPLY_TOKENS = 4096


def check_cost_cap(
    resolved: ResolvedBackend, settings: BackendSettings, max_cost: float | None
) -> None:
    """With `max_cost`, a paid backend's model must have a known price."""
    if max_cost is None:
        return
    if not max_cost >= 0:
        raise ConfigError(f"--max-cost: USD >= 0 (got {max_cost})")
    if resolved.info.paid:
        Pricing.load(settings.price_in, settings.price_out).require_price(settings.model)
