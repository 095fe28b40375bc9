# What the shell tests of tests/net share (sourced): a work folder removed at exit, the checks and their
# count, and a local HTTP peer (http_peer.py) on 127.0.0.1, stopped at exit.
# Before sourcing: `here` (this folder) and `name` (the test's name, for the work folder).
work="$(mktemp -d "${TMPDIR:-/tmp}/crm-$name-test.XXXXXX")"
peer_pid=""
stop_peer() { if [ -n "$peer_pid" ]; then exec 3>&-; wait "$peer_pid" 2>/dev/null; peer_pid=""; fi; }
trap 'stop_peer; rm -rf "$work"' EXIT
failures=0
pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; failures=$((failures + 1)); }
contains() { case "$2" in *"$3"*) pass "$1" ;; *) fail "$1: expected '$3' in: $2" ;; esac; }
lacks() { case "$2" in *"$3"*) fail "$1: '$3' found in: $2" ;; *) pass "$1" ;; esac; }

# start_peer [SCRIPT]: the peer records requests in $work/peer.jsonl and answers as SCRIPT says (200s
# without one); its stdin is fd 3 (closing it stops the peer); its port, in $port, is read within 30 s.
start_peer() { start_python_peer "$here/http_peer.py" "$work/peer.jsonl" ${1:+--script "$1"}; }

# start_python_peer PEER.py ARGS...: any python peer that prints its port first and exits when its stdin
# closes (http_peer.py, erp_standin.py), started and stopped the same way.
start_python_peer() {
  mkfifo "$work/in"
  /usr/bin/python3 "$@" <"$work/in" >"$work/port" &
  peer_pid=$!
  exec 3>"$work/in"
  port=""
  for _ in $(seq 1 150); do
    port="$(head -1 "$work/port" 2>/dev/null)"
    [ -n "$port" ] && break
    sleep 0.2
  done
  [ -n "$port" ] || { fail "the peer $(basename "$1") started"; exit 1; }
}

# finish: the checks' verdict as the exit status.
finish() {
  stop_peer
  [ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
  echo "all checks passed"
}
