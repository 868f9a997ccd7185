#!/usr/bin/env bash
# "Viral article" benchmark: three Lede nodes on one PostgreSQL database.
#
#   bench/viral.sh
#
# 1. Cold burst: BURST (1000) concurrent requests for one article, each from
#    a reader of its own, sent to each node in turn right after it started:
#    the page cache's render counter (/healthz?stats) must show one render
#    per node.
# 2. Reference: LOAD_REF seconds of load across the three nodes (bench/viral
#    load: every request a new reader, nodes in turn).
# 3. Kill: LOAD seconds of the same load; KILL_AT seconds in, node 2 gets
#    SIGKILL and is started again at once. Failed requests are counted (a
#    request refused at connect is moved to another node, as a balancer
#    would); views sent (answers 200, each from a new reader) are compared
#    with the views PostgreSQL holds after the run.
#
# Settings, from the environment (defaults in brackets):
#   PG           [postgres://postgres@127.0.0.1:5432]  server; a database
#                lede_viral_<pid> is created on it and dropped on exit
#   BURST [1000]  LOAD_REF [10]  LOAD [30]  KILL_AT [10]  CONNECTIONS [48]
#   KEEP  [0]     1: keep the temporary folder (logs)
# Every process it starts is stopped on exit. Details: docs/benchmarks.md.
set -euo pipefail

PG=${PG:-postgres://postgres@127.0.0.1:5432}
BURST=${BURST:-1000}
LOAD_REF=${LOAD_REF:-10}
LOAD=${LOAD:-30}
KILL_AT=${KILL_AT:-10}
CONNECTIONS=${CONNECTIONS:-48}
KEEP=${KEEP:-0}
for v in BURST LOAD_REF LOAD KILL_AT CONNECTIONS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || { echo "bench: $v must be a whole number" >&2; exit 1; }
done
((KILL_AT < LOAD)) || { echo "bench: KILL_AT must be less than LOAD" >&2; exit 1; }

cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"
say() { printf '%s\n' "bench: $*" >&2; }
die() { say "$*"; exit 1; }
for c in go curl psql; do command -v $c >/dev/null 2>&1 || die "$c not found"; done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lede-viral.XXXXXX")
DBNAME="lede_viral_$$"
declare -A PID
LOADER=
cleanup() {
  local p
  [[ -n $LOADER ]] && kill "$LOADER" 2>/dev/null || true
  for p in "${PID[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PID[@]}"; do wait "$p" 2>/dev/null || true; done
  psql "$PG/postgres" -qtAc "DROP DATABASE IF EXISTS $DBNAME" >/dev/null 2>&1 || say "could not drop database $DBNAME"
  if [[ $KEEP == 1 ]]; then say "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  die "no free port found"
}
wait_http() {
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.25
  done
  return 1
}

say "building lede and bench/viral"
go build -o "$TMP/lede" ./cmd/lede
go build -o "$TMP/viral" ./bench/viral
psql "$PG/postgres" -qtAc "CREATE DATABASE $DBNAME" >/dev/null || die "cannot create database $DBNAME on $PG"
DSN="$PG/$DBNAME?sslmode=disable"

declare -A PORT URL
start_node() { # start_node N: start node N (again) and wait for it
  local n=$1
  "$TMP/lede" serve --db "$DSN" --addr "127.0.0.1:${PORT[$n]}" --data "$TMP/node$n" \
    --base-url "http://127.0.0.1:${PORT[$n]}" >>"$TMP/node$n.log" 2>&1 &
  PID[$n]=$!
}
for n in 1 2 3; do
  PORT[$n]=$(free_port)
  URL[$n]="http://127.0.0.1:${PORT[$n]}"
  start_node "$n"
done
for n in 1 2 3; do
  wait_http "${URL[$n]}/healthz" || { cat "$TMP/node$n.log" >&2; die "node $n did not answer /healthz"; }
done
say "three nodes up on ports ${PORT[1]} ${PORT[2]} ${PORT[3]}, database $DBNAME"

# The article: the first linked from node 1's home page.
ARTICLE=$(curl -sf "${URL[1]}/fr/" | grep -o 'href="/fr/[a-z]*/[a-z0-9-]*"' |
  grep -v -E '"/fr/(tags|authors)/' | head -1 | cut -d'"' -f2 || true)
[[ -n $ARTICLE ]] || die "no article link on /fr/"
SLUG=${ARTICLE##*/}
stat_of() { curl -sf "$1/healthz?stats=1" | awk -v k="$2" '$1 == k {print $2}'; }
views_stored() {
  psql "$DSN" -qtAc "SELECT COALESCE((SELECT t.n FROM view_totals t JOIN articles a ON a.id = t.article_id
    WHERE a.slug = '$SLUG'), 0)"
}
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
echo "Viral article $ARTICLE, three nodes and PostgreSQL $(psql "$DSN" -qtAc 'SHOW server_version') on one machine, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "$(nproc) cores ($CPU_MODEL), shared by the nodes, PostgreSQL, the load generator and other programs (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo

# --- 1. cold burst ------------------------------------------------------------
echo "1. Cold burst: $BURST concurrent requests per node, each from a new reader"
bad=0
vb=$(views_stored) # the demo content comes with counts
for n in 1 2 3; do
  r0=$(stat_of "${URL[$n]}" renders)
  "$TMP/viral" burst -n "$BURST" -tag "burst$n" "${URL[$n]}$ARTICLE" || bad=1
  r1=$(stat_of "${URL[$n]}" renders)
  echo "   node $n: renders $r0 -> $r1 ($((r1 - r0)) for $BURST requests)"
  ((r1 - r0 == 1)) || bad=1
done
sleep 2.5 # a flush a second
v0=$(views_stored)
echo "   views stored by the bursts: $((v0 - vb)) (want $((3 * BURST)))"
((v0 - vb == 3 * BURST)) || bad=1
echo

# --- 2. reference ---------------------------------------------------------------
echo "2. Reference: ${LOAD_REF}s of load across the three nodes, $CONNECTIONS connections, every request a new reader"
"$TMP/viral" load -tag ref -c "$CONNECTIONS" -d "${LOAD_REF}s" "${URL[1]}$ARTICLE" "${URL[2]}$ARTICLE" "${URL[3]}$ARTICLE" >"$TMP/ref.txt"
sed 's/^/   /' "$TMP/ref.txt" | grep -v views_sent
ref_sent=$(awk '$1 == "views_sent" {print $2}' "$TMP/ref.txt")
sleep 2.5
v1=$(views_stored)
echo "   views: sent $ref_sent, stored $((v1 - v0))"
echo

# --- 3. kill and restart -----------------------------------------------------------
echo "3. ${LOAD}s of the same load; node 2 killed (SIGKILL) at ${KILL_AT}s and started again at once"
"$TMP/viral" load -tag kill -c "$CONNECTIONS" -d "${LOAD}s" -out "$TMP/persec.txt" \
  "${URL[1]}$ARTICLE" "${URL[2]}$ARTICLE" "${URL[3]}$ARTICLE" >"$TMP/kill.txt" &
LOADER=$!
sleep "$KILL_AT"
kill -9 "${PID[2]}"
wait "${PID[2]}" 2>/dev/null || true
t_kill=$(date +%s.%N)
start_node 2
wait_http "${URL[2]}/healthz" || die "node 2 did not come back"
t_up=$(date +%s.%N)
wait "$LOADER"
LOADER=
sed 's/^/   /' "$TMP/kill.txt" | grep -v views_sent
sent=$(awk '$1 == "views_sent" {print $2}' "$TMP/kill.txt")
failed=$(awk '$1 == "total:" {for (i = 1; i <= NF; i++) if ($i == "failed,") print $(i - 1)}' "$TMP/kill.txt")
sleep 2.5
v2=$(views_stored)
stored=$((v2 - v1))
lost=$((sent - stored))
persec2=$(awk -v k="$KILL_AT" '{t = $1 + 0; if (t > 1 && t <= k) {s += $5 + 0; c++}} END {if (c) printf "%.0f", s / c; else print 0}' "$TMP/persec.txt")
echo "   node 2 back in $(awk -v a="$t_kill" -v b="$t_up" 'BEGIN {printf "%.2f", b - a}') s; its renders since: $(stat_of "${URL[2]}" renders)"
echo "   per second (answers 200):"
sed 's/^/     /' "$TMP/persec.txt"
echo "   views: sent $sent, stored $stored, lost $lost (node 2 answered about $persec2 a second before the kill)"
ratio=$(awk -v a="$(awk '$1 == "total:" {print $7}' "$TMP/kill.txt" | tr -dc '0-9.')" \
  -v b="$(awk '$1 == "total:" {print $7}' "$TMP/ref.txt" | tr -dc '0-9.')" 'BEGIN {if (b > 0) printf "%.2f", a / b}')
echo "   requests/s with the kill / reference: $ratio"
echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
((lost >= 0 && lost <= persec2)) || { echo "   views lost beyond node 2's last second"; bad=1; }
if ((bad)); then
  echo "SOME CHECKS FAILED"
  exit 1
fi
echo "all checks passed: one render per node per cold burst, failed requests $failed, views lost $lost <= node 2's last second ($persec2)"
