#!/bin/bash
# usage: cands/run.sh file... ; prints one line per candidate
cd /work/wt/w21
for f in "$@"; do
  p=$(sed -n 's#^// problem: ##p' "$f" | head -1)
  out=$(PYTHONPATH=$PWD/src timeout 900 /work/main/.venv/bin/parcodegen verify problems/builtin/$p "$f" --no-timing --json 2>/tmp/w21_err_$(basename $f).txt)
  echo "$out" > /tmp/w21_out_$(basename $f .cpp).json
  echo "$out" | /work/main/.venv/bin/python -c "
import json,sys
try:
  d=json.load(sys.stdin)
except Exception as e:
  print('$(basename $f)', 'ERR', open('/tmp/w21_err_$(basename $f).txt').read()[-300:].replace(chr(10),' ')); sys.exit()
fail=[s for s in d['steps'] if not s.get('ok',True)]
msg=(fail[0]['message'] if fail else d['message'])[:160].replace(chr(10),' ')
par=d.get('parallel') or {}
print('$(basename $f)', d['status'], 'par=%s'%par.get('parallel'), msg)
"
done
