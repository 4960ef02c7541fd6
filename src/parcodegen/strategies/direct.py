"""Single-stage strategies that ask once, directly: parallel, serial, any."""

from __future__ import annotations

from parcodegen.strategies.base import STRATEGIES, Stage, Strategy

PARALLEL = Strategy(
    name="parallel",
    description="rewrite the function with OpenMP",
    stages=(Stage("parallel", "parallel"),),
)
SERIAL = Strategy(
    name="serial",
    description="optimize on one core, without asking for parallelism",
    stages=(Stage("serial", "serial"),),
)
ANY = Strategy(
    name="any",
    description="make it as fast as possible; OpenMP allowed, not required",
    stages=(Stage("any", "any"),),
)

for _s in (PARALLEL, SERIAL, ANY):
    STRATEGIES.add(_s.name, _s)
