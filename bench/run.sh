#!/usr/bin/env bash
# Benchmark harness (issue 11): constable against the floor and the peers on a
# generated monorepo. Usage: bench/run.sh small|large
# Writes bench/RESULTS-<size>.md and rebuilds bench/RESULTS.md from both sizes' files.
# Peers go to bench/.peers/, the tree and raw figures to bench/out/ (both ignored).
set -euo pipefail

SIZE=${1:-}
case "$SIZE" in
  small) PLANS=100; IAC=1500 ;;
  large) PLANS=1000; IAC=15000 ;;
  *) echo "usage: bench/run.sh small|large" >&2; exit 2 ;;
esac
RUNS=${BENCH_RUNS:-5}          # hyperfine runs for fast commands (median reported)
MEDIUM=${BENCH_MEDIUM_SECONDS:-2} # a command slower than this once gets 3 runs, no extra warm-up
SLOW=${BENCH_SLOW_SECONDS:-10} # a command slower than this once is measured once
PEER_TIMEOUT=${BENCH_PEER_TIMEOUT:-900} # a peer that takes longer is reported as unfinished
SEED=${BENCH_SEED:-11}
ONLY=${BENCH_ONLY:-}           # measure only these commands (space-separated), keep the other raw figures

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
PEERS=$HERE/.peers
OUT=$HERE/out
TREE=$OUT/$SIZE
RAW=$OUT/raw-$SIZE
START=$(date +%s)
mkdir -p "$OUT"
# One run at a time: two runs would regenerate the same tree under each other.
exec 9>"$OUT/.lock"
flock -n 9 || { echo "another bench/run.sh is running" >&2; exit 1; }
log() { printf '[%4ds] %s\n' $(($(date +%s) - START)) "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root for: $*" >&2; exit 1
  fi
}

# 1. Build constable and the two examples in release.
log "building constable, gen and floor (release)"
(cd "$ROOT" && cargo build --release --quiet --bin constable --example gen --example floor)
C=$ROOT/target/release/constable
FLOOR=$ROOT/target/release/examples/floor
COMMIT=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(cd "$ROOT" && git status --porcelain --untracked-files=no 2>/dev/null)" ]; then COMMIT="$COMMIT (dirty)"; fi

# 2. Generate the tree.
log "generating the $SIZE tree: $PLANS plans, $IAC IaC files"
"$ROOT/target/release/examples/gen" "$TREE" --plans "$PLANS" --iac "$IAC" --seed "$SEED" >&2

# 3. Peers, installed once into bench/.peers/.
INSTALL_START=$(date +%s)
APT_UPDATED=
apt_install() {
  [ -n "$APT_UPDATED" ] || { as_root apt-get update -qq; APT_UPDATED=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}
command -v hyperfine >/dev/null || { log "apt-get install hyperfine"; apt_install hyperfine; }
[ -x /usr/bin/time ] || { log "apt-get install time"; apt_install time; }
mkdir -p "$PEERS"
MDL=$PEERS/npm/node_modules/.bin/markdownlint-cli2
if [ ! -x "$MDL" ]; then
  log "npm install markdownlint-cli2"
  npm install --prefix "$PEERS/npm" --no-audit --no-fund --silent markdownlint-cli2 >&2
fi
VENV=$PEERS/venv
if [ ! -x "$VENV/bin/checkov" ] || [ ! -x "$VENV/bin/rumdl" ] || [ ! -x "$VENV/bin/yamllint" ]; then
  log "pip install rumdl checkov yamllint (venv)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q rumdl checkov yamllint >&2
fi
INSTALL_SECONDS=$(($(date +%s) - INSTALL_START))

# 4. Measure. Each command: one run under /usr/bin/time -v (warm-up, peak RSS,
# CPU); then, if that took less than $SLOW s, hyperfine (-i, --warmup 1,
# $RUNS runs) for the median wall time and mean CPU time.
[ -n "$ONLY" ] || rm -rf "$RAW"
mkdir -p "$RAW"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)
cd "$TREE"
ONE_PLAN=$(ls -d specs/*/ | sed -n "$(( PLANS / 2 ))p")plan.md
IAC_DIRS="cluster charts ansible terraform"
export NO_COLOR=1
measure() { # name, command, [noshell: hyperfine -N, the command is split into words, no shell]
  local name=$1 cmd=$2 mode=${3:-} t0 t1 rc=0 hf=()
  if [ -n "$ONLY" ] && [[ " $ONLY " != *" $name "* ]]; then return; fi
  [ "$mode" = noshell ] && hf=(-N)
  rm -f "$RAW/$name".*
  log "measuring $name"
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$RAW/$name.time" timeout "$PEER_TIMEOUT" bash -c "$cmd" >"$RAW/$name.stdout" 2>"$RAW/$name.stderr" || rc=$?
  t1=$(date +%s.%N)
  echo "$rc" >"$RAW/$name.rc"
  if [ "$rc" = 124 ]; then
    log "$name did not finish in ${PEER_TIMEOUT}s"; echo timeout >"$RAW/$name.note"; return
  fi
  if awk -v a="$t0" -v b="$t1" -v s="$MEDIUM" 'BEGIN{exit !(b-a < s)}'; then
    hyperfine "${hf[@]}" -i --warmup 1 --runs "$RUNS" --style none --export-json "$RAW/$name.json" -n "$name" "$cmd" >/dev/null 2>"$RAW/$name.hyperfine"
  elif awk -v a="$t0" -v b="$t1" -v s="$SLOW" 'BEGIN{exit !(b-a < s)}'; then
    # The /usr/bin/time run above was the warm-up.
    hyperfine "${hf[@]}" -i --runs 3 --style none --export-json "$RAW/$name.json" -n "$name" "$cmd" >/dev/null 2>"$RAW/$name.hyperfine"
    echo "3 runs (took more than ${MEDIUM}s)" >"$RAW/$name.note"
  else
    echo "single run (took more than ${SLOW}s)" >"$RAW/$name.note"
  fi
}

measure floor "$FLOOR ."
measure check "$C check ."
measure check-1-thread "RAYON_NUM_THREADS=1 $C check ."
# Both through `sh -c` and without hyperfine's shell: the same start-up cost on
# both sides (hyperfine's shell correction leaves `--version` at about 0 ms).
measure editor "sh -c '$C check --stdin-filename $ONE_PLAN - < $ONE_PLAN'" noshell
measure version "sh -c '$C --version'" noshell
measure check-plans "$C check --no-iac ."
measure check-iac "$C check --iac-only ."
measure markdownlint-cli2 "$MDL 'specs/*/plan.md'"
measure rumdl "$VENV/bin/rumdl check --no-cache specs/*/plan.md"
measure yamllint "$VENV/bin/yamllint -f parsable $IAC_DIRS"
measure checkov "$VENV/bin/checkov --quiet --compact --skip-download --framework kubernetes terraform ansible $(printf -- '-d %s ' $IAC_DIRS)"

cd "$ROOT"
TOTAL=$(($(date +%s) - START))
FILES=$(cat "$RAW/floor.stdout")
python3 "$HERE/report.py" "$RAW" "$HERE/RESULTS-$SIZE.md" \
  --size "$SIZE" --plans "$PLANS" --iac "$IAC" --files "$FILES" --seed "$SEED" \
  --commit "$COMMIT" --cores "$(nproc)" --runs "$RUNS" --medium "$MEDIUM" --slow "$SLOW" \
  --load "$LOAD" --timeout "$PEER_TIMEOUT" --install-seconds "$INSTALL_SECONDS" --total-seconds "$TOTAL" --editor-plan "$ONE_PLAN"
# RESULTS.md: the large tree's results first, then the small tree's, whichever exist.
{
  echo "# Benchmark results"
  echo
  echo "Written by \`bench/run.sh\` from \`bench/RESULTS-large.md\` and \`bench/RESULTS-small.md\`; see \`bench/README.md\` for what each figure means."
  # Hand-written notes on the targets (bench/NOTES.md), kept across runs.
  if [ -f "$HERE/NOTES.md" ]; then
    echo
    sed 's/^#/##/' "$HERE/NOTES.md"
  fi
  for s in large small; do
    [ -f "$HERE/RESULTS-$s.md" ] || continue
    echo
    sed 's/^#/##/' "$HERE/RESULTS-$s.md"
  done
} >"$HERE/RESULTS.md"
log "wrote bench/RESULTS-$SIZE.md and bench/RESULTS.md in ${TOTAL}s"
