# Sourced by the other scripts: make .venv and install the project's dependencies
# when pyproject.toml has changed since the last install. EXTRAS=dev (set by the
# test command) adds the test tools; the site itself needs none of them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
EXTRAS=${EXTRAS:-}
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
target="."
[ -n "$EXTRAS" ] && target=".[$EXTRAS]"
stamp=.venv/.installed-$(cat pyproject.toml <(echo "$EXTRAS") | sha256sum | cut -c1-16)
# An install with the test tools also serves the site: keep it.
dev_stamp=.venv/.installed-$(cat pyproject.toml <(echo dev) | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ] && [ ! -f "$dev_stamp" ]; then
  echo "==> installing dependencies (pyproject.toml${EXTRAS:+, extras: $EXTRAS})"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e "$target"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
