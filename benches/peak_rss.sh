#!/usr/bin/env bash
# Peak resident memory (GNU time's %M, in KiB) of a cache-hit `env` and of a cold one.
#
#   benches/peak_rss.sh
#
# Each is run BENCH_RSS_RUNS times (default 10) and the largest peak is kept. The cold call
# is `env -p dev --refresh --token-code 123456` against moto: GetSessionToken, one HTTP
# client and the async runtime. The role case (`env -p admin --refresh`) adds AssumeRole.
# BENCH_JSON: where the figures go as {"name": KiB, …} (benches/run_all.sh reads it).
# shellcheck source=benches/lib.sh source-path=SCRIPTDIR/..
source "$(dirname "$0")/lib.sh"
[[ -x /usr/bin/time ]] || {
  echo "bench: GNU time (/usr/bin/time) is needed" >&2
  exit 2
}
bench_init
bench_moto
bench_home
bench_dev_profiles

runs=${BENCH_RSS_RUNS:-10}
peak() { # peak NAME ARGS…: the largest %M over $runs runs
  local name=$1 max=0 kib
  shift
  for _ in $(seq "$runs"); do
    # aws-mfa never sends a code STS accepted within 90 s (docs/design.md §6): forget the
    # codes spent, so that each cold run may send 123456; a cache hit reads none of them.
    rm -f "$AWS_MFA_CACHE_DIR"/*.used
    /usr/bin/time -f %M -o "$work/rss" "$bin" "$@" >/dev/null
    kib=$(tail -n 1 "$work/rss")
    ((kib > max)) && max=$kib
  done
  printf '%-48s %6d KiB\n' "$name" "$max"
  printf '%s\t%s\n' "$name" "$max" >>"$work/rss.tsv"
}

export AWS_ENDPOINT_URL=http://127.0.0.1:$port
: >"$work/rss.tsv"
peak 'cold: env -p dev --refresh' env -p dev --refresh --token-code 123456
peak 'cold: env -p admin --refresh (role)' env -p admin --refresh --token-code 123456
export AWS_ENDPOINT_URL=http://127.0.0.1:9
peak 'cache hit: env -p dev' env -p dev
peak 'cache hit: env -p admin (role)' env -p admin

if [[ -n ${BENCH_JSON:-} ]]; then
  python3 -c 'import json, sys; print(json.dumps({k: int(v) for k, v in (l.rstrip("\n").split("\t") for l in sys.stdin)}))' <"$work/rss.tsv" >"$BENCH_JSON"
fi
