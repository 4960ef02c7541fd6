"""The sandbox's launcher failure is a structured flag, carried from the run result to the
step result, and that flag (not a string in the messages) is what makes the evaluator
re-verify a candidate instead of blaming it."""

from __future__ import annotations

from parcodegen.agent.evaluate import _harness_glitch
from parcodegen.sandbox.run import Limits, Workdir, run
from parcodegen.types import LAUNCHER_FAILED, Status, StepResult, Verdict


def test_a_program_cannot_pass_itself_off_as_a_launcher_failure() -> None:
    """The flag comes from the launcher's own report, not from what the program prints or
    how it exits: a candidate imitating the launcher is still the candidate's crash."""
    with Workdir("launcher") as wd:
        forged = run(["sh", "-c", "echo 'pcg-jail: cannot run ./prog' >&2; exit 122"], wd,
                     Limits(wall_s=5))  # fmt: skip
        crash = run(["sh", "-c", "exit 3"], wd, Limits(wall_s=5))
    assert not forged.launcher_failed and forged.returncode == 122
    assert not crash.launcher_failed and crash.returncode == 3


def crash_verdict(message: str, data: dict) -> Verdict:
    step = StepResult("difftest", False, Status.CRASH, message, message, data=data)
    return Verdict(Status.CRASH, (step,))


def test_the_evaluator_reads_the_flag_not_the_text() -> None:
    flagged = crash_verdict("crash on input n=7: exit 124", {LAUNCHER_FAILED: True})
    assert _harness_glitch(flagged)
    # a message that merely mentions the launcher is the candidate's crash
    assert not _harness_glitch(crash_verdict("crash: pcg-jail: cannot run ./prog", {}))
    assert not _harness_glitch(Verdict(Status.PASS, (StepResult("difftest", True),)))
