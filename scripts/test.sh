#!/usr/bin/env bash
# scripts/test.sh — build Berth and run every test, as CI does.
#
#   1. install the Debian packages (scripts/lib/deps.sh; skipped when present)
#   2. build build/ (RelWithDebInfo, Ninja, ccache) and run all its tests
#   3. build the unit-test binaries in build-asan/ (-DBERTH_SANITIZE=ON) and
#      run the `unit` tests under
#      AddressSanitizer + UndefinedBehaviorSanitizer
#   4. build the libFuzzer targets in build-fuzz/ (clang, -DBERTH_FUZZ=ON,
#      ASan) and run each over its seed corpus for a bounded time
#      (the `fuzz` tests; docs/fuzzing.md)
#
# Every test run happens even when an earlier one fails; the exit status is non-zero
# if anything failed to build or any test failed. The last line printed is
# "<N> passed, <N> failed", summed over all runs (skipped tests are in
# neither number; they are reported on the line before).
#
# Environment: CCACHE_DIR (default: a Berth-only cache under ~/.cache),
# BERTH_JOBS (build parallelism; Ninja's default otherwise),
# CTEST_PARALLEL_LEVEL (tests run one at a time unless set).
# Re-running reuses build/ and build-asan/.
set -euo pipefail

# shellcheck source=SCRIPTDIR/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
# shellcheck source=SCRIPTDIR/lib/deps.sh
source "$BERTH_ROOT/scripts/lib/deps.sh"
cd "$BERTH_ROOT"

total_passed=0
total_failed=0
total_skipped=0
problems=()

# run_ctest NAME BUILD_DIR [ctest args...]: runs ctest, adds its counts to the
# totals and records a problem when it did not pass.
run_ctest() {
  local name=$1 dir=$2
  shift 2
  local out rc=0 t
  out=$(mktemp)
  ctest --test-dir "$dir" --output-on-failure --no-tests=error --timeout 900 "$@" 2>&1 |
    tee "$out" || rc=$?
  # "100% tests passed, 0 tests failed out of 12"
  local line
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$out" | tail -n 1 || true)
  if [[ -n $line ]]; then
    local failed total
    failed=$(sed -E 's/.* ([0-9]+) tests? failed out of.*/\1/' <<<"$line")
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    # ctest counts a skipped test (exit 77 without root, say) as passed; we
    # do not, and say how many there were.
    local skipped
    skipped=$(sed -n '/^The following tests did not run:/,/^$/p' "$out" |
      grep -cE '^[[:space:]]+[0-9]+ - .*\((Skipped|Disabled)\)$' || true)
    total_passed=$((total_passed + total - failed - skipped))
    total_failed=$((total_failed + failed))
    total_skipped=$((total_skipped + skipped))
    if ((failed > 0)); then
      problems+=("$name: $failed of $total tests failed:")
      while IFS= read -r t; do problems+=("    ${t#"${t%%[![:space:]]*}"}"); done < <(
        sed -n '/^The following tests FAILED:/,$p' "$out" | grep -E '^[[:space:]]+[0-9]+ - ' || true)
      # What the failed tests said of themselves (their FAIL lines, printed
      # by --output-on-failure), so the tail of a CI log tells why.
      while IFS= read -r t; do problems+=("      $t"); done < <(
        grep -E '^(FAIL|\[  FAILED  \]|.*runtime error:|.*ERROR: AddressSanitizer)' "$out" | cut -c1-240 | head -n 20 || true)
    fi
  fi
  if ((rc != 0)) && [[ -z $line || ${failed:-0} -eq 0 ]]; then
    if grep -q 'No tests were found' "$out"; then
      problems+=("$name: no tests were found (is the label set?)")
    else
      problems+=("$name: ctest exited with status $rc")
    fi
  fi
  rm -f "$out"
  return "$rc"
}

berth_phase_begin deps
berth_install_deps
berth_phase_end

berth_setup_ccache
log "ccache: $CCACHE_DIR"

# --- 1. the regular build and all its tests ----------------------------------
berth_phase_begin "build (build/)"
if berth_configure_build build; then
  berth_phase_end
  berth_phase_begin "test (build/, all labels)"
  if run_ctest "build/" build; then berth_phase_end; else berth_phase_end FAILED; fi
else
  berth_phase_end FAILED
  problems+=("build/: configure or build failed; its tests did not run")
fi

# --- 2. ASan + UBSan build, unit tests -------------------------------------
berth_phase_begin "build (build-asan/)"
# Only the unit-test executables (and what they load) are built here: the
# daemon, CLI and drivers are exercised by the integration tests above.
if BERTH_BUILD_TARGET=berth_unit_test_binaries berth_configure_build build-asan -DBERTH_SANITIZE=ON; then
  berth_phase_end
  berth_phase_begin "test (build-asan/, unit)"
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest "build-asan/" build-asan -L '^unit$'; then
    berth_phase_end
  else
    berth_phase_end FAILED
  fi
else
  berth_phase_end FAILED
  problems+=("build-asan/: configure or build failed; its tests did not run")
fi

# --- 3. libFuzzer targets, bounded runs over their corpora ----------------------
berth_phase_begin "fuzz (build-fuzz/)"
# Only the two fuzz targets (and the instrumented berth_core they link) are
# built, with AddressSanitizer (UBSan runs over the same corpora in the
# build-asan/ replay tests). -O0 keeps clang's compile of berth_core short;
# the runs write new inputs and crash files under build-fuzz/fuzz-scratch,
# never into the tree.
fuzz_flags="-O0 -gline-tables-only -fsanitize=address -fno-omit-frame-pointer"
if BERTH_BUILD_TARGET=berth_fuzz_targets berth_configure_build build-fuzz \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DBERTH_FUZZ=ON -DBERTH_SANITIZE=OFF \
  -DCMAKE_BUILD_TYPE=None "-DCMAKE_C_FLAGS=$fuzz_flags" "-DCMAKE_CXX_FLAGS=$fuzz_flags" \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address; then
  if ASAN_OPTIONS=detect_leaks=1 run_ctest "build-fuzz/" build-fuzz -L '^fuzz$'; then
    berth_phase_end
  else
    berth_phase_end FAILED
  fi
else
  berth_phase_end FAILED
  problems+=("build-fuzz/: configure or build failed; the fuzz targets did not run")
fi

berth_phase_report
if ((${#problems[@]} > 0)); then
  log "problems:"
  printf '    %s\n' "${problems[@]}"
fi
((total_skipped == 0)) || log "$total_skipped test(s) skipped themselves (see 'did not run' above)"
echo "$total_passed passed, $total_failed failed"
((${#problems[@]} == 0 && total_failed == 0))
