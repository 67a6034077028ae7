#!/usr/bin/env bash
# sdk_out_of_tree.sh — the vendor path end to end: install the build into a
# scratch prefix, build tests/sdk-consumer (CMake, find_package) and a plain C
# plugin (cc + pkg-config) against that prefix only, then run the INSTALLED
# berthd, which must find its bundled plugins under the prefix and load both
# vendor plugins from --plugin-dir.
. "$(dirname "$0")/lib.sh"

for tool in cmake ninja cc pkg-config; do
    command -v "$tool" >/dev/null || skip "$tool not installed"
done

prefix="$T/prefix"
note "cmake --install into $prefix"
cmake --install "$BUILD_DIR" --prefix "$prefix" >"$T/install.log" 2>&1 ||
    fail "cmake --install failed:
$(tail -n 40 "$T/install.log")"
for f in bin/berthd bin/berth; do
    [ -x "$prefix/$f" ] || fail "the install has no $f"
done

# The install layout's library directory (lib, lib64 or lib/<triplet>).
pcfile=$(find "$prefix" -name berth-plugin-api.pc -path '*/pkgconfig/*' | head -n1)
[ -n "$pcfile" ] || fail "the install has no berth-plugin-api.pc"
pcdir=$(dirname "$pcfile")
libdir=$(dirname "$pcdir")
[ -d "$libdir/berth/plugins" ] || fail "the install has no $libdir/berth/plugins"
ls "$libdir/berth/plugins"/libberth-storage-overlay2.so.* >/dev/null 2>&1 ||
    fail "the install has no bundled storage-overlay2 in $libdir/berth/plugins"

vendor_dir="$T/consumer-build/plugins"

note "configure and build tests/sdk-consumer against the install"
# A clean environment for the vendor build: nothing from the Berth build tree
# may leak in, only what is under $prefix.
cmake -S "$SOURCE_DIR/tests/sdk-consumer" -B "$T/consumer-build" -G Ninja \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DVENDOR_PLUGIN_DIR="$vendor_dir" >"$T/consumer-configure.log" 2>&1 ||
    fail "configuring tests/sdk-consumer failed:
$(tail -n 40 "$T/consumer-configure.log")"
grep -q "BerthPluginAPI_DIR:PATH=$prefix/" "$T/consumer-build/CMakeCache.txt" ||
    fail "tests/sdk-consumer found BerthPluginAPI outside $prefix: $(grep BerthPluginAPI_DIR "$T/consumer-build/CMakeCache.txt")"
cmake --build "$T/consumer-build" >"$T/consumer-build.log" 2>&1 ||
    fail "building tests/sdk-consumer failed:
$(tail -n 60 "$T/consumer-build.log")"
[ -f "$vendor_dir/libberth-authz-vendorauthz.so.1" ] ||
    fail "tests/sdk-consumer did not produce libberth-authz-vendorauthz.so.1: $(ls -la "$vendor_dir")"

note "build the C plugin with pkg-config"
rc=0
cflags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags berth-plugin-api 2>&1) || rc=$?
assert_eq 0 "$rc" "pkg-config --cflags berth-plugin-api ($cflags)"
# The flags must point into the prefix the SDK was installed to, not the one
# the build was configured with.
assert_contains "$cflags" "-I$prefix/" "pkg-config --cflags of the installed SDK"
# shellcheck disable=SC2086 # cflags is a list of words
cc -std=c11 -Wall -Wextra -Werror -pedantic -shared -fPIC $cflags \
    -Wl,--no-undefined -Wl,-soname,libberth-authz-vendorc.so.1 \
    -o "$vendor_dir/libberth-authz-vendorc.so.1" "$SOURCE_DIR/tests/sdk-consumer/c-plugin/vendorc.c" \
    >"$T/vendorc.log" 2>&1 || fail "building the C plugin failed:
$(cat "$T/vendorc.log")"
# -fvisibility=hidden from the .pc: the entry point is the only export.
exports=$(nm -D --defined-only "$vendor_dir/libberth-authz-vendorc.so.1" | awk '$2 ~ /^[TDR]$/ { print $3 }')
assert_eq berth_plugin_v1 "$exports" "exported symbols of the C plugin"

note "run the installed berthd"
# Not $BERTHD: the installed copy, which must find <prefix>/lib/berth/plugins
# relative to itself.
BERTHD="$prefix/bin/berthd"
start_berthd --plugin-dir "$vendor_dir"
plugins_json
for f in libberth-authz-vendorauthz.so.1 libberth-authz-vendorc.so.1; do
    assert_eq active "$(plugin_by_file "$f" state)" "state of vendor plugin $f
$(plugins_table)"
done
assert_eq 1.2.3 "$(plugin_by_file libberth-authz-vendorauthz.so.1 version)" \
    "vendorauthz version (from the vendor project's VERSION)"
overlay=$(plugin_by_file libberth-storage-overlay2.so.1 file)
assert_contains "$overlay" "$prefix/" "where the installed berthd found storage-overlay2
$(plugins_table)"
assert_eq active "$(plugin_by_file libberth-storage-overlay2.so.1 state)" \
    "state of the installed storage-overlay2"

note "installed berth plugin ls"
rc=0
out=$("$prefix/bin/berth" -H "$HOST" plugin ls 2>&1) || rc=$?
assert_eq 0 "$rc" "exit status of the installed 'berth plugin ls' (output: $out)"
assert_match "$out" 'vendorauthz.*active' "berth plugin ls row for vendorauthz"
assert_match "$out" 'vendorc.*active' "berth plugin ls row for vendorc"
