from __future__ import annotations

import pytest
from conftest import request

from parcodegen.errors import BackendError
from parcodegen.llm.scripted import ScriptedBackend


def test_list_is_consumed_in_order_and_requests_recorded():
    backend = ScriptedBackend(["a", "b c", "d"])
    out = backend.generate([request("x"), request("y", n=2)])
    assert [r.texts for r in out] == [("a",), ("b c", "d")]
    assert [r.messages[0].content for r in backend.requests] == ["x", "y"]
    assert out[1].usage.completion_tokens == 3
    with pytest.raises(BackendError, match="ran out of replies for the script: served 3"):
        backend.generate([request("z")])


def test_per_problem_queues():
    backend = ScriptedBackend({"p/one": ["1a", "1b"], "p/two": ["2a"]})
    out = backend.generate([request(problem="p/two"), request(problem="p/one")])
    assert [r.texts for r in out] == [("2a",), ("1a",)]
    assert backend.remaining("p/one") == 1
    with pytest.raises(BackendError, match=r"problem 'p/three'.*p/one"):
        backend.generate([request(problem="p/three")])
    with pytest.raises(BackendError, match="problem 'p/two'"):
        backend.generate([request(problem="p/two")])


def test_callable_script():
    backend = ScriptedBackend(lambda req: req.messages[0].content.upper())
    (resp,) = backend.generate([request("abc", n=2)])
    assert resp.texts == ("ABC", "ABC")
    bad = ScriptedBackend(lambda req: ["x", "y"])
    with pytest.raises(BackendError, match="gave 2 texts for a request with n=3"):
        bad.generate([request(n=3)])


def test_bad_script_type():
    with pytest.raises(BackendError, match="list of replies"):
        ScriptedBackend(42)  # type: ignore[arg-type]
