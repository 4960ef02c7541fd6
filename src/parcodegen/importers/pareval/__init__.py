"""ParEval (parallelcodefoundry/ParEval) importer: problems, recorded outputs, verdicts.

layout.py    find the problems in a checkout (drivers, baselines, prompts, sizes)
prompt.py    split a serial prompt: preamble (structs, helpers), doc, signature
driver.py    read a driver: context, input set-up, the call, the validation domain
support.py   the C++ support header written beside every imported problem
writer.py    write one problem directory (problem.toml, reference.cpp, hooks.h)
convert.py   import a checkout: one report line per problem
outputs.py   read recorded outputs (and ParEval's per-output verdicts)
labels.py    compare ParEval's verdicts with this tool's, class every disagreement
"""
