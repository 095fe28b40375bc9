#!/usr/bin/env bash
# Installs what is missing (Debian packages, npm registry only) and fetches third-party
# sources into git-ignored folders. Idempotent; quiet when everything is present.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
. "$ROOT/scripts/versions.env"
TP="$ROOT/third_party"
log() { echo "[setup] $*"; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

APT_PKGS=(emscripten nlohmann-json3-dev doctest-dev libglfw3-dev cmake ninja-build g++ make
  chromium xvfb xdotool imagemagick python3 python3-fonttools fonts-wqy-microhei fonts-dejavu-core tzdata
  dpkg-dev libgl1-mesa-dri clang libclang-rt-14-dev nodejs npm stress-ng
  libcurl4-openssl-dev libcpp-httplib-dev python3-aiosmtpd openssl pkgconf curl)

missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere on the machine; only install Debian's when absent.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
APT_UPDATED=0
apt_update() { [ $APT_UPDATED = 1 ] || { $SUDO apt-get update -qq >/dev/null; APT_UPDATED=1; }; }
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt_update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$TP"

# Third-party sources come from Debian's source packages: deb-src lines are added when missing.
deb_src_ready() {
  if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null; then
    printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' | $SUDO tee /etc/apt/sources.list.d/crm-deb-src.sources >/dev/null
    APT_UPDATED=0
  fi
  apt_update
}

# Dear ImGui source from Debian's source package (one version for both targets).
if [ ! -f "$TP/imgui/imgui.cpp" ]; then
  log "fetching Dear ImGui $IMGUI_DEB_VERSION source"
  deb_src_ready
  work="$(mktemp -d)"
  (cd "$work" && apt-get source -qq --download-only "imgui=$IMGUI_DEB_VERSION*" >/dev/null 2>&1 || apt-get source -qq --download-only imgui >/dev/null)
  tarball="$(ls "$work"/imgui_*.orig.tar.* | head -1)"
  rm -rf "$TP/imgui"; mkdir -p "$TP/imgui"
  tar -xf "$tarball" -C "$TP/imgui" --strip-components=1
  rm -rf "$work"
  grep -q "IMGUI_VERSION *\"$IMGUI_DEB_VERSION\"" "$TP/imgui/imgui.h" || { echo "[setup] unexpected ImGui version" >&2; exit 1; }
fi

# SQLite amalgamation from the better-sqlite3 npm package.
if [ ! -f "$TP/sqlite/sqlite3.c" ]; then
  log "fetching SQLite $SQLITE_VERSION amalgamation"
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "better-sqlite3@$BETTER_SQLITE3_VERSION" >/dev/null && tar -xzf better-sqlite3-*.tgz)
  mkdir -p "$TP/sqlite"
  cp "$work/package/deps/sqlite3/sqlite3.c" "$work/package/deps/sqlite3/sqlite3.h" "$TP/sqlite/"
  rm -rf "$work"
  grep -q "#define SQLITE_VERSION *\"$SQLITE_VERSION\"" "$TP/sqlite/sqlite3.h" || { echo "[setup] unexpected SQLite version" >&2; exit 1; }
fi

# libsodium (Argon2id password hashes) and utf8proc (NFC of passwords) from Debian's source
# packages, one version for both targets; CMakeLists.txt compiles only the files it needs.
if [ ! -f "$TP/libsodium/src/libsodium/crypto_pwhash/argon2/argon2.c" ]; then
  log "fetching libsodium $LIBSODIUM_DEB_VERSION source"
  deb_src_ready
  work="$(mktemp -d)"
  # Unpacked with Debian's patches applied (the security fixes of the +debNuM releases).
  (cd "$work" && apt-get source -qq "libsodium=$LIBSODIUM_DEB_VERSION" >/dev/null 2>&1)
  srcdir="$(ls -d "$work"/libsodium-*/ | head -1)"
  grep -q "AC_INIT(\[libsodium\],\[${LIBSODIUM_DEB_VERSION%%-*}\]" "$srcdir/configure.ac" || { echo "[setup] unexpected libsodium version" >&2; exit 1; }
  rm -rf "$TP/libsodium"; mkdir -p "$TP/libsodium"
  cp -r "$srcdir/src" "$srcdir/LICENSE" "$TP/libsodium/"
  rm -rf "$work"
fi
if [ ! -f "$TP/utf8proc/utf8proc.c" ]; then
  log "fetching utf8proc $UTF8PROC_DEB_VERSION source"
  deb_src_ready
  work="$(mktemp -d)"
  (cd "$work" && apt-get source -qq --download-only "utf8proc=$UTF8PROC_DEB_VERSION" >/dev/null 2>&1)
  tarball="$(ls "$work"/utf8proc_*.orig.tar.* | head -1)"
  rm -rf "$TP/utf8proc"; mkdir -p "$TP/utf8proc"
  tar -xf "$tarball" -C "$TP/utf8proc" --strip-components=1
  rm -rf "$work"
  up="${UTF8PROC_DEB_VERSION%%-*}"; rest="${up#*.}"
  grep -q "define UTF8PROC_VERSION_MAJOR ${up%%.*}\$" "$TP/utf8proc/utf8proc.h" && grep -q "define UTF8PROC_VERSION_MINOR ${rest%%.*}\$" "$TP/utf8proc/utf8proc.h" \
    || { echo "[setup] unexpected utf8proc version" >&2; exit 1; }
fi

# playwright-core for the browser tests (drives Debian's chromium; no browser download).
if [ ! -f "$TP/node/node_modules/playwright-core/package.json" ]; then
  log "installing playwright-core $PLAYWRIGHT_CORE_VERSION"
  mkdir -p "$TP/node"
  (cd "$TP/node" && [ -f package.json ] || echo '{"name":"crm-test-deps","private":true}' > package.json)
  (cd "$TP/node" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund "playwright-core@$PLAYWRIGHT_CORE_VERSION" >/dev/null)
fi
exit 0
