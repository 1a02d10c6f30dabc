#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser test of the HTML report when it can: already
# installed, or installed with apt-get when running as root. Never fails: without it the test is
# skipped with a message (and fails in CI, where .ci/run installs it).
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Chromium for the HTML report's browser test (apt-get install -y chromium)..."
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; then
        exit 0
    fi
fi
echo "NOTE: no Chromium could be installed; the browser test of the HTML report will be skipped."
exit 0
