import json

from parcodegen.tools.extract import extract_code
from parcodegen.types import Status

FN = "f"
DEF = "int f(int x) {\n  return x + 1;\n}\n"


def test_fenced_block_is_extracted():
    r = extract_code(f"Here you go:\n```cpp\n#include <vector>\n{DEF}```\nDone.", FN)
    assert r.ok and "return x + 1" in r.data["code"] and "#include <vector>" in r.data["code"]


def test_block_defining_the_function_wins_over_others():
    reply = f"```cpp\nint helper();\n```\n```c++\n{DEF}```\n```bash\ng++ a.cpp\n```"
    r = extract_code(reply, FN)
    assert r.ok and r.data["code"].strip().startswith("int f(int x)")


def test_last_definition_wins_and_separate_includes_are_kept():
    first = "int f(int x) {\n  return 0;\n}\n"
    reply = f"```cpp\n#include <cmath>\n```\n```cpp\n{first}```\nBetter:\n```cpp\n{DEF}```"
    code = extract_code(reply, FN).data["code"]
    assert "return x + 1" in code and "return 0" not in code and "#include <cmath>" in code


def test_json_field():
    r = extract_code(json.dumps({"explanation": "x", "code": DEF}), FN)
    assert r.ok and "return x + 1" in r.data["code"]


def test_raw_code_without_fence():
    r = extract_code(DEF, FN)
    assert r.ok and r.data["code"].strip() == DEF.strip()


def test_unterminated_fence_still_extracted():
    r = extract_code(f"```cpp\n{DEF}", FN)
    assert r.ok


def test_no_code_and_declaration_only():
    for reply in ["", "I cannot help with that.", "```cpp\nint f(int x);\nint y = f(2);\n```"]:
        r = extract_code(reply, FN)
        assert not r.ok and r.status is Status.NO_CODE
        assert "```cpp" in r.message or "empty" in r.message


def test_other_function_does_not_count():
    r = extract_code("```cpp\nint g(int x) { return x; }\n```", FN)
    assert r.status is Status.NO_CODE and "no code block defines `f`" in r.message
