"""Options for a model endpoint and a run's identity, shared by optimize, bench run and synth.

Only parsing lives here; what the values mean is in llm/endpoint.py, llm/pricing.py and
store/run_states.py.
"""

from __future__ import annotations

import argparse

from parcodegen.llm.endpoint import (
    DEFAULT_BREAKER_AFTER,
    DEFAULT_REPLY_TOKENS,
    DEFAULT_REQUEST_TIMEOUT_S,
    DEFAULT_RETRIES,
)


def add_endpoint_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("endpoint: time, retries, prices, reply length")
    g.add_argument("--request-timeout", type=float, default=DEFAULT_REQUEST_TIMEOUT_S,
                   metavar="S", help="seconds one request may take (a slow local model on a "
                   "CPU may need more; --max-wall also cuts it)")  # fmt: skip
    g.add_argument("--retries", type=int, default=DEFAULT_RETRIES, metavar="N",
                   help="further attempts after a 429, 5xx, timeout or dropped connection "
                   "(exponential back-off; the server's Retry-After honoured)")  # fmt: skip
    g.add_argument("--breaker-after", type=int, default=DEFAULT_BREAKER_AFTER, metavar="N",
                   help="stop after N identical endpoint failures in a row (0: never)")  # fmt: skip
    g.add_argument("--price-in", type=float, metavar="USD",
                   help="price per million input tokens (default: the built-in table or "
                   "the prices file; see docs/backends.md)")  # fmt: skip
    g.add_argument("--price-out", type=float, metavar="USD",
                   help="price per million output tokens (with --price-in)")  # fmt: skip
    g.add_argument("--reply-tokens", type=int, default=DEFAULT_REPLY_TOKENS, metavar="N",
                   help="length limit of one reply; a reply cut off there is continued "
                   "(--max-tokens is the whole run's budget)")  # fmt: skip
    r = p.add_argument_group("which run")
    r.add_argument("--fresh", action="store_true",
                   help="start a new run even if a stored run has these settings")  # fmt: skip
    r.add_argument("--resume", metavar="RUN",
                   help="continue the stored run RUN (its settings must match)")  # fmt: skip
