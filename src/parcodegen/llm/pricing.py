"""What a model costs: a maintained table of common hosted models, a prices file, overrides.

Prices are USD per one million tokens (input, output), the unit every provider publishes.
Where a price comes from, first match wins:

1. `--price-in` / `--price-out` on the command line (`Pricing.override`);
2. the prices file: `$PARCODEGEN_PRICES`, else `$XDG_CONFIG_HOME/parcodegen/prices.toml`
   (default `~/.config/parcodegen/prices.toml`), entries such as

       ["qwen2.5-coder:7b"]        # a local model: free
       input = 0
       output = 0
       ["my-org/finetune-v3"]
       input = 1.2
       output = 4.8

3. the built-in table below (list prices on the date in `TABLE_DATE`; providers change
   them, so a file entry or the options override it).

A model is matched by its exact name, then with a provider prefix (`openai/gpt-4o`) or a
dated snapshot suffix (`gpt-4o-2024-08-06`) removed; `gpt-4o-mini` never takes
`gpt-4o`'s price. A model found nowhere has an unknown price: a run with `--max-cost`
then refuses to start (`require_price`), since its spend could not be counted.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from parcodegen.errors import ConfigError
from parcodegen.llm.accounting import Price

TABLE_DATE = "2025-08"
PRICES_ENV = "PARCODEGEN_PRICES"

# USD per 1M tokens (input, output): the providers' published list prices, standard tier.
BUILTIN_PRICES: dict[str, Price] = {
    # OpenAI
    "gpt-5": Price(1.25, 10.0),
    "gpt-5-mini": Price(0.25, 2.0),
    "gpt-5-nano": Price(0.05, 0.40),
    "gpt-4.1": Price(2.0, 8.0),
    "gpt-4.1-mini": Price(0.40, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.40),
    "gpt-4o": Price(2.50, 10.0),
    "gpt-4o-mini": Price(0.15, 0.60),
    "o3": Price(2.0, 8.0),
    "o3-mini": Price(1.10, 4.40),
    "o4-mini": Price(1.10, 4.40),
    # Anthropic (through an OpenAI-compatible gateway)
    "claude-opus-4": Price(15.0, 75.0),
    "claude-sonnet-4": Price(3.0, 15.0),
    "claude-3-7-sonnet": Price(3.0, 15.0),
    "claude-3-5-haiku": Price(0.80, 4.0),
    # Google (OpenAI-compatible endpoint; prompts up to 200k tokens)
    "gemini-2.5-pro": Price(1.25, 10.0),
    "gemini-2.5-flash": Price(0.30, 2.50),
}

# A dated snapshot: -2024-08-06, -20250514, -0125, -latest
_SNAPSHOT = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest)$")


def prices_file() -> Path:
    """Where the prices file is looked for (it need not exist)."""
    env = os.environ.get(PRICES_ENV)
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "parcodegen" / "prices.toml"


def load_prices_file(path: Path) -> dict[str, Price]:
    """Entries of a prices file; a ConfigError naming the entry at fault."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"prices file {path}: cannot read it ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"prices file {path}: not valid TOML ({exc})") from None
    out: dict[str, Price] = {}
    for model, entry in data.items():
        if not isinstance(entry, dict) or set(entry) - {"input", "output"}:
            raise ConfigError(
                f"prices file {path}: [{model!r}] must hold only 'input' and 'output' "
                "(USD per million tokens)"
            )
        try:
            values = [float(entry.get(k, 0.0)) for k in ("input", "output")]
        except (TypeError, ValueError):
            raise ConfigError(f"prices file {path}: [{model!r}]: prices must be numbers") from None
        if min(values) < 0:
            raise ConfigError(f"prices file {path}: [{model!r}]: prices cannot be negative")
        out[str(model)] = Price(*values)
    return out


def _candidates(model: str) -> list[str]:
    """The names `model` may be listed under, most specific first."""
    names = [model]
    if "/" in model:
        names.append(model.rsplit("/", 1)[1])
    for name in list(names):
        stripped = _SNAPSHOT.sub("", name)
        while stripped != name:
            names.append(stripped)
            name, stripped = stripped, _SNAPSHOT.sub("", stripped)
    return names


@dataclass(frozen=True)
class Pricing:
    """Resolves a model's price from the override, the prices file and the table."""

    override_in: float | None = None
    override_out: float | None = None
    file_prices: tuple[tuple[str, Price], ...] = ()
    file_path: str = ""

    @classmethod
    def load(cls, price_in: float | None = None, price_out: float | None = None) -> Pricing:
        """The pricing for a command: its options, then the prices file if there is one."""
        for name, value in (("--price-in", price_in), ("--price-out", price_out)):
            if value is not None and (value < 0 or value != value):
                raise ConfigError(f"{name}: a price in USD per million tokens, >= 0 (got {value})")
        if (price_in is None) != (price_out is None):
            raise ConfigError("--price-in and --price-out go together (USD per million tokens)")
        path = prices_file()
        entries = load_prices_file(path) if path.is_file() else {}
        return cls(price_in, price_out, tuple(entries.items()), str(path))

    def source(self, model: str) -> tuple[Price, str] | None:
        """(price, where it came from) or None when unknown."""
        if self.override_in is not None and self.override_out is not None:
            return Price(self.override_in, self.override_out), "--price-in/--price-out"
        files = dict(self.file_prices)
        for name in _candidates(model):
            if name in files:
                return files[name], f"prices file {self.file_path} [{name}]"
        for name in _candidates(model):
            if name in BUILTIN_PRICES:
                return BUILTIN_PRICES[name], f"built-in table ({TABLE_DATE}) [{name}]"
        return None

    def price(self, model: str) -> Price | None:
        found = self.source(model)
        return found[0] if found else None

    def table(self, models: list[str]) -> dict[str, Price]:
        """A PriceTable for the backends: the known prices of `models`."""
        out = {}
        for m in models:
            p = self.price(m)
            if p is not None:
                out[m] = p
        return out

    def require_price(self, model: str) -> Price:
        """The price of `model`, or a ConfigError saying how to give one (for --max-cost)."""
        found = self.price(model)
        if found is None:
            raise ConfigError(
                f"--max-cost needs the price of model '{model}', which is not in the built-in "
                f"table: give --price-in and --price-out (USD per million input / output "
                f"tokens), or add ['{model}'] to {self.file_path or prices_file()} "
                "(a local model is free: --price-in 0 --price-out 0)"
            )
        return found
