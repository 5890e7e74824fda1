#!/usr/bin/env bash
# Builds proctor-runner:latest, the installation's default CI job image, from the static busybox of
# Debian's busybox-static package: there is no registry to pull an image from here. The rootfs holds
# /bin/busybox with a link per common applet, /tmp (1777), /workspace, and /etc/passwd and /etc/group
# naming nobody (65534), the user jobs run as.
#
#   tools/docker/build-runner-image.sh [--force] [--tag IMAGE]
#
# Does nothing when the image exists, unless --force. Called by .ci/run; agentd's job tests need it.
set -euo pipefail

tag=proctor-runner:latest
force=false
while (($# > 0)); do
  case "$1" in
    --force) force=true ;;
    --tag) tag=${2:?--tag needs a value}; shift ;;
    --tag=*) tag=${1#--tag=} ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-runner-image: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if ! docker info >/dev/null 2>&1; then
  echo "build-runner-image: the docker engine does not answer (is dockerd running, may this user use it?)" >&2
  exit 1
fi
if [[ $force == false ]] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "build-runner-image: $tag exists (use --force to build it again)"
  exit 0
fi

# ldd (libc-bin, always there) says "not a dynamic executable" of a static binary.
is_static() { [[ -x $1 ]] && [[ $(LC_ALL=C ldd "$1" 2>&1 || true) == *'not a dynamic executable'* ]]; }

busybox=/bin/busybox
if ! is_static "$busybox"; then
  if ! dpkg -s busybox-static >/dev/null 2>&1; then
    if [[ $(id -u) -ne 0 ]]; then
      echo "build-runner-image: $busybox is missing or not static: apt-get install busybox-static (as root)" >&2
      exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
  fi
  # busybox-static installs /bin/busybox; another package's dynamic one may have replaced it.
  busybox=$(dpkg -L busybox-static | grep -E '/bin/busybox$' | head -n 1)
  if ! is_static "$busybox"; then
    echo "build-runner-image: no static busybox found (dpkg -L busybox-static)" >&2
    exit 1
  fi
fi

rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,etc,tmp,workspace}
chmod 1777 "$rootfs/tmp"
chmod 0755 "$rootfs/workspace"
cp "$busybox" "$rootfs/bin/busybox"
chmod 0755 "$rootfs/bin/busybox"
applets=(sh ash echo cat ls sleep dd head tail tr seq yes mkdir rm rmdir cp mv ln env printf wc kill test '['
  grep egrep sed awk find date true false id touch xargs sort uniq cut chmod pwd basename dirname expr
  tee timeout stat md5sum sha256sum gzip gunzip tar unzip which uname hostname ps)
for applet in "${applets[@]}"; do
  ln -s busybox "$rootfs/bin/$applet"
done
cat >"$rootfs/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$rootfs/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP

tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -c . |
  docker import -c 'ENV PATH=/bin' -c 'WORKDIR /workspace' -m "proctor runner: static busybox from $(dpkg-query -W -f='busybox-static ${Version}' busybox-static 2>/dev/null || echo "$busybox")" - "$tag" >/dev/null
echo "build-runner-image: built $tag ($(docker image inspect "$tag" --format '{{.Size}}') bytes)"
