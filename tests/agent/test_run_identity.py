"""A run's identity hashes an explicit list of fields: a new loop option does not orphan
stored runs (a re-run of an old command resumes it), while the listed fields still name it."""

from __future__ import annotations

from dataclasses import field, make_dataclass, replace

import pytest

from parcodegen.agent import config as config_mod
from parcodegen.agent.config import IDENTITY_FIELDS, Budget, LoopConfig
from parcodegen.jobs.campaign import CampaignSpec, campaign_identity
from parcodegen.problems.load import load_problem
from parcodegen.problems.suite import suite_dir

KEYS = ["a/b:123"]

# A LoopConfig with one more option, as a later change would add it.
Extended = make_dataclass(
    "Extended", [("new_option", int, field(default=7))], bases=(LoopConfig,), frozen=True
)


def test_adding_an_option_keeps_the_run_id() -> None:
    base = LoopConfig(strategy="any", backend="b", model="m", threads=2)
    grown = Extended(strategy="any", backend="b", model="m", threads=2)
    assert grown.identity(KEYS) == base.identity(KEYS)
    assert replace(grown, new_option=9).identity(KEYS) == base.identity(KEYS)
    problems = [load_problem(suite_dir() / "reduce/count_primes")]
    spec = CampaignSpec(mode="single")
    assert campaign_identity(grown, spec, problems) == campaign_identity(base, spec, problems)


def test_ids_of_runs_stored_before_the_explicit_list_are_unchanged() -> None:
    # the values the previous identity (every field but budget and workers) gave
    assert LoopConfig().identity(KEYS) == "6672685af2dcba02"
    cfg = LoopConfig(strategy="any", backend="openai", model="m", threads=2)
    assert cfg.identity(["c/d:9", "a/b:123"]) == "186fc9ce25b9ea0e"


@pytest.mark.parametrize("name", IDENTITY_FIELDS)
def test_every_listed_field_names_the_run(name: str) -> None:
    base = LoopConfig(threads=2)
    value = getattr(base, name)
    changed = {bool: lambda v: not v, int: lambda v: v + 1, float: lambda v: v + 0.5,
               str: lambda v: v + "-x", type(None): lambda v: 3}[type(value)](value)  # fmt: skip
    if name == "feedback":
        changed = "regenerate"
    assert replace(base, **{name: changed}).identity(KEYS) != base.identity(KEYS)


def test_budgets_and_workers_do_not_name_the_run() -> None:
    base = LoopConfig()
    other = replace(base, workers=8, budget=Budget(max_iters=9, max_tokens=5, max_cost=1.0))
    assert other.identity(KEYS) == base.identity(KEYS)


def test_an_option_hashed_only_when_set(monkeypatch) -> None:
    """How the endpoint (or any new option that changes what is asked) joins the identity."""
    monkeypatch.setattr(config_mod, "IDENTITY_FIELDS_IF_SET", ("new_option",))
    base = LoopConfig()
    assert Extended().identity(KEYS) == base.identity(KEYS)  # at its default: old runs resume
    assert Extended(new_option=9).identity(KEYS) != base.identity(KEYS)
