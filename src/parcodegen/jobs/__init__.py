"""One library entry point per job; the CLI only parses arguments and prints results.

- `jobs.optimize.optimize(OptimizeRequest)`: one function, verified and timed
- `jobs.campaign.run_campaign(...)` / `jobs.bench.run_bench(CampaignRequest)`: a strategy
  x backend over a suite, N samples per problem, every attempt stored
- `jobs.synth.run_synth(SynthRequest)`: several campaigns, then the self-play exports
- `jobs.suite_check.check_suite(...)`: every expert and mutant of a suite
- `jobs.kb`: verify and store the seeds, store a run's verified results

Shared steps live in one place each: run directories and run opening with a full
manifest (`jobs.runs`), suite discovery (`problems.suite.suite_problems`), backend
resolution (`llm.registry.resolve_backend`), store-to-KB (`jobs.kb.run_entries`).
"""
