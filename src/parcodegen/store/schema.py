"""The run store's SQLite schema (documented in docs/optimize.md, "Store schema").

One database file holds many runs. Rows are written as the loop goes, each one before
anything is scored: a model call is stored as soon as its reply arrives, an attempt (the
candidate and its full verdict, measurement included) as soon as it is verified, and a
passed check whose timing is still to come in `checks` (a resumed run times it without
checking it again).
Primary keys make re-writing idempotent, so a resumed run never duplicates a row.
"""

from __future__ import annotations

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    identity    TEXT NOT NULL,           -- hash of the config that defines the run
    created     TEXT NOT NULL,           -- ISO 8601 UTC
    updated     TEXT NOT NULL,
    state       TEXT NOT NULL,           -- store/run_states.py: running | finished | stopped-by-budget | failed | interrupted
    stop_reason TEXT NOT NULL DEFAULT '',
    manifest    TEXT NOT NULL            -- RunManifest JSON (resolved config, versions, machine)
);
CREATE TABLE IF NOT EXISTS run_owners (  -- store/owner.py: who runs it, to tell a killed run
    run_id      TEXT PRIMARY KEY,
    host        TEXT NOT NULL,
    pid         INTEGER NOT NULL,
    start       TEXT NOT NULL            -- boot id : process start ticks ('' when unknown)
);
CREATE TABLE IF NOT EXISTS problems (
    run_id         TEXT NOT NULL,
    problem_id     TEXT NOT NULL,
    function       TEXT NOT NULL,
    directory      TEXT NOT NULL,
    reference_hash TEXT NOT NULL,
    reference_code TEXT NOT NULL,
    PRIMARY KEY (run_id, problem_id)
);
CREATE TABLE IF NOT EXISTS calls (
    run_id            TEXT NOT NULL,
    episode           TEXT NOT NULL,     -- "<problem_id>#<sample>"
    turn              INTEGER NOT NULL,  -- 0, 1, 2... within the episode
    request_key       TEXT NOT NULL,     -- LLMRequest.cache_key()
    request           TEXT NOT NULL,     -- JSON: messages, model, temperature, seed, tags...
    texts             TEXT NOT NULL,     -- JSON list of completions
    model             TEXT NOT NULL,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cost_usd          REAL NOT NULL,
    latency_s         REAL NOT NULL,
    cached            INTEGER NOT NULL,
    created           TEXT NOT NULL,
    PRIMARY KEY (run_id, episode, turn)
);
CREATE TABLE IF NOT EXISTS candidates (
    problem_id   TEXT NOT NULL,
    candidate_id TEXT NOT NULL,          -- content hash of the code
    code         TEXT NOT NULL,
    PRIMARY KEY (problem_id, candidate_id)
);
CREATE TABLE IF NOT EXISTS attempts (
    run_id       TEXT NOT NULL,
    episode      TEXT NOT NULL,
    turn         INTEGER NOT NULL,       -- same turn as the call that produced it
    problem_id   TEXT NOT NULL,
    sample       INTEGER NOT NULL,
    strategy     TEXT NOT NULL,
    stage        TEXT NOT NULL,
    kind         TEXT NOT NULL,          -- edit | self_check
    action       TEXT NOT NULL,          -- initial | feedback | regenerate | reset | improve | self_check
    self_check   INTEGER NOT NULL,       -- 1 for self-check revisions
    candidate_id TEXT,                   -- NULL when the reply held no code
    parent_id    TEXT,
    status       TEXT NOT NULL,          -- types.Status value
    speedup      REAL,                   -- NULL unless passed and timed
    message      TEXT NOT NULL,          -- model-facing verdict message
    verdict      TEXT NOT NULL,          -- Verdict JSON (every step's log, the measurement)
    created      TEXT NOT NULL,
    PRIMARY KEY (run_id, episode, turn)
);
CREATE TABLE IF NOT EXISTS checks (      -- a passed correctness check whose timing is pending
    run_id       TEXT NOT NULL,
    problem_id   TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    verdict      TEXT NOT NULL,          -- Verdict JSON of the checks (no timing yet)
    created      TEXT NOT NULL,
    PRIMARY KEY (run_id, problem_id, candidate_id)
);
CREATE TABLE IF NOT EXISTS episodes (
    run_id            TEXT NOT NULL,
    episode           TEXT NOT NULL,
    problem_id        TEXT NOT NULL,
    sample            INTEGER NOT NULL,
    strategy          TEXT NOT NULL,
    state             TEXT NOT NULL,     -- active | done | stopped
    stop_reason       TEXT NOT NULL,
    best_candidate_id TEXT,
    best_speedup      REAL,
    attempts          INTEGER NOT NULL,
    updated           TEXT NOT NULL,
    PRIMARY KEY (run_id, episode)
);
CREATE TABLE IF NOT EXISTS results (
    run_id       TEXT NOT NULL,
    problem_id   TEXT NOT NULL,
    candidate_id TEXT,                   -- NULL: the original was kept
    speedup      REAL,
    explanation  TEXT NOT NULL,
    PRIMARY KEY (run_id, problem_id)
);
CREATE INDEX IF NOT EXISTS attempts_by_problem ON attempts (run_id, problem_id, sample);
"""
