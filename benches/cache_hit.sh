#!/usr/bin/env bash
# The cache-hit path, side by side with running `true` alone (hyperfine).
#
#   benches/cache_hit.sh            # builds release, warms a cache against moto, measures
#
# Needs hyperfine and python3 with moto[server]; talks to 127.0.0.1 only.
# BENCH_MARKDOWN / BENCH_JSON: where hyperfine writes its tables (benches/run_all.sh reads the JSON).
# shellcheck source=benches/lib.sh source-path=SCRIPTDIR/..
source "$(dirname "$0")/lib.sh"
bench_need hyperfine
bench_init
bench_moto
bench_home
bench_dev_profiles

export AWS_ENDPOINT_URL=http://127.0.0.1:$port
"$bin" exec -p dev --token-code 123456 -- true
"$bin" exec -p admin -- true
# From here on STS is unreachable: a hit must not need it.
export AWS_ENDPOINT_URL=http://127.0.0.1:9

hyperfine --warmup 20 --min-runs "${BENCH_RUNS:-300}" -N \
  --export-markdown "${BENCH_MARKDOWN:-/dev/null}" \
  --export-json "${BENCH_JSON:-/dev/null}" \
  --command-name 'true' 'true' \
  --command-name 'aws-mfa exec -p dev -- true' "$bin exec -p dev -- true" \
  --command-name 'aws-mfa exec -p admin -- true' "$bin exec -p admin -- true" \
  --command-name 'aws-mfa env -p dev' "$bin env -p dev" \
  --command-name 'aws-mfa credential-process -p admin' "$bin credential-process -p admin"

echo
echo "system calls of one cache hit (strace -f -c): threads started and sockets opened"
if command -v strace >/dev/null; then
  strace -f -qq -e trace=clone,clone3,socket,connect -o "$work/trace" "$bin" env -p admin >/dev/null
  echo "clone/clone3: $(grep -cE '^[0-9]+ +clone3?\(' "$work/trace" || true), socket: $(grep -c 'socket(' "$work/trace" || true), connect: $(grep -c 'connect(' "$work/trace" || true)"
fi
echo "binary: $(stat -c %s "$bin") bytes (release, stripped)"
