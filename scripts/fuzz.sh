#!/usr/bin/env bash
# Fuzz constable's parsers and pipeline with cargo-fuzz (libFuzzer, nightly).
#
#   scripts/fuzz.sh TARGET SECONDS     one target for SECONDS
#   scripts/fuzz.sh all SECONDS        every target in turn, SECONDS each
#   scripts/fuzz.sh list               the targets
#   scripts/fuzz.sh seed TARGET|all    only seed the corpus
#
# Installs cargo-fuzz if missing, seeds fuzz/corpus/TARGET from fixtures/ and
# from the spec-kit templates in $CONSTABLE_SEEDS (default ../shared/seeds,
# read at seeding time and never committed), then runs the target with a
# max_len that fits it and an RSS limit. Exits non-zero when a target
# crashes; the crashing input is in fuzz/artifacts/TARGET/.
# Environment: FUZZ_TOOLCHAIN (default nightly), FUZZ_RSS_MB (default 2048),
# FUZZ_ARGS (extra libFuzzer flags, e.g. "-jobs=2").
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/fuzz"
TOOLCHAIN="${FUZZ_TOOLCHAIN:-nightly}"
RSS_MB="${FUZZ_RSS_MB:-2048}"
TARGETS=(plan_model tree_diagram constitution_check rule_file yaml hcl kustomize jsonpath_positions check_repo)

usage() {
    echo "usage: $0 TARGET|all SECONDS   (targets: ${TARGETS[*]})" >&2
    exit 2
}

# Longest input each target is given: plans are a few KB; the repository
# target carries four files.
max_len() {
    case "$1" in
        plan_model | constitution_check) echo 16384 ;;
        tree_diagram) echo 4096 ;;
        rule_file | yaml | hcl | jsonpath_positions) echo 8192 ;;
        kustomize) echo 16384 ;;
        check_repo) echo 24576 ;;
        *) usage ;;
    esac
}

# Per-input time limit (seconds): the repository target runs the whole pipeline.
input_timeout() {
    case "$1" in
        check_repo) echo 30 ;;
        *) echo 10 ;;
    esac
}

seeds_dir() {
    if [[ -n "${CONSTABLE_SEEDS:-}" ]]; then
        echo "$CONSTABLE_SEEDS"
    elif [[ -d "$ROOT/../shared/seeds" ]]; then
        echo "$ROOT/../shared/seeds"
    elif [[ -d /work/shared/seeds ]]; then
        echo /work/shared/seeds
    fi
}

# Files under the fixtures and the seed templates matching any of the globs.
sources() {
    local seeds
    seeds="$(seeds_dir)"
    local dirs=("$ROOT/fixtures")
    [[ -n "$seeds" && -d "$seeds" ]] && dirs+=("$seeds")
    local expr=()
    for g in "$@"; do
        expr+=(-o -name "$g")
    done
    find "${dirs[@]}" -type f \( "${expr[@]:1}" \) -size -64k 2>/dev/null | sort
}

# Copy a seed into the corpus under its content hash (idempotent).
add() {
    local dir="$1" file="$2"
    local name
    name="$(sha1sum "$file" | cut -c1-40)"
    [[ -e "$dir/$name" ]] || cp "$file" "$dir/$name"
}

seed() {
    local target="$1"
    local dir="$FUZZ/corpus/$target"
    mkdir -p "$dir"
    local tmp
    tmp="$(mktemp -d)"
    case "$target" in
        plan_model | constitution_check)
            while read -r f; do add "$dir" "$f"; done < <(sources '*.md')
            ;;
        tree_diagram)
            # Two leading bytes choose a sub-range; 0 0 is the whole text.
            while read -r f; do
                { printf '\0\0'; cat "$f"; } > "$tmp/seed"
                add "$dir" "$tmp/seed"
            done < <(sources 'plan.md' '*plan*.md')
            ;;
        rule_file)
            while read -r f; do add "$dir" "$f"; done < <(find "$ROOT/rules" -name '*.toml'; sources '*.toml')
            ;;
        yaml | jsonpath_positions)
            while read -r f; do add "$dir" "$f"; done < <(sources '*.yaml' '*.yml')
            ;;
        hcl)
            while read -r f; do add "$dir" "$f"; done < <(sources '*.tf' '*.tfvars' '*.hcl')
            ;;
        kustomize)
            # base kustomization 0xFF base manifest 0xFF overlay kustomization
            # 0xFF overlay patch, from each fixture kustomization and its folder.
            while read -r k; do
                local d man
                d="$(dirname "$k")"
                man="$(find "$d" -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' \) ! -name 'kustomization.y*' -size -8k | sort | head -n1)"
                {
                    cat "$k"
                    printf '\xff'
                    if [[ -n "$man" ]]; then cat "$man"; fi
                    printf '\xff'
                    printf 'resources:\n- ../base\npatches:\n- path: patch.yaml\nimages:\n- name: app\n  newTag: "1.2"\n'
                    printf '\xff'
                    if [[ -n "$man" ]]; then head -c 2048 "$man"; fi
                } > "$tmp/seed"
                add "$dir" "$tmp/seed"
            done < <(find "$ROOT/fixtures" -name 'kustomization.yaml' -size -8k | sort)
            ;;
        check_repo)
            # plan 0xFF manifest 0xFF constitution 0xFF terraform, per fixture repository.
            while read -r plan; do
                local repo
                repo="$(dirname "$(dirname "$(dirname "$plan")")")"
                local yaml con tf
                yaml="$(find "$repo" -type f \( -name '*.yaml' -o -name '*.yml' \) -size -16k | sort | head -n1)"
                con="$(find "$repo" -path '*memory/constitution.md' | head -n1)"
                tf="$(find "$repo" -type f -name '*.tf' -size -8k | sort | head -n1)"
                {
                    cat "$plan"
                    printf '\xff'
                    if [[ -n "$yaml" ]]; then cat "$yaml"; fi
                    printf '\xff'
                    if [[ -n "$con" ]]; then cat "$con"; fi
                    printf '\xff'
                    if [[ -n "$tf" ]]; then cat "$tf"; fi
                } > "$tmp/seed"
                add "$dir" "$tmp/seed"
            done < <(find "$ROOT/fixtures" -path '*/specs/*/plan.md' | sort)
            ;;
    esac
    rm -rf "$tmp"
    echo "seeded $target: $(find "$dir" -type f | wc -l) inputs in fuzz/corpus/$target" >&2
}

run() {
    local target="$1" seconds="$2"
    seed "$target"
    echo "fuzzing $target for ${seconds}s (max_len $(max_len "$target"), rss ${RSS_MB} MB)" >&2
    # shellcheck disable=SC2086
    (cd "$FUZZ" && cargo "+$TOOLCHAIN" fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$seconds" \
        -max_len="$(max_len "$target")" \
        -rss_limit_mb="$RSS_MB" \
        -timeout="$(input_timeout "$target")" \
        -print_final_stats=1 \
        ${FUZZ_ARGS:-})
}

[[ $# -ge 1 ]] || usage
if [[ "$1" == list ]]; then
    printf '%s\n' "${TARGETS[@]}"
    exit 0
fi
if [[ "$1" == seed && $# -eq 2 ]]; then
    if [[ "$2" == all ]]; then
        for t in "${TARGETS[@]}"; do seed "$t"; done
    else
        max_len "$2" > /dev/null
        seed "$2"
    fi
    exit 0
fi
[[ $# -eq 2 && "$2" =~ ^[0-9]+$ ]] || usage

if ! cargo "+$TOOLCHAIN" fuzz --version > /dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install cargo-fuzz --locked
fi

if [[ "$1" == all ]]; then
    failed=()
    for t in "${TARGETS[@]}"; do
        run "$t" "$2" || failed+=("$t")
    done
    if [[ ${#failed[@]} -gt 0 ]]; then
        echo "crashed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
        exit 1
    fi
else
    max_len "$1" > /dev/null
    run "$1" "$2"
fi
