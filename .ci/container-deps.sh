#!/usr/bin/env bash
# Make sure the container tests (tests/container, marker `container`) can build and run the
# Containerfile here, with no container registry at hand:
#   1. podman, runc and debootstrap from Debian's packages (installed with apt-get as root);
#   2. a base image made from Debian's packages instead of pulled: `debootstrap` of bookworm
#      with Python 3.11, imported with `podman import` as $BASE_IMAGE. It is kept in podman's
#      storage, so it is made once per machine (about a minute) and reused by later runs.
# The certificate authorities this machine adds to its trust store (/usr/local/share/
# ca-certificates) go into that base image, never into the Containerfile: on a machine whose
# HTTPS is re-signed by such an authority, pip inside the build would fail without them.
#
# Prints the base image's name on stdout. Outside CI a failure is not fatal: the reason is
# written to artifacts/.container-unavailable and the container tests skip with it. With
# CI=true every failure is fatal.
set -euo pipefail
cd "$(dirname "$0")/.."

# Raise the number when the way the base is made changes: a new name makes a new base.
BASE_IMAGE="${SAMVERKAN_BASE_IMAGE:-localhost/samverkan-base:bookworm-python3.11-1}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
unavailable=artifacts/.container-unavailable
export CONTAINERS_CONF="$PWD/.ci/containers.conf"

in_ci() { case "${CI:-}" in true | TRUE | True | 1 | yes) return 0 ;; *) return 1 ;; esac; }

give_up() {
  echo "container-deps: $1" >&2
  if in_ci; then exit 1; fi
  mkdir -p "$(dirname "$unavailable")"
  echo "$1" > "$unavailable"
  exit 0
}

missing=()
for tool in podman runc debootstrap; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "container-deps: installing Debian's ${missing[*]} (about a minute)" >&2
    if ! { apt-get update -qq &&
           DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
      give_up "apt-get could not install ${missing[*]}; install them (Debian: apt-get install podman runc debootstrap), then run: bash .ci/container-deps.sh"
    fi
  else
    give_up "the container tests need ${missing[*]} (Debian: sudo apt-get install podman runc debootstrap); then run: bash .ci/container-deps.sh"
  fi
fi

if [ "$(id -u)" != 0 ]; then
  give_up "making the base image with debootstrap needs root; run: sudo bash .ci/container-deps.sh"
fi

# Several checkouts on one machine share podman's storage: make the base once.
exec 9>/tmp/samverkan-container-deps.lock
flock 9

if ! podman image exists "$BASE_IMAGE"; then
  started=$(date +%s)
  rootfs=$(mktemp -d /var/tmp/samverkan-base.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  echo "container-deps: making $BASE_IMAGE with debootstrap from $MIRROR (about a minute)" >&2
  if ! debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
       bookworm "$rootfs" "$MIRROR" > "$rootfs.log" 2>&1; then
    tail -n 20 "$rootfs.log" >&2
    give_up "debootstrap of Debian bookworm from $MIRROR failed (log above)"
  fi
  rm -f "$rootfs.log"
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # Debian's pip (23.0) trusts only its own copy of certifi, not the system's store.
  if ! tar -C "$rootfs" -c . | podman import \
       --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
       --change 'ENV LANG=C.UTF-8' \
       --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
       --change 'CMD ["python3"]' \
       --quiet - "$BASE_IMAGE" >/dev/null; then
    give_up "podman import of the debootstrapped bookworm failed"
  fi
  echo "container-deps: made $BASE_IMAGE in $(( $(date +%s) - started )) s" >&2
fi

rm -f "$unavailable"  # everything is here: an earlier reason to skip no longer holds
echo "$BASE_IMAGE"
