# shellcheck shell=bash
# Shared set-up of the bench scripts; sourced, never run.
#
#   source "$(dirname "$0")/lib.sh"
#   bench_init        # $bin: the release binary; $work: a scratch dir removed at exit
#   bench_moto        # $port: a moto server on 127.0.0.1, stopped at exit
#   bench_home        # $HOME, AWS_MFA_CACHE_DIR under $work; AWS_* variables cleared
#
# Run alone, a script builds the release binary and starts its own moto. benches/run_all.sh
# does both once and hands them down through AWS_MFA_BENCH_BIN and AWS_MFA_BENCH_MOTO_PORT,
# so the scripts run side by side on one binary and one server.

set -euo pipefail

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bench_moto_pid=

bench_cleanup() {
  local status=$?
  if [[ -n $bench_moto_pid ]]; then
    # moto reads its stdin until EOF: closing fd 3 lets it stop itself; kill it if it lingers.
    exec 3>&- || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$bench_moto_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$bench_moto_pid" 2>/dev/null || true
    wait "$bench_moto_pid" 2>/dev/null || true
  fi
  [[ -n ${work:-} && -d $work ]] && rm -rf "$work"
  return "$status"
}

bench_need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || {
      echo "bench: $tool is needed and not on PATH" >&2
      exit 2
    }
  done
}

bench_init() {
  cd "$bench_root"
  if [[ -n ${AWS_MFA_BENCH_BIN:-} ]]; then
    bin=$AWS_MFA_BENCH_BIN
  else
    cargo build --release --quiet
    bin=$bench_root/target/release/aws-mfa
  fi
  [[ -x $bin ]] || {
    echo "bench: no binary at $bin" >&2
    exit 2
  }
  work=$(mktemp -d)
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_moto() {
  if [[ -n ${AWS_MFA_BENCH_MOTO_PORT:-} ]]; then
    port=$AWS_MFA_BENCH_MOTO_PORT
    return
  fi
  bench_need python3
  # moto on a free port; it exits when this shell closes its stdin (fd 3).
  mkfifo "$work/moto.in" "$work/moto.port"
  python3 -c '
import sys
from moto.server import ThreadedMotoServer
s = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
s.start()
print(s.get_host_and_port()[1], flush=True)
sys.stdin.read()
s.stop()
' <"$work/moto.in" >"$work/moto.port" 2>"$work/moto.log" &
  bench_moto_pid=$!
  exec 3>"$work/moto.in"
  if ! read -r port <"$work/moto.port" || [[ -z $port ]]; then
    echo "bench: moto did not start (pip install 'moto[server]'):" >&2
    cat "$work/moto.log" >&2
    exit 2
  fi
}

bench_home() {
  mkdir -p "$work/home/.aws"
  export HOME=$work/home AWS_MFA_CACHE_DIR=$work/cache
  unset AWS_PROFILE AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL \
    AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION \
    MFA_DEVICE AWS_MFA_DEVICE MFA_STS_DURATION MFA_ASSUME_ROLE AWS_MFA_TOKEN_CODE
}

# The one account most scripts use: [dev] with long-term keys and a device, [admin] a role on it.
bench_dev_profiles() {
  cat >"$HOME/.aws/credentials" <<'INI'
[dev]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
INI
  cat >"$HOME/.aws/config" <<'INI'
[profile dev]
mfa_serial = arn:aws:iam::123456789012:mfa/alice
region = eu-west-1
[profile admin]
role_arn = arn:aws:iam::123456789012:role/Admin
source_profile = dev
INI
}
