#!/usr/bin/env bash
# The base image of fusion-cds, built without a container engine or a registry (none is reachable
# where the project is built): a `docker save` tar with one layer holding
#   /opt/java                a jlink runtime of the build JDK (the modules MODULES names)
#   /lib*, /usr/lib*         the shared libraries that runtime and ONNX Runtime's native libraries
#                            link against, copied from the build machine (ldd)
#   /etc/passwd, /etc/group  the unprivileged user fusion-cds, uid and gid 10001
#   /tmp                     1777 (ONNX Runtime unpacks its native libraries there)
#   /opt/fusion-cds/data     the working directory's data/, owned by 10001
# Jib (fusion-cds-dist, profile image) puts the application on top: `from` tar://OUT/base.tar.
#
# Usage: make-base.sh OUT_DIR JDK_HOME MODULES [JAR_WITH_NATIVES...]
set -euo pipefail

out=$1
jdk=$2
modules=$3
shift 3

root="$out/rootfs"
rm -rf "$root" "$out/base" "$out/base.tar"
mkdir -p "$out/base"

"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$root/opt/java"

# Debian's JDK links its security files (cacerts, java.security, ...) to /etc: copy what they name
find "$root" -type l | while read -r link; do
  target=$(readlink -f "$link")
  case "$target" in
    "$root"/*) ;;
    *) rm "$link"; cp "$target" "$link" ;;
  esac
done
for f in lib/security/cacerts conf/security/java.security; do
  if [ ! -s "$root/opt/java/$f" ]; then
    cp -L "$jdk/$f" "$root/opt/java/$f"
  fi
done

# the native libraries inside the jars (ONNX Runtime), to learn what they link against
natives="$out/natives"
rm -rf "$natives"
mkdir -p "$natives"
for jar in "$@"; do
  (cd "$natives" && "$jdk/bin/jar" xf "$jar" $("$jdk/bin/jar" tf "$jar" | grep -E 'linux-x64/.*\.so[.0-9]*$' || true))
done

# every shared library the runtime's executables and libraries need, at the path the loader knows
# (not the X11 toolkit, sound or splash screen: the service runs headless and never loads them)
elves=$(find "$root/opt/java" "$natives" -type f \( -name '*.so' -o -name '*.so.*' -o -path '*/bin/*' \) \
  ! -name libawt_xawt.so ! -name libjsound.so ! -name libsplashscreen.so)
needed=$(for elf in $elves; do
  LD_LIBRARY_PATH="$root/opt/java/lib:$root/opt/java/lib/server:$(find "$natives" -type d | paste -sd:)" \
    ldd "$elf" 2>/dev/null || true
done | awk '
  $2 == "=>" && $3 ~ /^\// { print $3 }
  $1 ~ /^\// { print $1 }
  $2 == "=>" && $3 == "not" && $1 !~ /onnxruntime/ { print "make-base: not found " $1 > "/dev/stderr" }' | sort -u)
for lib in $needed; do
  case "$lib" in
    "$root"/* | "$natives"/*) continue ;;
  esac
  # Debian merges /lib into /usr/lib; the image keeps the path the loader searches
  dest="$root$lib"
  mkdir -p "$(dirname "$dest")"
  cp -L "$lib" "$dest"
done
# glibc loads libgcc_s when a thread is cancelled or unwinds; ldd does not list it for the JVM
gcc_s=$("$(command -v ldconfig || echo /sbin/ldconfig)" -p | awk '/libgcc_s\.so\.1 .*x86-64/ && !found { print $NF; found = 1 }')
if [ -n "$gcc_s" ] && [ ! -e "$root$gcc_s" ]; then
  mkdir -p "$(dirname "$root$gcc_s")"
  cp -L "$gcc_s" "$root$gcc_s"
fi

# LANG=C.UTF-8: UTF-8 file names and text (Debian's glibc keeps this locale as files)
if [ -d /usr/lib/locale/C.utf8 ]; then
  mkdir -p "$root/usr/lib/locale"
  cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
fi

mkdir -p "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/opt/fusion-cds/data"
chmod 1777 "$root/tmp"
chmod 0755 "$root/opt/fusion-cds/data"
# ONNX Runtime 1.29 reads /etc/machine-id when it starts; without a non-empty one it runs
# `sh -c "echo \`blkid; hostname\`"` instead, and with no shell in the image it crashes the JVM
# (SIGSEGV in fclose, found by ImageIT). One fixed id for every container of the image: it names
# no host.
echo "440d9988310518e897ad3dd020c78aad" >"$root/etc/machine-id"
cat >"$root/etc/os-release" <<'EOF'
NAME="fusion-cds base"
ID=fusion-cds-base
PRETTY_NAME="fusion-cds base: a jlink runtime of the build JDK and its libraries"
EOF
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
fusion-cds:x:10001:10001:fusion-cds:/opt/fusion-cds:/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
fusion-cds:x:10001:
EOF

# one layer: everything root-owned, data/ owned by fusion-cds; no timestamps (reproducible)
layer="$out/base/layer.tar"
tar_opts=(--format=posix --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime
  --sort=name --mtime=@0 --numeric-owner)
tar --create --file "$layer" --directory "$root" "${tar_opts[@]}" --owner=0 --group=0 \
  --exclude=./opt/fusion-cds/data .
tar --append --file "$layer" --directory "$root" "${tar_opts[@]}" --owner=10001 --group=10001 \
  ./opt/fusion-cds/data
diff_id=$(sha256sum "$layer" | cut -d' ' -f1)

cat >"$out/base/config.json" <<EOF
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],
  "User":"10001:10001","WorkingDir":"/opt/fusion-cds"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created_by":"deploy/image/make-base.sh ($modules)"}]}
EOF
cat >"$out/base/manifest.json" <<'EOF'
[{"Config":"config.json","RepoTags":["fusion-cds-base:local"],"Layers":["layer.tar"]}]
EOF
tar --create --file "$out/base.tar" --directory "$out/base" --sort=name --mtime=@0 \
  --owner=0 --group=0 --numeric-owner manifest.json config.json layer.tar
echo "make-base: $out/base.tar $(du -m "$out/base.tar" | cut -f1) MB, runtime $(du -sm "$root/opt/java" | cut -f1) MB, modules $modules"
