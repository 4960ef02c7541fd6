"""Record a run through the real fake server, then replay it with no server at all."""

from __future__ import annotations

import json

import pytest
from conftest import backend_for, request

from parcodegen.errors import BackendError
from parcodegen.llm.replay import RecordingBackend, ReplayBackend
from parcodegen.llm.scripted import ScriptedBackend


def test_record_then_replay_without_the_server(server, tmp_path):
    path = tmp_path / "run" / "calls.jsonl"
    server.add_replies("r1", "r2", "r3", "r4")
    recorder = RecordingBackend(backend_for(server, concurrency=1), path)  # replies in order
    batch = [request("a", problem="p/a"), request("b", n=2, problem="p/b")]
    first = recorder.generate(batch)
    again = recorder.generate([request("a", problem="p/a")])  # same prompt, new sample
    server.stop()

    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["texts"] for line in lines] == [["r1"], ["r2", "r3"], ["r4"]]
    assert lines[1]["request"]["tags"] == {"problem": "p/b"}
    assert lines[0]["key"] == batch[0].cache_key()

    replay = ReplayBackend(path)
    out = replay.generate(batch + [request("a", problem="p/a")])
    assert [r.texts for r in out] == [r.texts for r in first + again]
    assert all(r.cached for r in out)
    assert out[1].usage == first[1].usage


def test_unrecorded_request_names_the_problem(tmp_path):
    path = tmp_path / "calls.jsonl"
    RecordingBackend(ScriptedBackend(["x"]), path).generate([request("a", problem="p/a")])
    replay = ReplayBackend(path)
    with pytest.raises(BackendError, match=r"problem 'p/b'.*can't be replayed exactly"):
        replay.generate([request("changed prompt", problem="p/b")])
    replay.generate([request("a", problem="p/a")])
    with pytest.raises(BackendError, match="recorded 1 time"):
        replay.generate([request("a", problem="p/a")])


def test_truncated_last_line_is_skipped(tmp_path):
    path = tmp_path / "calls.jsonl"
    RecordingBackend(ScriptedBackend(["x", "y"]), path).generate([request("a"), request("b")])
    with path.open("a") as fh:
        fh.write('{"key": "abc", "texts": ["cut sh')
    replay = ReplayBackend(path)
    assert replay.skipped_lines == 1 and len(replay) == 2


def test_missing_recording(tmp_path):
    with pytest.raises(BackendError, match="no recording"):
        ReplayBackend(tmp_path / "nope.jsonl")
