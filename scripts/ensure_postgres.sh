#!/usr/bin/env bash
# Makes a PostgreSQL server available for the tests when it can: already installed, or installed
# from Debian's packages when running as root. Never fails: without a server the Postgres tests
# are skipped with a message saying why.
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the PostgreSQL server for the Postgres tests (apt-get install -y postgresql)..."
    if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1; then
        exit 0
    fi
fi
echo "NOTE: no PostgreSQL server could be installed; the Postgres tests will be skipped."
exit 0
