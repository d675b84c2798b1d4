#!/usr/bin/env bash
# The cache-hit path, side by side with running `true` alone (hyperfine).
#
#   benches/cache_hit.sh            # builds release, warms a cache against moto, measures
#
# Needs hyperfine and python3 with moto[server]; talks to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
bin=$PWD/target/release/aws-mfa
work=$(mktemp -d)
trap 'exec 3>&-; rm -rf "$work"' EXIT

# moto on a free port; it exits when this script closes its stdin (fd 3).
mkfifo "$work/moto.in" "$work/moto.port"
python3 -c '
import sys
from moto.server import ThreadedMotoServer
s = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
s.start()
print(s.get_host_and_port()[1], flush=True)
sys.stdin.read()
' <"$work/moto.in" >"$work/moto.port" 2>/dev/null &
exec 3>"$work/moto.in"
read -r port <"$work/moto.port"

mkdir -p "$work/home/.aws"
cat >"$work/home/.aws/credentials" <<'INI'
[dev]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
INI
cat >"$work/home/.aws/config" <<'INI'
[profile dev]
mfa_serial = arn:aws:iam::123456789012:mfa/alice
region = eu-west-1
[profile admin]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = dev
INI
export HOME=$work/home AWS_MFA_CACHE_DIR=$work/cache AWS_ENDPOINT_URL=http://127.0.0.1:$port
unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
"$bin" exec -p dev --token-code 123456 -- true
"$bin" exec -p admin -- true
# From here on STS is unreachable: a hit must not need it.
export AWS_ENDPOINT_URL=http://127.0.0.1:9

hyperfine --warmup 20 --min-runs 300 -N \
  --export-markdown "${BENCH_MARKDOWN:-/dev/null}" \
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
