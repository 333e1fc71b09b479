# Shared by tools/run, tools/test and .ci/run: installs the Debian packages
# the build needs and builds a CMake tree. Sourced, not run.

# What building the project needs.
TSDB_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config
  librocksdb-dev libabsl-dev liblz4-dev libcpp-httplib-dev libgtest-dev
  libgmock-dev libbenchmark-dev libre2-dev libsnappy-dev libprotobuf-dev
  protobuf-compiler libyaml-cpp-dev zlib1g-dev libxxhash-dev
)
# Real peers the tests talk to (promtool comes with prometheus; vmagent and
# vmalert with victoria-metrics), and python3 that drives them.
TSDB_TEST_PACKAGES=(
  prometheus prometheus-node-exporter victoria-metrics prometheus-alertmanager
  python3
)
# The libFuzzer targets are built with clang.
TSDB_FUZZ_PACKAGES=(clang libclang-rt-14-dev)

# tsdb_install PACKAGE...: installs those not yet installed, with one
# `apt-get update` first; silent when nothing is missing.
tsdb_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "Installing ${missing[*]}"
  # Packages such as prometheus would start their own daemons (on the ports
  # tsdbd and the tests use); policy-rc.d keeps them from starting.
  local policy=/usr/sbin/policy-rc.d added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod +x "$policy"
    added_policy=1
  fi
  local log rc=0
  log=$(mktemp)
  { "${sudo[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
      --no-install-recommends "${missing[@]}"; } >"$log" 2>&1 || rc=$?
  [ "$added_policy" -eq 1 ] && "${sudo[@]}" rm -f "$policy"
  if [ "$rc" -ne 0 ]; then
    cat "$log" >&2
    echo "apt-get failed installing: ${missing[*]}" >&2
  fi
  rm -f "$log"
  return "$rc"
}

# tsdb_build DIR [CMAKE_ARG...]: configures DIR once (Ninja, Release unless
# an argument says otherwise), then builds it incrementally: everything, or
# the targets named in $TSDB_TARGETS.
tsdb_build() {
  local dir=$1
  shift
  if [ ! -f "$dir/build.ninja" ]; then
    local log
    log=$(mktemp)
    if ! cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >"$log" 2>&1; then
      cat "$log" >&2
      rm -f "$log"
      return 1
    fi
    rm -f "$log"
  fi
  local targets=()
  [ -n "${TSDB_TARGETS:-}" ] && read -r -a targets <<<"$TSDB_TARGETS"
  cmake --build "$dir" ${targets[@]:+--target "${targets[@]}"} -- --quiet
}
