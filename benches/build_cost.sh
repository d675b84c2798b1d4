#!/usr/bin/env bash
# What the release build costs, side by side in one run: cold `cargo build --release` and
# `cargo install` times, binary size and the cache-hit `exec` overhead, for each release
# profile with and without aws-sdk-iam in the build graph (issue 12).
#
#   benches/build_cost.sh                             # all of it; a Markdown table last
#   BENCH_MARKDOWN=build.md benches/build_cost.sh     # and the table into build.md
#   BUILD_COST_VARIANTS="fat:1 thin:16" ...           # LTO:CODEGEN_UNITS pairs to build
#   BUILD_COST_STEPS=install ...                      # only `cargo install` (or only build)
#   BUILD_COST_WITH_IAM=COMMIT ...                    # the tree with the IAM SDK (4fb09e2)
#   BUILD_COST_WITHOUT_IAM=COMMIT ...                 # the tree without it (HEAD)
#   BUILD_COST_DRY_RUN=1 ...                          # say what would be built, build nothing
#
# The variants (LTO:CODEGEN_UNITS): fat:1 is the manifest's profile today, then thin:1,
# thin:16 and off:16 (no LTO at all, the default 16 units), each set through
# CARGO_PROFILE_RELEASE_LTO and CARGO_PROFILE_RELEASE_CODEGEN_UNITS (strip and panic stay
# the manifest's). Each tree is a git worktree of its commit (committed work only); each
# build gets a new, empty target directory, so every one is cold; the crates are fetched
# before any clock starts. The exec overhead is one hyperfine run of every binary beside
# `true`, on one warm cache entry with STS unreachable (as benches/cache_hit.sh).
#
# It runs trees x variants x steps cold release builds (16 by default, several minutes
# each on 2 cores): run it on a quiet machine. Needs git, cargo, hyperfine and python3 with
# moto[server] (tests/run puts one in target/venv, which is used when it is there); talks
# to 127.0.0.1 only.
# shellcheck source=benches/lib.sh source-path=SCRIPTDIR/..
source "$(dirname "$0")/lib.sh"

variants=${BUILD_COST_VARIANTS:-fat:1 thin:1 thin:16 off:16}
steps=${BUILD_COST_STEPS:-build install}
with_iam=${BUILD_COST_WITH_IAM:-4fb09e2}
dry=${BUILD_COST_DRY_RUN:-}
markdown=${BENCH_MARKDOWN:+$(realpath -m -- "$BENCH_MARKDOWN")}

cd "$bench_root"
bench_need git cargo python3
[[ -n $dry ]] || bench_need hyperfine
[[ -x target/venv/bin/python3 ]] && PATH=$bench_root/target/venv/bin:$PATH
without_iam=$(git rev-parse "${BUILD_COST_WITHOUT_IAM:-HEAD}")
with_iam=$(git rev-parse "$with_iam")

work=$(mktemp -d)
trees=()
build_cost_cleanup() {
  local status=$? tree
  for tree in "${trees[@]}"; do
    git -C "$bench_root" worktree remove --force "$tree" 2>/dev/null || true
  done
  git -C "$bench_root" worktree prune || true
  (exit "$status")
  bench_cleanup
}
trap build_cost_cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "build_cost: $*" >&2; }

# --- the two trees -----------------------------------------------------------------------
tree_of() { echo "$work/tree-$1"; }
for name in iam-sdk one-query; do
  commit=$with_iam
  [[ $name == one-query ]] && commit=$without_iam
  tree=$(tree_of "$name")
  git worktree add --detach --quiet "$tree" "$commit"
  trees+=("$tree")
  has_iam=no
  grep -q '^name = "aws-sdk-iam"$' "$tree/Cargo.lock" && has_iam=yes
  if [[ $name == iam-sdk && $has_iam == no ]] || [[ $name == one-query && $has_iam == yes ]]; then
    say "commit $commit is not the tree '$name' should be (aws-sdk-iam in Cargo.lock: $has_iam)"
    exit 2
  fi
  say "$name: $(git log -1 --format='%h %s' "$commit")"
  (cd "$tree" && cargo fetch --locked --quiet)
done

# --- the cold builds ---------------------------------------------------------------------
now() { echo "$EPOCHREALTIME"; }
timings=$work/timings.tsv
: >"$timings"
mkdir "$work/bin"
load() { cut -d' ' -f1-3 /proc/loadavg; }
say "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(load)"

for name in iam-sdk one-query; do
  tree=$(tree_of "$name")
  for variant in $variants; do
    lto=${variant%%:*}
    units=${variant#*:}
    for step in $steps; do
      target=$work/target-$name-$lto-$units-$step
      case $step in
      build) command=(cargo build --release --locked --quiet) ;;
      install) command=(cargo install --locked --quiet --path . --root "$work/root-$name-$lto-$units") ;;
      *)
        say "unknown step $step (build or install)"
        exit 2
        ;;
      esac
      say "$name lto=$lto codegen-units=$units: ${command[*]} (load $(load))"
      if [[ -n $dry ]]; then
        continue
      fi
      started=$(now)
      (cd "$tree" && CARGO_TARGET_DIR=$target CARGO_PROFILE_RELEASE_LTO=$lto \
        CARGO_PROFILE_RELEASE_CODEGEN_UNITS=$units "${command[@]}")
      seconds=$(python3 -c "print(round($(now) - $started, 1))")
      built=$target/release/aws-mfa
      [[ $step == install ]] && built=$work/root-$name-$lto-$units/bin/aws-mfa
      cp "$built" "$work/bin/aws-mfa-$name-$lto-$units"
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$lto" "$units" "$step" "$seconds" \
        "$(stat -c %s "$built")" >>"$timings"
      say "  $seconds s"
      rm -rf "$target"
    done
  done
done
[[ -z $dry ]] || exit 0

# --- the cache-hit exec overhead of each binary, in one hyperfine run -------------------
bench_moto
bench_home
bench_dev_profiles
binaries=("$work"/bin/aws-mfa-*)
export AWS_ENDPOINT_URL=http://127.0.0.1:$port
"${binaries[0]}" exec -p dev --token-code 123456 -- true
# From here on STS is unreachable: a hit must not need it.
export AWS_ENDPOINT_URL=http://127.0.0.1:9
args=(--command-name true true)
for binary in "${binaries[@]}"; do
  args+=(--command-name "${binary##*/aws-mfa-}" "$binary exec -p dev -- true")
done
hyperfine --warmup 20 --min-runs "${BENCH_RUNS:-300}" -N --export-json "$work/exec.json" "${args[@]}"

# --- the table ---------------------------------------------------------------------------
python3 - "$timings" "$work/exec.json" >"$work/table.md" <<'PY'
import json, statistics, sys

timings, runs = sys.argv[1], sys.argv[2]
rows = {}
for line in open(timings):
    name, lto, units, step, seconds, size = line.rstrip("\n").split("\t")
    row = rows.setdefault((name, lto, units), {"size": int(size)})
    row[step] = float(seconds)
median = {r["command"]: statistics.median(r["times"]) * 1000 for r in json.load(open(runs))["results"]}
base = median.pop("true")
overhead = {k: v - base for k, v in median.items()}
today = overhead.get("iam-sdk-fat-1")


def clock(s):
    return "—" if s is None else f"{int(s // 60)} m {s % 60:04.1f} s"


print("| IAM call | LTO | codegen units | `cargo build --release` | `cargo install` | binary | exec overhead (median) | vs today |")
print("|---|---|---|---|---|---|---|---|")
for (name, lto, units), row in rows.items():
    key = f"{name}-{lto}-{units}"
    o = overhead.get(key)
    vs = "—" if today is None or o is None else f"{100 * (o - today) / today:+.0f} %"
    what = "aws-sdk-iam" if name == "iam-sdk" else "one SigV4 query"
    print(f"| {what} | {lto} | {units} | {clock(row.get('build'))} | {clock(row.get('install'))} "
          f"| {row['size'] / 2**20:.1f} MiB | {o:.2f} ms | {vs} |")
print(f"\n`true` alone: {base:.2f} ms (median). Today's profile: aws-sdk-iam, fat LTO, 1 codegen unit.")
PY
echo
cat "$work/table.md"
if [[ -n $markdown ]]; then
  cp "$work/table.md" "$markdown"
fi
