"""KBEntry helpers (speedup normalization, code normalization) and offline token counts."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from parcodegen.memory.entry import KBEntry, code_key, normalize_code, normalize_speedup
from parcodegen.memory.tokens import count_tokens, tiktoken_cache_dir


@pytest.mark.parametrize(
    ("raw", "norm"),
    [
        (0.5, 1.0),
        (1.0, 1.0),
        (2.0, 2.0),
        (5.0, 5.0),
        (10.0, 7.5),
        (100.0, 9.75),
        (float("inf"), 10.0),
    ],
)
def test_normalize_speedup_formula(raw, norm):
    assert normalize_speedup(raw) == pytest.approx(norm)


def test_normalize_speedup_is_monotone_and_bounded():
    values = [normalize_speedup(0.1 * k) for k in range(1, 5000)]
    assert all(b >= a for a, b in zip(values, values[1:], strict=False))
    assert 1.0 <= min(values) and max(values) < 10.0


def test_entry_keeps_raw_and_normalized():
    e = KBEntry.make(family="p1", slow_code="a", fast_code="b", raw_speedup=50.0, source="pie")
    assert e.raw_speedup == 50.0 and e.speedup == pytest.approx(9.5)
    with pytest.raises(ValueError, match="unknown source"):
        KBEntry.make(family="p", slow_code="a", fast_code="b", raw_speedup=2, source="web")


def test_normalize_code_ignores_comments_and_layout():
    a = "int f(int x) { // add one\n  return x + 1; /* done */ }\n"
    b = "int f( int x )\n{\n\treturn x+1;\n}"
    assert normalize_code(a) == normalize_code(b)
    assert code_key(a) == code_key(b)
    assert code_key(a) != code_key(b.replace("+1", "+2"))
    # comment markers inside string literals are not comments
    assert "//" in normalize_code('const char* s = "a//b";')


def test_count_tokens_matches_tiktoken_with_local_vocabulary(tmp_path, monkeypatch):
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tiktoken_cache_dir(tmp_path)))
    import tiktoken

    enc = tiktoken.get_encoding("o200k_base")
    text = "for (int i = 0; i < n; ++i) { s += a[i] * b[i]; }  // dot product\n" * 7
    assert count_tokens(text) == len(enc.encode_ordinary(text)) > 20
    assert count_tokens("") == 0


NO_NET = textwrap.dedent(
    """
    import socket, sys
    def refuse(*a, **k):
        raise OSError("network disabled for this test")
    socket.socket.connect = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    import os
    from parcodegen.memory.tokens import count_tokens, tiktoken_cache_dir
    n = count_tokens("int main() { return 0; }")
    os.environ["TIKTOKEN_CACHE_DIR"] = str(tiktoken_cache_dir(sys.argv[1]))
    import tiktoken
    m = len(tiktoken.get_encoding("o200k_base").encode("int main() { return 0; }"))
    print(n, m)
    """
)


def test_token_counts_work_without_network(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    env.pop("TIKTOKEN_CACHE_DIR", None)
    out = subprocess.run(
        [sys.executable, "-c", NO_NET, str(tmp_path / "tk")],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    n, m = map(int, out.stdout.split())
    assert n == m and n > 3
