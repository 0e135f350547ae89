#!/usr/bin/env bash
# Starts a throwaway PostgreSQL (Debian's packages) on loopback for the PostgreSQL test run and
# prints its URL. Used by .ci/run; needs root and apt-get. Prints nothing when it cannot.
set -uo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || exit 0
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/dramalens-pg.XXXXXX)
chown postgres "$dir"
# A free loopback port, so a server left from an earlier run cannot collide with this one.
port=${DRAMALENS_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
su postgres -c "$bin/initdb -D $dir/data -A trust -U postgres" >/dev/null 2>&1 || exit 0
su postgres -c "$bin/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1' -l $dir/log -w start" >/dev/null 2>&1 || exit 0
su postgres -c "$bin/createdb -h 127.0.0.1 -p $port -U postgres dramalens_test" >/dev/null 2>&1 || exit 0
echo "postgresql://postgres@127.0.0.1:$port/dramalens_test"
