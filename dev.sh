#!/usr/bin/env bash
# Talus developer entry point: sets up everything a fresh Debian/Ubuntu machine needs, then
#   bash dev.sh run  [talus args]   launches the viewer on the bundled meshes and technique library
#   bash dev.sh test [pytest args]  runs the full test suite (under Xvfb, started by pytest-xvfb)
# Steps: system packages for Qt + VTK (apt, only when missing) -> Python >= 3.11 -> .venv -> pip install.
# Relative paths in the arguments of `run` resolve against the folder you run it from (it never changes
# folder); the arguments of `test` are relative to the repository.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VENV="$ROOT/.venv"

APT_PACKAGES=(xvfb xauth libgl1 libglx-mesa0 libgl1-mesa-dri libegl1 libegl-mesa0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
  libxcb-randr0 libxcb-xkb1 libxcb-xfixes0 libxcb-sync1 libxcb-shm0 libxcb-glx0 libx11-xcb1 libxrender1
  libxext6 libdbus-1-3 libfontconfig1 fonts-dejavu-core)

say() { printf 'talus setup: %s\n' "$*" >&2; }

apt_install() {  # apt_install PKG... : install with root or passwordless sudo, else explain and stop
  local runner=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then runner=(sudo -n); else
      say "missing system packages: $*"
      say "run as root:  apt-get update && apt-get install -y --no-install-recommends $*"
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    say "missing system packages: $* -- this is not a Debian/Ubuntu system (no apt-get); install their equivalents by hand"
    exit 1
  fi
  say "installing system packages: $*"
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${runner[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

PY=""
for cand in python3.13 python3.12 python3.11 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    PY=$(command -v "$cand"); break
  fi
done
if [ -z "$PY" ]; then apt_install python3.11 python3.11-venv; PY=$(command -v python3.11); fi
if ! "$PY" -c 'import venv, ensurepip' 2>/dev/null; then
  v=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  apt_install "python${v}-venv"
fi

if [ ! -x "$VENV/bin/python" ]; then
  say "creating $VENV with $PY"
  "$PY" -m venv "$VENV"
fi
stamp="$VENV/.talus-installed"
want=$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ] || ! (cd / && "$VENV/bin/python" -c 'import app, pytest') 2>/dev/null; then
  say "installing Python packages into $VENV (first time: a few minutes, about 1.4 GB)"
  log="$VENV/install.log"
  if ! { "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip &&
         "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT[test]"; } >"$log" 2>&1; then
    cat "$log" >&2
    say "installing the Python packages failed (full log above and in $log)"
    exit 1
  fi
  echo "$want" > "$stamp"
fi

cmd=${1:-run}; shift || true
case "$cmd" in
  run)  TALUS_INVOCATION="bash $(printf '%q' "$ROOT/dev.sh") run" exec "$VENV/bin/talus" "$@" ;;
  # every core, up to 4 (pytest-xdist; each worker starts its own Xvfb); `-n 0` runs in one process
  test) cd "$ROOT" && exec "$VENV/bin/python" -m pytest -n auto --maxprocesses 4 "$@" ;;
  *)    say "usage: bash dev.sh run [talus args] | bash dev.sh test [pytest args]"; exit 2 ;;
esac
