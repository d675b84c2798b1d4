#!/usr/bin/env bash
# The classic "still valid" run, aws-mfa beside the Python aws-mfa, on the same file.
#
#   benches/classic_vs_python.sh
#
# Installs the Python aws-mfa (PyPI: aws-mfa) into a throwaway virtualenv, lays out one
# credentials file both tools accept ([dev-long-term] plus a valid [dev] written in the
# Python tool's own expiration format), and times `aws-mfa -p dev` against
# `python aws-mfa --profile dev` with hyperfine. Neither makes a network call: the
# section is valid, so both only read the file and answer "still valid".
# BENCH_MARKDOWN / BENCH_JSON: where hyperfine writes its tables (benches/run_all.sh reads the JSON).
# shellcheck source=benches/lib.sh source-path=SCRIPTDIR/..
source "$(dirname "$0")/lib.sh"
bench_need hyperfine python3
bench_init
bench_home

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check 'aws-mfa==0.0.12'

cat >"$HOME/.aws/credentials" <<'INI'
[dev-long-term]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
aws_mfa_device = arn:aws:iam::123456789012:mfa/alice

[dev]
assumed_role = False
aws_access_key_id = ASIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY
aws_session_token = AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT
aws_security_token = AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT
expiration = 2099-01-01 00:00:00
INI
export AWS_ENDPOINT_URL=http://127.0.0.1:9

# Both must say "still valid" before they are timed.
"$bin" -p dev | grep 'still valid' >/dev/null
"$work/venv/bin/aws-mfa" --profile dev --log-level INFO | grep 'still valid' >/dev/null

hyperfine --warmup 3 --min-runs "${BENCH_RUNS:-20}" -N \
  --export-markdown "${BENCH_MARKDOWN:-/dev/null}" \
  --export-json "${BENCH_JSON:-/dev/null}" \
  --command-name 'aws-mfa -p dev' "$bin -p dev" \
  --command-name 'python aws-mfa --profile dev' "$work/venv/bin/aws-mfa --profile dev"
