"""The error tree and the error policy.

A candidate's fault (does not compile, wrong output, race...) is a Verdict, not an
exception. Exceptions here are for everything else:

- ProblemError: a malformed problem or unusable user input; names the field at fault.
- InfraError: the harness itself cannot work (compiler missing, sandbox broken). Stops
  or retries the run; never shown to the model as the model's mistake.
- BackendError: an LLM endpoint failed (bad key, unknown model, unreachable, retries
  exhausted). `retryable` says whether waiting may help.
- ConfigError / UnknownNameError: bad configuration, with a did-you-mean where possible.
"""

from __future__ import annotations


class ParcodegenError(Exception):
    """Base of every error this package raises on purpose."""


class ProblemError(ParcodegenError):
    def __init__(self, where: str, message: str):
        self.where = where
        self.detail = message
        super().__init__(f"{where}: {message}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        # picklable: raised in a check worker, it must reach the campaign intact
        return (type(self), (self.where, self.detail))


class InfraError(ParcodegenError):
    """The verification harness (not the candidate) failed."""


class BackendError(ParcodegenError):
    def __init__(self, message: str, *, retryable: bool = False):
        self.retryable = retryable
        super().__init__(message)


class ConfigError(ParcodegenError):
    pass


class UnknownNameError(ConfigError):
    def __init__(self, kind: str, name: str, suggestion: str | None, known: list[str]):
        self.kind, self.name, self.suggestion = kind, name, suggestion
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"unknown {kind} '{name}'{hint} (known: {', '.join(sorted(known))})")


class BudgetExhausted(ParcodegenError):
    """A budget would be passed: `kind` is "tokens", "cost" or "wall"; `detail` says how."""

    def __init__(self, kind: str, detail: str):
        self.kind, self.detail = kind, detail
        label = {"wall": "wall time"}.get(kind, kind)
        super().__init__(f"budget: {label} ({detail})")
