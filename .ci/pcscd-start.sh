#!/usr/bin/env bash
# Start pcscd (with the vsmartcard vpcd virtual readers) for the PC/SC tests on a CI machine without
# systemd. Run as root after `apt-get install pcscd libpcsclite-dev vsmartcard-vpcd`.
# Idempotent: does nothing when a pcscd is already running.
#   PCSCD_LOG      pcscd's log            (default /tmp/guardpost-pcscd.log)
#   PCSCD_PIDFILE  the PID of the pcscd   (default /tmp/guardpost-pcscd.pid; tests/pcscd_fixture.py reads it)
# Never --auto-exit: it quits after 60 s idle. Stop it with: kill "$(cat "$PCSCD_PIDFILE")"
set -euo pipefail

log=${PCSCD_LOG:-/tmp/guardpost-pcscd.log}
pidfile=${PCSCD_PIDFILE:-/tmp/guardpost-pcscd.pid}
socket=/run/pcscd/pcscd.comm
pcscd=$(command -v pcscd || echo /usr/sbin/pcscd)

running_pid() {
    local pid
    for f in "$pidfile" /run/pcscd/pcscd.pid; do
        [[ -r $f ]] || continue
        pid=$(head -n1 "$f" 2>/dev/null || true)
        if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
            && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == pcscd ]]; then
            echo "$pid"
            return 0
        fi
    done
    # started some other way (no PID file we know); pgrep (procps) may be missing on slim images
    command -v pgrep >/dev/null && pgrep -x pcscd | head -n1 | grep .
}

if pid=$(running_pid); then
    echo "pcscd already running (pid $pid)"
    [[ -S $socket ]] || echo "warning: $socket missing" >&2
    exit 0
fi

mkdir -p /run/pcscd
rm -f "$socket"  # stale, from a pcscd that was killed: no pcscd is running
nohup "$pcscd" --foreground --info >"$log" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pidfile"

for _ in $(seq 100); do  # 10 s
    if [[ -S $socket ]]; then
        echo "pcscd started (pid $pid, log $log)"
        exit 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "pcscd exited early; log:" >&2
        cat "$log" >&2
        exit 1
    fi
    sleep 0.1
done
echo "pcscd socket $socket did not appear within 10 s; log:" >&2
cat "$log" >&2
exit 1
