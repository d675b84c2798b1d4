#!/usr/bin/env bash
# Every benchmark in one run, on one release binary and one moto, ending in one Markdown table.
#
#   benches/run_all.sh                          # prints the table last
#   BENCH_MARKDOWN=perf.md benches/run_all.sh   # and writes it to perf.md
#   BENCH_STRICT=1 benches/run_all.sh           # exit 1 when a target is missed
#
# Builds the release binary once, starts one moto on 127.0.0.1, and runs beside each other:
#   cache_hit.sh          exec/env/credential-process on a cache hit, beside `true`
#   classic_vs_python.sh  the classic "still valid" check beside the Python aws-mfa 0.0.12
#   cold_sts.sh           a cold GetSessionToken beside `aws sts get-session-token`
#   many_profiles.sh      env on a cache hit with 10,000 profiles
#   peak_rss.sh           peak RSS (GNU time %M) of a cache-hit and of a cold env
# and measures the stripped release binary. Each script also runs alone (it then builds and
# starts moto itself). Needs hyperfine, python3 with moto[server], the AWS CLI, GNU time,
# and PyPI (for the Python aws-mfa); talks to 127.0.0.1 only, apart from pip.
# shellcheck source=benches/lib.sh source-path=SCRIPTDIR/..
source "$(dirname "$0")/lib.sh"
bench_need hyperfine python3 aws
started=$SECONDS
markdown=${BENCH_MARKDOWN:+$(realpath -m -- "$BENCH_MARKDOWN")} # before bench_init moves to the repository
bench_init
bench_moto
export AWS_MFA_BENCH_BIN=$bin AWS_MFA_BENCH_MOTO_PORT=$port
mkdir "$work/results"

run() { # run NAME: benches/NAME.sh, its figures in $work/results/NAME.json
  echo
  echo "==> benches/$1.sh"
  BENCH_MARKDOWN='' BENCH_JSON=$work/results/$1.json "$bench_root/benches/$1.sh"
}
run cache_hit
run classic_vs_python
run cold_sts
run many_profiles
run peak_rss

size=$(stat -c %s "$bin")
stripped=yes
if command -v readelf >/dev/null && readelf -S "$bin" | grep '\.symtab' >/dev/null; then
  stripped=no
fi

echo
echo "==> summary ($((SECONDS - started)) s)"
BENCH_SIZE=$size BENCH_STRIPPED=$stripped BENCH_ELAPSED=$((SECONDS - started)) \
  python3 - "$work/results" >"$work/table.md" <<'PY'
import json, os, platform, sys

results = sys.argv[1]


def load(name):
    with open(os.path.join(results, name + ".json")) as f:
        return json.load(f)


def by_name(name):
    return {r["command"]: r for r in load(name)["results"]}


def ms(seconds):
    return seconds * 1000.0


rows = []
missed = []


def row(measurement, figure, target=None, value=None):
    if target is None:
        rows.append((measurement, figure, "—", "—"))
        return
    met = value <= target[0]
    if not met:
        missed.append(measurement)
    over = "" if met else f" ({value - target[0]:+.{target[2]}f} {target[1]})"
    rows.append((measurement, figure, f"≤ {target[0]:g} {target[1]}", ("yes" if met else "**no**" + over)))


hit = by_name("cache_hit")
true = hit["true"]
for cmd, target in [
    ("aws-mfa exec -p dev -- true", 2),
    ("aws-mfa exec -p admin -- true", 2),
]:
    r = hit[cmd]
    over = ms(r["mean"] - true["mean"])
    over_median = ms(r["median"] - true["median"])
    row(
        f"cache hit `{cmd[8:]}`: overhead over `true`",
        f"{over:.2f} ms (means {ms(r['mean']):.2f} ± {ms(r['stddev']):.2f} vs {ms(true['mean']):.2f} ms; medians: +{over_median:.2f} ms)",
        (target, "ms", 2),
        over,
    )
for cmd, target in [("aws-mfa env -p dev", 3), ("aws-mfa credential-process -p admin", 3)]:
    r = hit[cmd]
    row(
        f"cache hit `{cmd[8:]}`",
        f"{ms(r['mean']):.2f} ± {ms(r['stddev']):.2f} ms (median {ms(r['median']):.2f})",
        (target, "ms", 2),
        ms(r["mean"]),
    )

classic = by_name("classic_vs_python")
ours, py = classic["aws-mfa -p dev"], classic["python aws-mfa --profile dev"]
row(
    "classic still-valid check: `aws-mfa -p dev` vs Python aws-mfa 0.0.12",
    f"{ms(ours['mean']):.2f} ms vs {ms(py['mean']):.0f} ms ({py['mean'] / ours['mean']:.0f}× faster)",
)

cold = by_name("cold_sts")
ours = cold["aws-mfa env -p dev --refresh --token-code 123456"]
cli = cold["aws sts get-session-token --token-code 123456"]
row(
    "cold GetSessionToken (moto on loopback): `env -p dev --refresh` vs `aws sts get-session-token`",
    f"{ms(ours['mean']):.1f} ± {ms(ours['stddev']):.1f} ms vs {ms(cli['mean']):.0f} ms ({cli['mean'] / ours['mean']:.0f}× faster)",
)

many = load("many_profiles")["results"]
last = next(r for r in many if "p9999" in r["command"])
row(
    "cache hit `env -p p9999`, 10,000 profiles",
    f"{ms(last['mean']):.2f} ± {ms(last['stddev']):.2f} ms",
    (10, "ms", 1),
    ms(last["mean"]),
)

rss = load("peak_rss")
for name, label in [
    ("cache hit: env -p dev", "peak RSS, cache hit `env -p dev`"),
    ("cold: env -p dev --refresh", "peak RSS, cold `env -p dev --refresh`"),
    ("cold: env -p admin --refresh (role)", "peak RSS, cold `env -p admin --refresh` (role)"),
]:
    kib = rss[name]
    row(label, f"{kib / 1024:.1f} MiB", (10, "MiB", 1), kib / 1024)

size = int(os.environ["BENCH_SIZE"])
stripped = os.environ["BENCH_STRIPPED"] == "yes"
row(
    "release binary" + (", stripped" if stripped else " (**not stripped**)"),
    f"{size / 2**20:.2f} MiB ({size:,} bytes)",
    (12, "MiB", 2),
    size / 2**20,
)

print("| measurement | figure | target | met? |")
print("|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
cpu = "unknown CPU"
try:
    with open("/proc/cpuinfo") as f:
        cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
except (OSError, StopIteration):
    pass
print()
print(
    f"Figures are means of hyperfine runs (-N, no shell), checked against the targets; {os.cpu_count()} × {cpu}, {platform.system()} {platform.release()}, "
    f"load average {os.getloadavg()[0]:.2f} at the end; benches/run_all.sh took {os.environ['BENCH_ELAPSED']} s."
)
with open(os.path.join(results, "missed"), "w") as f:
    f.write("\n".join(missed))
PY

cat "$work/table.md"
if [[ -n $markdown ]]; then
  cp "$work/table.md" "$markdown"
  echo "(written to $markdown)"
fi
if [[ -s $work/results/missed ]]; then
  echo "targets missed: $(paste -sd ';' "$work/results/missed")" >&2
  [[ -n ${BENCH_STRICT:-} ]] && exit 1
fi
exit 0
