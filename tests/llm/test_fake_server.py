"""The fake server speaks plain HTTP: checked here with urllib, not the SDK."""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.request

import pytest

from parcodegen.llm.fake_server import FakeServer, hash_embedding


def call(url: str, body: dict | None = None, key: str | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_models_and_chat_with_usage(server):
    status, models = call(server.url + "/models")
    assert status == 200
    assert [m["id"] for m in models["data"]] == ["fake-model", "other-model"]
    server.add_replies("one two three", "four")
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "a b"}], "n": 2}
    status, reply = call(server.url + "/chat/completions", body)
    assert status == 200
    assert [c["message"]["content"] for c in reply["choices"]] == ["one two three", "four"]
    assert reply["usage"] == {"prompt_tokens": 2, "completion_tokens": 4, "total_tokens": 6}
    assert server.chat_requests()[0].body["n"] == 2


def test_embeddings_are_deterministic_unit_vectors():
    with FakeServer(embedding_dim=24) as srv:
        body = {"model": "e", "input": ["alpha", "beta", "alpha"]}
        status, reply = call(srv.url + "/embeddings", body)
    assert status == 200
    vecs = [d["embedding"] for d in reply["data"]]
    assert len(vecs[0]) == 24
    assert vecs[0] == vecs[2] != vecs[1]
    assert math.isclose(sum(v * v for v in vecs[1]), 1.0, rel_tol=1e-9)
    assert vecs[0] == hash_embedding("alpha", 24)


def test_api_key_is_checked_when_configured():
    with FakeServer(api_key="sesame") as srv:
        body = {"model": "fake-model", "messages": [{"role": "user", "content": "x"}]}
        assert call(srv.url + "/chat/completions", body)[0] == 401
        assert call(srv.url + "/chat/completions", body, key="sesame")[0] == 200


def test_unknown_model_and_injected_failures(server):
    body = {"model": "nope", "messages": [{"role": "user", "content": "x"}]}
    status, reply = call(server.url + "/chat/completions", body)
    assert status == 404 and "nope" in reply["error"]["message"]
    body["model"] = "fake-model"
    server.fail_next("server_error")
    server.fail_next("rate_limit", retry_after=3)
    assert call(server.url + "/chat/completions", body)[0] == 500
    req = urllib.request.Request(
        server.url + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(req, timeout=5)
    assert info.value.code == 429 and info.value.headers["Retry-After"] == "3"
    assert call(server.url + "/chat/completions", body)[0] == 200


def test_unknown_failure_kind_is_rejected(server):
    with pytest.raises(ValueError, match="unknown failure kind"):
        server.fail_next("explode")


def test_embeddings_through_the_openai_sdk(server):
    import openai

    client = openai.OpenAI(api_key="x", base_url=server.url, max_retries=0)
    reply = client.embeddings.create(model="e", input=["alpha", "beta"], dimensions=8)
    got = reply.data[0].embedding
    assert len(got) == 8
    assert all(abs(a - b) < 1e-6 for a, b in zip(got, hash_embedding("alpha", 8), strict=True))


def test_runs_as_a_module():
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "parcodegen.llm.fake_server", "--reply", "hello from demo"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()
        url = first.split(" at ", 1)[1].split()[0]
        body = {"model": "fake-model", "messages": [{"role": "user", "content": "hi"}]}
        status, reply = call(url + "/chat/completions", body)
        assert status == 200
        assert reply["choices"][0]["message"]["content"] == "hello from demo"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
