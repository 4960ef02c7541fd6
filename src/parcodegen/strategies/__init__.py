"""Strategies: how to ask (problem, context) -> messages. See base.py."""

from parcodegen.strategies.base import (
    STRATEGIES,
    Stage,
    Strategy,
    StrategyContext,
    get_strategy,
    strategy_names,
)

__all__ = ["STRATEGIES", "Stage", "Strategy", "StrategyContext", "get_strategy", "strategy_names"]
