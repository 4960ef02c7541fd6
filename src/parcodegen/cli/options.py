"""Readers of the options several commands share: backend settings and budgets."""

from __future__ import annotations

import argparse

from parcodegen.agent.config import Budget
from parcodegen.llm.registry import BackendSettings


def backend_settings(args: argparse.Namespace) -> BackendSettings:
    """The backend settings the common options give (model, endpoint, cache, files)."""
    return BackendSettings(
        model=args.model or "", base_url=args.base_url or None,
        script=getattr(args, "script", None), recording=getattr(args, "recording", None),
        no_cache=bool(getattr(args, "no_cache", False)), record=getattr(args, "record", None),
        request_timeout=getattr(args, "request_timeout", None),
        retries=getattr(args, "retries", None), breaker_after=getattr(args, "breaker_after", None),
        price_in=getattr(args, "price_in", None), price_out=getattr(args, "price_out", None),
    )  # fmt: skip


def budget(args: argparse.Namespace) -> Budget:
    return Budget(max_iters=args.max_iters, max_tokens=args.max_tokens,
                  max_cost=args.max_cost, max_wall_s=args.max_wall)  # fmt: skip
