#!/usr/bin/env bash
# `env` on a cache hit with a config of 10,000 profiles (and a credentials file to match).
#
#   benches/many_profiles.sh        # BENCH_PROFILES=N for another count
#
# Every profile pN has its own keys in [pN] of the credentials file and its own device and
# region in [profile pN] of the config file (about 1.3 MB of text in all). pN sits at the
# end of both files, so every lookup walks them whole; p0 sits at the start. The cache of
# both is warmed against moto first; then STS is made unreachable.
# BENCH_MARKDOWN / BENCH_JSON: where hyperfine writes its tables (benches/run_all.sh reads the JSON).
# shellcheck source=benches/lib.sh source-path=SCRIPTDIR/..
source "$(dirname "$0")/lib.sh"
bench_need hyperfine
bench_init
bench_moto
bench_home

n=${BENCH_PROFILES:-10000}
last=p$((n - 1))
awk -v n="$n" 'BEGIN {
  for (i = 0; i < n; i++) {
    printf "[profile p%d]\nmfa_serial = arn:aws:iam::123456789012:mfa/user%d\nregion = eu-west-1\noutput = json\n\n", i, i > ENVIRON["HOME"] "/.aws/config"
    printf "[p%d]\naws_access_key_id = AKIA%016d\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY%010dKEY\n\n", i, i, i > ENVIRON["HOME"] "/.aws/credentials"
  }
}'
echo "config: $(wc -c <"$HOME/.aws/config") bytes, credentials: $(wc -c <"$HOME/.aws/credentials") bytes, $n profiles"

export AWS_ENDPOINT_URL=http://127.0.0.1:$port
"$bin" env -p "$last" --token-code 123456 >/dev/null
"$bin" env -p p0 --token-code 123456 >/dev/null
export AWS_ENDPOINT_URL=http://127.0.0.1:9

hyperfine --warmup 3 --min-runs "${BENCH_RUNS:-20}" -N \
  --export-markdown "${BENCH_MARKDOWN:-/dev/null}" \
  --export-json "${BENCH_JSON:-/dev/null}" \
  --command-name "aws-mfa env -p $last ($n profiles)" "$bin env -p $last" \
  --command-name "aws-mfa env -p p0 ($n profiles)" "$bin env -p p0"
