#!/usr/bin/env bash
# dinamika's two entry points. Each creates the environment in .venv when it is absent.
#   ./run.sh report [ARGS...]   the main job: the term report on the bundled example (or ARGS)
#   ./run.sh test   [PYTEST ARGS...]   ruff, mypy and the whole test suite (what CI runs)
#   ./run.sh app    [ARGS...]   the no-code page in the browser (dinamika app)
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY="$VENV/bin/python"

find_python() {
  for cand in python3.13 python3.12 python3.11 python3; do
    if command -v "$cand" >/dev/null 2>&1 &&
      "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$cand"; return 0
    fi
  done
  echo "run.sh: Python 3.11 or newer is needed (Debian: apt-get install python3 python3-venv)" >&2
  return 1
}

apt_install() {  # best effort: only as root, only when apt is there
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "run.sh: installing Debian packages: $*" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") >/dev/null 2>&1 ||
      echo "run.sh: could not install $* (continuing)" >&2
  fi
}

ensure_venv() {  # $1: pip extras spec, e.g. "" or "[test]"
  local extras="$1" stamp="$VENV/.dinamika-installed$1"
  local want
  want=$(sha256sum pyproject.toml | cut -c1-16)
  if [ ! -x "$PY" ]; then
    local python
    python=$(find_python)
    if ! "$python" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      apt_install python3-venv
      "$python" -m venv "$VENV"
    fi
  fi
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "run.sh: installing dinamika$extras into $VENV (first run takes about a minute)" >&2
    "$PY" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
    "$PY" -m pip install -q --disable-pip-version-check -e ".$extras" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
    "$PY" -c 'import dinamika' || { echo "run.sh: installation failed" >&2; exit 1; }
    echo "$want" >"$stamp"
  fi
}

cmd="${1:-report}"
[ $# -gt 0 ] && shift
case "$cmd" in
  report)
    ensure_venv ""
    "$VENV/bin/dinamika" report "$@"
    echo "Tanpa terminal / without a terminal: ./run.sh app  (halaman di peramban / a page in the browser)" >&2
    ;;
  app)
    ensure_venv ""
    exec "$VENV/bin/dinamika" app "$@"
    ;;
  test)
    ensure_venv "[test]"
    command -v chromium >/dev/null 2>&1 || apt_install chromium
    command -v pdftoppm >/dev/null 2>&1 || apt_install poppler-utils
    echo "== ruff" && "$VENV/bin/ruff" check src tests benchmarks
    echo "== mypy" && "$VENV/bin/mypy"
    # Results must not depend on how many threads BLAS uses: the whole suite runs with one BLAS
    # thread, then the numerical tests (no kernel, no browser) again with two.
    echo "== pytest (OPENBLAS_NUM_THREADS=1)"
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 "$VENV/bin/pytest" -n 2 "$@"
    echo "== pytest, numerical tests again (OPENBLAS_NUM_THREADS=2)"
    OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 exec "$VENV/bin/pytest" -n 2 -q \
      -m "not browser and not kernel and not slow" "$@"
    ;;
  *)
    echo "usage: ./run.sh report [ARGS...] | ./run.sh test [PYTEST ARGS...] | ./run.sh app [ARGS...]" >&2
    exit 2
    ;;
esac
