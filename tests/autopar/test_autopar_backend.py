"""The autopar backend behind the batch Backend protocol."""

from pathlib import Path

from autopar_cases import HEAD, NEGATIVE, POSITIVE

from parcodegen.llm.autopar_backend import AutoparBackend
from parcodegen.llm.base import Backend, LLMRequest, Message
from parcodegen.llm.registry import make_backend
from parcodegen.tools.extract import extract_code


def request(code: str, function: str, *, extra: tuple[Message, ...] = (), tags=()) -> LLMRequest:
    prompt = f"Parallelize `{function}`:\n\n```cpp\n{code}\n```\n"
    return LLMRequest(
        messages=(Message("system", "be fast"), Message("user", prompt)) + extra,
        tags=(("function", function),) + tuple(tags),
    )


def test_registered_and_protocol():
    backend = make_backend("autopar")
    assert isinstance(backend, AutoparBackend)
    assert isinstance(backend, Backend)
    assert backend.name == "autopar"


def test_variants_as_fenced_texts_with_zero_usage():
    backend = AutoparBackend()
    code = HEAD + POSITIVE["matmul"]
    (resp,) = backend.generate([request(code, "matmul")])
    assert len(resp.texts) == 6
    assert resp.usage.total_tokens == 0 and resp.usage.cost_usd == 0.0
    for text in resp.texts:
        step = extract_code(text, "matmul")
        assert step.ok, step.message
        assert "#pragma omp" in step.data["code"]
        assert "autopar report for `matmul`" in text
    # the accumulator summed in C[i*n + j], then i-k-j: ranked first
    assert resp.raw["autopar"]["variants"][:2] == ["sink-permute", "outer"]


def test_batch_in_order_and_feedback_turn_rotates():
    backend = AutoparBackend()
    first = request(HEAD + POSITIVE["sum"], "sum")
    later = request(
        HEAD + POSITIVE["sum"],
        "sum",
        extra=(
            Message("assistant", "```cpp\nold\n```"),
            Message("user", "that was slow; try again"),
        ),
    )
    other = request(HEAD + POSITIVE["saxpy"], "saxpy")
    r1, r2, r3 = backend.generate([first, later, other])
    assert r1.raw["autopar"]["first"] == "outer"
    assert r2.raw["autopar"]["first"] == "schedule"  # the code came from the earlier user turn
    assert "saxpy" in r3.texts[0] and "schedule(static)" in r3.texts[0]


def test_no_safe_loop_gives_one_text_without_code():
    code, _ = NEGATIVE["prefix"]
    (resp,) = AutoparBackend().generate([request(HEAD + code, "prefix")])
    assert len(resp.texts) == 1
    assert "```" not in resp.texts[0]
    assert "loop-carried dependence" in resp.texts[0]
    assert not extract_code(resp.texts[0], "prefix").ok


def test_self_check_turn_keeps_the_draft():
    req = request(HEAD + POSITIVE["sum"], "sum", tags=(("kind", "self_check"),))
    (resp,) = AutoparBackend().generate([req])
    assert len(resp.texts) == 1 and "```" not in resp.texts[0]


def test_later_turns_still_parallelize_the_original_and_rotate_variants():
    """On an improve turn the last user message holds an already parallelized candidate;
    autopar must keep working from the task's code and offer the next variant."""
    from parcodegen.llm.autopar_backend import AutoparBackend
    from parcodegen.llm.base import LLMRequest, Message

    code = (
        "void scale(const double* a, double* b, int n) {\n"
        "  for (int i = 0; i < n; ++i)\n"
        "    for (int j = 0; j < 4; ++j) b[i * 4 + j] = 2.0 * a[i * 4 + j];\n"
        "}\n"
    )
    task = Message("user", f"Optimize:\n```cpp\n{code}```")
    firsts = []
    for turn in range(2):
        msgs = (
            (task,)
            if turn == 0
            else (
                task,
                Message("assistant", "```cpp\n#pragma omp parallel for\n```"),
                Message("user", "Faster?\n```cpp\n#pragma omp parallel for\nvoid scale();\n```"),
            )
        )
        req = LLMRequest(messages=msgs, tags=(("function", "scale"), ("turn", str(turn))))
        resp = AutoparBackend().generate([req])[0]
        assert "```cpp" in resp.texts[0] and "#pragma omp" in resp.texts[0]
        firsts.append(resp.raw["autopar"]["first"])
    assert len(resp.raw["autopar"]["variants"]) >= 2 and firsts[0] != firsts[1]


def test_each_variant_is_proposed_once_then_the_backend_says_it_has_no_more():
    from parcodegen.llm.autopar_backend import AutoparBackend

    code = HEAD + POSITIVE["sum"]
    labels = None
    seen = []
    for turn in range(6):
        req = request(code, "sum", tags=(("turn", str(turn)),))
        (resp,) = AutoparBackend().generate([req])
        labels = resp.raw["autopar"]["variants"]
        if turn < len(labels):
            assert "```cpp" in resp.texts[0]
            seen.append(resp.raw["autopar"]["first"])
        else:
            assert "```" not in resp.texts[0] and "no further variant" in resp.texts[0]
    assert labels and sorted(seen) == sorted(labels)  # every variant once, none repeated


def test_the_turn_with_the_last_variant_says_the_backend_has_no_more():
    """raw["final"] on the last untried variant (and on a reply with none) ends the episode."""
    code = HEAD + POSITIVE["sum"]
    finals = []
    for sample in (0, 1):
        for turn in range(3):
            tags = (("turn", str(turn)), ("sample", str(sample)))
            (resp,) = AutoparBackend().generate([request(code, "sum", tags=tags)])
            finals.append(resp.raw.get("final", ""))
    k = len(resp.raw["autopar"]["variants"])
    assert k == 2
    said = f"autopar: all {k} variants tried"
    assert [f.startswith(said) for f in finals] == [False, True, True] * 2
    (none,) = AutoparBackend().generate([request(HEAD + NEGATIVE["prefix"][0], "prefix")])
    assert none.raw["final"].startswith("autopar: no variant to try")


KERNELS = Path(__file__).resolve().parents[2] / "benchmarks" / "loopnests"
LCS = KERNELS / "carried" / "lcs_table"


def test_optimize_with_autopar_explains_why_nothing_is_proposed(tmp_path, capsys):
    """Not "4 no_code": the run says nothing is safe, and why, per loop."""
    import json

    from parcodegen.cli.main import main

    argv = ["optimize", str(LCS), "--backend", "autopar", "--json",
            "--run-dir", str(tmp_path / "runs"), "--no-timing"]  # fmt: skip
    assert main(argv) == 1
    report = json.loads(capsys.readouterr().out)
    why = report["explanation"]
    assert "no_code" not in why
    assert "nothing is safe to parallelize" in why and "loop-carried dependence" in why
    assert "for (int i = 1; i <= n; ++i)" in why and "for (int j = 1; j <= n; ++j)" in why
    assert report["attempts"] == 1  # said once, not one no_code turn per remaining attempt


def test_optimize_with_autopar_stops_when_every_variant_was_tried(tmp_path, capsys):
    """No "turn N: no_code" after the variants run out: the loop stops and says so once."""
    import json

    from parcodegen.autopar import optimize_source
    from parcodegen.cli.main import main

    problem = KERNELS / "dense" / "matvec_rows"
    reference = (problem / "reference.cpp").read_text()
    k = len(optimize_source(reference, "matvec_rows").variants)
    assert k >= 2
    argv = ["optimize", str(problem), "--backend", "autopar", "--json", "--max-iters", "8",
            "--run-dir", str(tmp_path / "runs"), "--no-timing"]  # fmt: skip
    main(argv)
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["attempts"] == k and report["stop_reason"] == ""
    assert captured.err.count(f"autopar: all {k} variants tried") == 1
    assert "no_code" not in captured.err


def test_optimize_summary_line_gives_the_speedup_with_its_interval(tmp_path, capsys):
    """The final verdict line carries the interval the per-turn lines print."""
    import re

    from parcodegen.cli.main import main

    example = Path(__file__).resolve().parents[2] / "examples" / "reduction"
    argv = ["optimize", str(example), "--backend", "autopar", "--timing-reps", "3",
            "--min-speedup", "0.01", "--run-dir", str(tmp_path / "runs")]  # fmt: skip
    main(argv)
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("verdict:"))
    if line.startswith("verdict: pass"):
        assert re.search(
            r"speedup \d+\.\d\dx \[\d+\.\d\d, \d+\.\d\d\] \(\d+%, \d+ pairs?\);", line
        ), line
    else:  # the interval could not clear 1.0 on a loaded machine: still said with it
        assert "original kept" in line
