"""multi-stage: optimize serially first, then parallelize the VERIFIED stage-one result.

The loop moves an episode to stage two once a stage-one candidate passes verification
(and is not slower, when timed), or when stage one's share of the attempts is spent;
then stage two starts from the original code.
"""

from __future__ import annotations

from parcodegen.strategies.base import STRATEGIES, Stage, Strategy

MULTI_STAGE = Strategy(
    name="multi-stage",
    description="serial optimization first, then parallelize the verified result",
    stages=(
        Stage("serial", "serial"),
        Stage(
            "parallel",
            "parallel",
            note=(
                "The code below is a serially optimized version of the original; it has "
                "already been verified to give the same results. Parallelize it."
            ),
        ),
    ),
)

STRATEGIES.add(MULTI_STAGE.name, MULTI_STAGE)
