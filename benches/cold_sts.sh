#!/usr/bin/env bash
# A cold GetSessionToken: aws-mfa beside the AWS CLI, against the same moto.
#
#   benches/cold_sts.sh
#
# `aws-mfa env -p dev --refresh --token-code 123456` ignores the cache, calls STS
# GetSessionToken with the long-term keys of [dev] and writes the cache;
# `aws sts get-session-token --serial-number … --token-code 123456 --profile dev` makes the
# same call. Both go to moto on 127.0.0.1 through AWS_ENDPOINT_URL, so the figures are
# start-up + one signed HTTPS-less round trip to a local server, not AWS's latency.
# Needs hyperfine, python3 with moto[server], and the AWS CLI (`aws`).
# BENCH_MARKDOWN / BENCH_JSON: where hyperfine writes its tables (benches/run_all.sh reads the JSON).
# shellcheck source=benches/lib.sh source-path=SCRIPTDIR/..
source "$(dirname "$0")/lib.sh"
bench_need hyperfine aws
bench_init
bench_moto
# The CLI itself, not a version manager's shim in front of it (pyenv's costs tens of ms);
# asked before $HOME moves, as pyenv finds its root there.
aws=$(command -v aws)
if command -v pyenv >/dev/null && pyenv which aws >/dev/null 2>&1; then
  aws=$(pyenv which aws)
fi
bench_home
bench_dev_profiles
export AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_PAGER=

device=arn:aws:iam::123456789012:mfa/alice
# Both must get a session before they are timed.
"$bin" env -p dev --refresh --token-code 123456 | grep AWS_SESSION_TOKEN >/dev/null
"$aws" sts get-session-token --profile dev --serial-number "$device" --token-code 123456 \
  --output json | grep SessionToken >/dev/null

# aws-mfa never sends a code STS accepted within 90 s (docs/design.md §6): each run
# forgets the codes the one before it spent, so that all may send 123456.
hyperfine --warmup 3 --min-runs "${BENCH_RUNS:-30}" -N \
  --prepare "$bin clear --all" \
  --export-markdown "${BENCH_MARKDOWN:-/dev/null}" \
  --export-json "${BENCH_JSON:-/dev/null}" \
  --command-name 'aws-mfa env -p dev --refresh --token-code 123456' \
  "$bin env -p dev --refresh --token-code 123456" \
  --command-name 'aws sts get-session-token --token-code 123456' \
  "$aws sts get-session-token --profile dev --serial-number $device --token-code 123456 --output json"
