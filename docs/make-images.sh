#!/usr/bin/env bash
# Regenerate the README's pictures (docs/images/) from the committed meshes, off screen (no display).
#   bash docs/make-images.sh        (after bash dev.sh has set up .venv)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY="$ROOT/.venv/bin/python"
OUT="$ROOT/docs/images"
cd "$ROOT"
for view in lateral medial dorsal plantar; do
  "$PY" -m app still -o "$OUT/$view.png" --view "$view"
done
"$PY" -m app still -o "$OUT/traction-hold.png" --view medial --technique talocrural-traction --frame 190 --tissues ankle
"$PY" -m app still -o "$OUT/ankle-posterior.png" --view posterior --focus talus,calcaneus,tibia,fibula --size 1000x800
"$PY" -m app still -o "$OUT/hindfoot-medial.png" --view medial --focus talus,calcaneus,navicular --size 1000x700
"$PY" -m app atlas -o "$OUT/atlas.png"
