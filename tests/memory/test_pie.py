"""PIE ingestion: both field layouts, token filter, normalization, malformed lines."""

from __future__ import annotations

import json

import pytest

from parcodegen.memory.pie import parse_record, read_pie, read_pie_file, LineRejected

SLOW = (
    '#include <cstdio>\nint main(){long s=0;for(long i=0;i<100000000;i++)s+=i%7;printf("%ld",s);}'
)
FAST = '#include <cstdio>\nint main(){printf("%ld", 299999997L);}'


def test_train_style_layout_speedup_from_runtimes():
    e = parse_record(
        {
            "problem_id": "p00001",
            "src_code": SLOW,
            "tgt_code": FAST,
            "src_agg_runtime": 4.0,
            "tgt_agg_runtime": 0.5,
        }
    )
    assert e.family == "p00001" and e.slow_code == SLOW and e.fast_code == FAST
    assert e.raw_speedup == pytest.approx(8.0)
    assert e.speedup == pytest.approx(10 - 25 / 8.0)
    assert e.source == "pie" and not e.verified and e.slow_tokens > 10


def test_test_style_layout_with_explicit_speedup():
    e = parse_record(
        {
            "problem_id": "p2",
            "input": SLOW,
            "target": FAST,
            "speedup": 3.5,
            "src_agg_runtime": 1.0,
            "tgt_agg_runtime": 1.0,
        }
    )
    assert e.raw_speedup == 3.5 and e.speedup == 3.5  # the explicit field wins


def test_v0_v1_layout():
    e = parse_record(
        {
            "problem_id": "p3",
            "code_v0": SLOW,
            "code_v1": FAST,
            "measured_runtime_v0": 900,
            "measured_runtime_v1": 300,
        }
    )
    assert e.raw_speedup == pytest.approx(3.0)


def test_missing_fields_are_named():
    with pytest.raises(LineRejected, match="fast code") as info:
        parse_record({"problem_id": "p", "src_code": SLOW, "speedup": 2})
    assert "tgt_code" in str(info.value)
    with pytest.raises(LineRejected, match="problem id"):
        parse_record({"src_code": SLOW, "tgt_code": FAST, "speedup": 2})
    with pytest.raises(LineRejected, match="missing speedup") as info:
        parse_record(
            {"problem_id": "p", "src_code": SLOW, "tgt_code": FAST, "src_agg_runtime": 3.0}
        )
    assert "tgt_agg_runtime" in str(info.value)


def test_file_with_mixed_lines(tmp_path):
    long_code = "int f(int x) { return x + 1; }\n" * 200  # ~2400 tokens
    lines = [
        {
            "problem_id": "a",
            "src_code": SLOW,
            "tgt_code": FAST,
            "src_agg_runtime": 2,
            "tgt_agg_runtime": 1,
        },
        {"problem_id": "b", "input": SLOW + " ", "target": FAST, "speedup": 12.0},
        {"problem_id": "c", "src_code": long_code, "tgt_code": FAST, "speedup": 2.0},
        {"problem_id": "d", "src_code": SLOW, "tgt_code": FAST, "speedup": 0.8},
        {"problem_id": "e", "src_code": SLOW, "speedup": 2.0},
        "not an object",
        {"problem_id": "f", "src_code": SLOW, "tgt_code": FAST, "speedup": "fast"},
        {"problem_id": "a", "src_code": SLOW, "tgt_code": FAST, "speedup": 2},
    ]
    path = tmp_path / "pie.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n{broken json\n\n")
    report = read_pie_file(path)
    assert [e.family for e in report.kept] == ["a", "b"]
    assert report.kept[1].speedup == pytest.approx(10 - 25 / 12)
    assert report.lines == 9
    assert report.dropped == {
        "over 1000 tokens": 1,
        "no speedup": 1,
        "missing field": 1,
        "malformed": 3,
        "duplicate": 1,
    }
    text = report.summary()
    assert "kept 2, dropped 7" in text and "pie.jsonl:line 3: too long" in text
    assert "line 9: not valid JSON" in text


def test_token_limit_is_configurable():
    code = "int f(int x) { return x + 1; }\n" * 20
    rec = {"problem_id": "p", "src_code": code, "tgt_code": FAST, "speedup": 2}
    assert len(read_pie([json.dumps(rec)], max_tokens=1000).kept) == 1
    assert len(read_pie([json.dumps(rec)], max_tokens=50).kept) == 0
