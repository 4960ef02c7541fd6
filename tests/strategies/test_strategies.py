"""Strategies render the prompt the issue asks for; templates are strict."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest

from parcodegen.agent.feedback import cut, feedback_message, strip_paths
from parcodegen.errors import UnknownNameError
from parcodegen.prompts import render, template_names
from parcodegen.problems.load import load_problem
from parcodegen.strategies import StrategyContext, get_strategy, strategy_names
from parcodegen.types import Status, StepResult, Verdict

VSUM = Path(__file__).resolve().parents[1] / "fixtures" / "problems" / "agent_vsum"


@dataclass(frozen=True)
class Pair:
    id: str
    slow_code: str
    fast_code: str
    speedup: float


@pytest.fixture(scope="module")
def problem():
    return load_problem(VSUM)


def user_text(name, problem, **ctx):
    messages = get_strategy(name).messages(
        problem, StrategyContext(code=ctx.pop("code", problem.reference_code), **ctx)
    )
    assert [m.role for m in messages] == ["system", "user"]
    return messages[1].content


def test_registry_has_every_strategy_and_suggests_on_typo():
    assert strategy_names() == ["any", "multi-stage", "parallel", "rag", "rag+self-match", "serial"]
    with pytest.raises(UnknownNameError, match="did you mean 'parallel'"):
        get_strategy("paralel")
    with pytest.raises(UnknownNameError, match="did you mean 'multi-stage'"):
        get_strategy("multistage")


@pytest.mark.parametrize(
    "name", ["parallel", "serial", "any", "multi-stage", "rag", "rag+self-match"]
)
def test_prompt_carries_code_signature_description(name, problem):
    text = user_text(name, problem)
    assert f"```cpp\n{problem.reference_code.rstrip()}\n```" in text
    assert problem.signature in text and "`vsum`" in text
    assert problem.description in text
    assert "complete translation unit" in text and "exactly the signature" in text


def test_strategies_differ_in_how_they_ask(problem):
    assert "using OpenMP" in user_text("parallel", problem)
    serial = user_text("serial", problem)
    assert "without parallelism" in serial and "no\nOpenMP" in serial
    assert "do not have to" in user_text("any", problem)


def test_multi_stage_second_stage_starts_from_verified_code(problem):
    s = get_strategy("multi-stage")
    assert [st.name for st in s.stages] == ["serial", "parallel"]
    assert "without parallelism" in user_text("multi-stage", problem)
    text = user_text(
        "multi-stage", problem, code="// stage one result\n", stage=1, from_previous_stage=True
    )
    assert "// stage one result" in text and "already been verified" in text
    assert "using OpenMP" in text
    plain = user_text("multi-stage", problem, stage=1)  # stage one gave nothing verified
    assert "already been verified" not in plain and "original serial code" in plain


def test_rag_prompts_carry_the_example_pairs(problem):
    ex = (
        Pair("seed:a:1", "// SLOW ONE\n", "// FAST ONE\n", 3.0),
        Pair("seed:b:2", "// SLOW TWO\n", "// FAST TWO\n", 1.5),
    )
    for name in ("rag", "rag+self-match"):
        text = user_text(name, problem, examples=ex)
        for marker in ("// SLOW ONE", "// FAST ONE", "// SLOW TWO", "// FAST TWO", "3.0x"):
            assert marker in text
        assert text.index("// FAST TWO") > text.index(
            problem.reference_code.strip()
        )  # task code first
        # the first ```cpp block is the task's code (what the autopar backend reads)
        assert text.split("```cpp\n", 1)[1].startswith(problem.reference_code.rstrip())
    assert get_strategy("rag+self-match").self_match and not get_strategy("rag").self_match
    assert "Example 1" not in user_text("rag", problem)  # no pairs retrieved: no example section


def test_templates_are_strict_about_missing_variables():
    assert {"parallel", "serial", "any", "feedback", "improve", "self_check", "system"} <= set(
        template_names()
    )
    with pytest.raises(jinja2.UndefinedError):
        render("feedback", headline="x")


def test_feedback_strips_paths_and_cuts_with_a_note(problem):
    assert strip_paths("/tmp/pcg-1/w/candidate.cpp:3:5: error") == "candidate.cpp:3:5: error"
    text, truncated = cut("line\n" * 1000, 100)
    assert truncated and len(text) <= 100
    long_log = "/tmp/pcg-9/work/candidate.cpp:1:1: error: nope\n" * 200
    v = Verdict(
        Status.COMPILE_ERROR, (StepResult("compile", False, Status.COMPILE_ERROR, long_log),)
    )
    msg = feedback_message(problem, v, limit=500)
    assert "does not compile" in msg and "candidate.cpp:1:1: error: nope" in msg
    assert "/tmp/" not in msg and "cut to fit" in msg
    assert problem.signature in msg
    with pytest.raises(ValueError):
        feedback_message(problem, Verdict(Status.PASS, ()))
