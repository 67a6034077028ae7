# shellcheck shell=bash
# scripts/lib/deps.sh — the one list of Debian packages Berth needs, and the
# function that installs them. Sourced by scripts/quickstart.sh and
# scripts/test.sh; add a package here and both pick it up.
#
# Requires scripts/lib/common.sh to be sourced first (log, die).

# Debian 12 package names, grouped by purpose with the reason above each group.
BERTH_APT_PACKAGES=(
  # toolchain and build
  build-essential cmake ninja-build ccache pkg-config
  # libraries the core and the CLI link
  libboost-dev libboost-filesystem-dev nlohmann-json3-dev libspdlog-dev
  libcli11-dev libssl-dev
  # layer tars (plugin-api/layertar, storage drivers, conformance kit) and
  # the deterministic gzip of pushed layers
  libarchive-dev zlib1g-dev
  # tests
  libgtest-dev libgmock-dev
  # the fuzz phase: clang and its libFuzzer runtime (libclang_rt.fuzzer)
  clang libclang-rt-14-dev
  # tools the scripts and the integration tests call
  curl python3 iproute2 openssl
  # storage-btrfs and its tests (mkfs.btrfs, btrfs subvolume/qgroup)
  btrfs-progs
  # core/registry: the registry client's HTTP(S) library; its tests run a
  # real registry (docker-registry) and copy a multi-arch index with skopeo
  libcpp-httplib-dev docker-registry skopeo
  # the base image without internet (busybox:latest from busybox-static),
  # OCI images for the pull tests (umoci), zstd layers
  busybox-static umoci zstd
  # containers: the OCI runtime, seccomp profiles checked with libseccomp,
  # and the --init process
  runc libseccomp-dev tini
  # the container walk-through test drives a real terminal
  tmux
  # net-bridge: links, addresses and routes through libnl; NAT and filtering
  # through libnftables (berth's own tables only); the embedded DNS server
  # encodes and decodes messages with ldns
  libnl-3-dev libnl-route-3-dev libnftables-dev nftables libldns-dev
  # tests/compat: real clients nobody here wrote drive berthd (docker-py, compose)
  python3-docker docker-compose
)

# Prints the packages from the list that are not fully installed.
berth_missing_packages() {
  local pkg status
  for pkg in "${BERTH_APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || printf '%s\n' "$pkg"
  done
}

# Installs whatever is missing. Does nothing (not even apt-get update) when
# every package is already installed, so re-runs cost a few dpkg-query calls.
berth_install_deps() {
  local missing
  mapfile -t missing < <(berth_missing_packages)
  if ((${#missing[@]} == 0)); then
    log "all ${#BERTH_APT_PACKAGES[@]} packages already installed"
    return 0
  fi
  log "installing ${#missing[@]} package(s): ${missing[*]}"
  local -a sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "missing packages (${missing[*]}) and not root: run as root or install them"
    sudo=(sudo)
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
  mapfile -t missing < <(berth_missing_packages)
  ((${#missing[@]} == 0)) || die "still not installed after apt-get: ${missing[*]}"
}
