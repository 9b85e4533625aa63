#!/usr/bin/env bash
# Makes the upstream base images that infra/docker/Dockerfile and infra/compose/compose.yaml name
# available to the local Docker daemon. For each image that is missing it first tries `docker pull`;
# where no image registry is reachable it builds a LOCAL STAND-IN under the same name instead:
#
#   debian:bookworm-slim    debootstrap --variant=minbase bookworm, imported (the others build on it)
#   node:20-bookworm-slim   + this machine's node binary, npm and CA bundle
#   postgres:15-bookworm    + Debian's postgresql-15, honouring POSTGRES_PASSWORD/POSTGRES_DB/...
#   apache/kafka:3.9.1      + Debian's Java 17 and ../shared/kafka (Kafka 2.4.1 with ZooKeeper inside)
#   nginx:1.27-bookworm     + Debian's nginx
#
# Stand-ins carry the label pronto.standin. An image already present is left alone, so a second run
# takes seconds. Needs root (debootstrap) and a Debian package mirror.
#
#   infra/docker/standins/build-standins.sh            # what is missing
#   PRONTO_KAFKA_DIR=/path/to/shared/kafka ...         # where the Kafka folder is (default ../shared/kafka)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
kafka_dir="${PRONTO_KAFKA_DIR:-$repo/../shared/kafka}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="$(mktemp -d /tmp/pronto-standins.XXXXXX)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

have() { docker image inspect "$1" >/dev/null 2>&1; }
pulled() { timeout 300 docker pull -q "$1" >/dev/null 2>&1; }
say() { printf 'standins: %s (%ss)\n' "$*" "$((SECONDS - start))" >&2; }

# ensure IMAGE BUILD-FUNCTION: present, pulled, or built here.
ensure() {
  if have "$1"; then return 0; fi
  if pulled "$1"; then say "$1 pulled"; return 0; fi
  say "$1: no registry answers, building a local stand-in"
  "$2" "$1"
  have "$1" || { say "$1 was not built"; exit 1; }
  say "$1 built"
}

build_debian() {
  command -v debootstrap >/dev/null || { echo "standins: debootstrap is needed (apt-get install debootstrap)" >&2; exit 1; }
  local rootfs="$work/rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
  # What upstream's slim image keeps out too: documentation and man pages of packages installed later.
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-exclude /usr/share/man/*' 'path-exclude /usr/share/locale/*' \
    'path-include /usr/share/doc/*/copyright' >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim"
  printf 'APT::Install-Recommends "false";\n' >"$rootfs/etc/apt/apt.conf.d/docker-no-recommends"
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' --change 'LABEL pronto.standin=debian:bookworm-slim' \
    - "$1" >/dev/null
}

build_context() { # IMAGE DIR: docker build of a stand-in's folder (plus what it copies in)
  local log="$work/build-${1//[:\/]/-}.log"
  docker build -t "$1" "$2" >"$log" 2>&1 || { tail -n 30 "$log" >&2; return 1; }
}

build_node() {
  local ctx="$work/node"
  cp -r "$here/node" "$ctx"
  cp "$(command -v node)" "$ctx/node"
  cp "${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}" "$ctx/ca-certificates.crt"
  local npm_cli
  npm_cli="$(readlink -f "$(command -v npm)")"
  cp -r "${npm_cli%/bin/npm-cli.js}" "$ctx/npm"
  case "$("$ctx/node" --version)" in v20.*) ;; *) echo "standins: node:20 needs this machine's node to be 20.x" >&2; exit 1 ;; esac
  build_context "$1" "$ctx"
}

build_postgres() { build_context "$1" "$here/postgres"; }
build_nginx() { build_context "$1" "$here/nginx"; }

build_kafka() {
  [ -x "$kafka_dir/start" ] || { echo "standins: no Kafka folder at $kafka_dir (set PRONTO_KAFKA_DIR)" >&2; exit 1; }
  local ctx="$work/kafka"
  cp -r "$here/kafka" "$ctx"
  mkdir -p "$ctx/kafka" && cp -r "$kafka_dir/start" "$kafka_dir/stop" "$kafka_dir/libs" "$ctx/kafka/"
  build_context "$1" "$ctx"
}

ensure debian:bookworm-slim build_debian
ensure node:20-bookworm-slim build_node
# These three only share the Debian base: built side by side (each mostly waits on the mirror).
pids=()
ensure postgres:15-bookworm build_postgres & pids+=($!)
ensure apache/kafka:3.9.1 build_kafka & pids+=($!)
ensure nginx:1.27-bookworm build_nginx & pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || { say "a stand-in failed to build (above)"; exit 1; }
say "all base images present"
