#!/usr/bin/env bash
# Article page benchmark: Lede (demo data, page cache, view counting on)
# against nginx serving the same article's HTML as a static file, on the same
# machine, loaded by the same wrk over loopback in alternating runs.
#
#   bench/article.sh [ARTICLE_PATH]
#
# ARTICLE_PATH defaults to the first article linked from /fr/. Settings, from
# the environment (defaults in brackets):
#   ROUNDS       [3]   measured runs per server, alternating nginx, lede(, bare)
#   DURATION     [10]  seconds per run
#   WARMUP       [3]   seconds of unmeasured load per server before the rounds
#   CONNECTIONS  [64]  wrk -c
#   THREADS      [1]   wrk -t
#   ENCODING     [identity]  identity: no Accept-Encoding; gzip: both servers
#                      send the same precompressed gzip bytes (nginx gzip_static)
#   BARE         [1]   also run bench/bare, a bare net/http server writing the
#                      same precomputed bytes, body and Lede's headers: the
#                      ceiling for a Go server; plain: body with Content-Type
#                      and Content-Length only; 0: not run
#   KEEP         [0]   1: keep the temporary folder (logs, wrk output)
#   STRICT       [0]   1: exit 1 when a target is missed
#   QUIET_WAIT   [60]  seconds to wait, before each round, for other programs
#                      to leave the CPUs alone (each run reports their share)
# Targets: Lede >= 0.4 x nginx's requests/s, Lede p99 < 20 ms.
# It installs nginx-light and wrk with apt-get when they are missing (as root).
# Every process it starts is stopped on exit. Details: docs/benchmarks.md.
set -euo pipefail

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
ENCODING=${ENCODING:-identity}
BARE=${BARE:-1}
KEEP=${KEEP:-0}
QUIET_WAIT=${QUIET_WAIT:-60}
STRICT=${STRICT:-0}
TARGET_RATIO=0.4
TARGET_P99_MS=20
UA="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"

cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin:/usr/sbin:/sbin"

say() { printf '%s\n' "bench: $*" >&2; }
die() { say "$*"; exit 1; }

case "$ENCODING" in identity | gzip) ;; *) die "ENCODING must be identity or gzip" ;; esac
case "$BARE" in 0 | 1 | plain) ;; *) die "BARE must be 1, plain or 0" ;; esac
for v in ROUNDS DURATION WARMUP CONNECTIONS THREADS; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number"
done
((ROUNDS >= 1 && DURATION >= 1 && CONNECTIONS >= THREADS)) || die "need ROUNDS>=1, DURATION>=1, CONNECTIONS>=THREADS"

# --- tools -------------------------------------------------------------------
missing=()
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing ${missing[*]}: install them (Debian: apt-get install ${missing[*]})"
  fi
  say "installing ${missing[*]} with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v go >/dev/null 2>&1 || die "go not found"

# --- temporary folder and cleanup ---------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lede-bench.XXXXXX")
chmod 755 "$TMP" # nginx workers may run as another user
PIDS=()
cleanup() {
  local pid
  if [[ -n ${WRK_PID:-} ]]; then PIDS+=("$WRK_PID"); fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ $KEEP == 1 ]]; then say "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port prints a loopback TCP port nothing listens on.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port found"
}

# wait_http URL waits up to 60 s for a 200.
wait_http() {
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.5
  done
  return 1
}

# --- build and start Lede -----------------------------------------------------
say "building lede and bench/bare"
go build -o "$TMP/lede" ./cmd/lede
if [[ $BARE != 0 ]]; then go build -o "$TMP/bare" ./bench/bare; fi

LEDE_PORT=$(free_port)
LEDE="http://127.0.0.1:$LEDE_PORT"
mkdir -p "$TMP/data"
"$TMP/lede" serve --addr "127.0.0.1:$LEDE_PORT" --data "$TMP/data" --base-url "$LEDE" \
  >"$TMP/lede.log" 2>&1 &
PIDS+=($!)
wait_http "$LEDE/healthz" || { cat "$TMP/lede.log" >&2; die "lede did not answer /healthz"; }

ARTICLE=${1:-}
if [[ -z $ARTICLE ]]; then
  ARTICLE=$(curl -sf "$LEDE/fr/" | grep -o 'href="/fr/[a-z]*/[a-z0-9-]*"' |
    grep -v -E '"/fr/(tags|authors)/' | head -1 | cut -d'"' -f2 || true)
  [[ -n $ARTICLE ]] || die "no article link found on /fr/"
fi
[[ $ARTICLE =~ ^/[A-Za-z0-9/_-]+$ && $ARTICLE != *..* ]] || die "odd article path: $ARTICLE"

# The page nginx serves is Lede's page as this reader gets it.
mkdir -p "$TMP/www$(dirname "$ARTICLE")"
FILE="$TMP/www$ARTICLE"
code=$(curl -s -o "$FILE" -D "$TMP/identity.headers" -w '%{http_code}' -A "$UA" "$LEDE$ARTICLE")
[[ $code == 200 ]] || die "GET $ARTICLE answered $code"
if [[ $ENCODING == gzip ]]; then
  curl -sf -o "$FILE.gz" -D "$TMP/gzip.headers" -A "$UA" -H 'Accept-Encoding: gzip' "$LEDE$ARTICLE"
  gzip -t "$FILE.gz" || die "lede did not send gzip"
fi
chmod -R a+rX "$TMP/www"

# View counting must be on: a new reader a second later sees the count grow.
count_of() { grep -o 'data-count="[0-9]*"' | head -1 | tr -dc 0-9; }
c0=$(count_of <"$FILE")
sleep 1.2
c1=$(curl -sf -A "$UA bench-check" "$LEDE$ARTICLE" | count_of)
if [[ -n $c0 && -n $c1 && $c1 -gt $c0 ]]; then
  say "view counting on: count $c0 -> $c1 after a new reader"
else
  say "WARNING: view count did not grow ($c0 -> $c1)"
fi

# --- nginx --------------------------------------------------------------------
NGINX_PORT=$(free_port)
NGINX="http://127.0.0.1:$NGINX_PORT"
mkdir -p "$TMP/nginx/tmp"
gzip_static=off
if [[ $ENCODING == gzip ]]; then gzip_static=on; fi
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 120s;
    keepalive_requests 100000000; # Lede keeps connections open: so does nginx
    types { }
    default_type text/html;
    charset utf-8;
    gzip off;
    gzip_static $gzip_static;
    client_body_temp_path $TMP/nginx/tmp/body;
    proxy_temp_path $TMP/nginx/tmp/proxy;
    fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
    uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
    scgi_temp_path $TMP/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $TMP/www;
    }
}
EOF
nginx -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" -t -q ||
  die "nginx configuration refused"
nginx -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" &
PIDS+=($!)
wait_http "$NGINX$ARTICLE" || { cat "$TMP/nginx/error.log" >&2; die "nginx did not serve $ARTICLE"; }

SERVERS=(nginx lede)
declare -A URL=([nginx]="$NGINX$ARTICLE" [lede]="$LEDE$ARTICLE")
if [[ $BARE != 0 ]]; then
  BARE_PORT=$(free_port)
  bare_args=(-addr "127.0.0.1:$BARE_PORT" -file "$FILE")
  if [[ $ENCODING == gzip ]]; then bare_args=(-addr "127.0.0.1:$BARE_PORT" -file "$FILE.gz"); fi
  if [[ $BARE != plain ]]; then bare_args+=(-header "$TMP/$ENCODING.headers"); fi
  "$TMP/bare" "${bare_args[@]}" >"$TMP/bare.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$BARE_PORT/" || die "bare did not answer"
  SERVERS+=(bare)
  URL[bare]="http://127.0.0.1:$BARE_PORT$ARTICLE"
fi

# Same request to every server; the answers must match in status and size.
HDR=(-H "User-Agent: $UA")
if [[ $ENCODING == gzip ]]; then HDR+=(-H "Accept-Encoding: gzip"); fi
for s in "${SERVERS[@]}"; do
  read -r code hsize size ctype < <(curl -s -o /dev/null "${HDR[@]}" \
    -w '%{http_code} %{size_header} %{size_download} %{content_type}\n' "${URL[$s]}")
  say "$(printf '%-5s %s  header %s + body %s bytes  %s' "$s" "$code" "$hsize" "$size" "$ctype")"
  [[ $code == 200 ]] || die "$s answered $code"
done

# --- load ---------------------------------------------------------------------
CLK_TCK=$(getconf CLK_TCK)
NPROC=$(nproc)

# to_ms converts a wrk latency (123.45us, 1.23ms, 1.02s, 2m) to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : -1
    if (f < 0) { print "NaN"; exit 1 }
    printf "%.2f", n * f }'
}

# cpu_snapshot prints "pid ticks" for every process that is neither a kernel
# thread nor this script, one of its servers or their descendants; ticks
# include reaped children, so short-lived programs are seen too.
cpu_snapshot() {
  local ours=" $$ ${PIDS[*]} "
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } |
    awk -v ours="$ours" '{
      s = $0; sub(/^.*\) /, "", s); split(s, a, " ")   # a[2] = ppid, a[12..15] = times
      pid = $1 + 0; pp[pid] = a[2] + 0; t[pid] = a[12] + a[13] + a[14] + a[15]
    } END {
      n = split(ours, o, " "); for (i = 1; i <= n; i++) mine[o[i] + 0] = 1
      do { more = 0; for (p in pp) if (!(p in mine) && (pp[p] in mine)) { mine[p] = 1; more = 1 } } while (more)
      for (p in pp) if (!(p in mine) && p != 2 && pp[p] != 2) print p, t[p]
    }'
}

# others_pct BEFORE AFTER SECONDS: share of all CPUs that other programs used
# between two snapshots, in percent.
others_pct() {
  awk -v secs="$3" -v hz="$CLK_TCK" -v ncpu="$NPROC" '
    FNR == NR { before[$1] = $2; next }
    { d += $2 - (($1 in before) ? before[$1] : 0) }
    END { p = 100 * d / (secs * hz * ncpu); printf "%.0f", (p > 100) ? 100 : p }' <(echo "$1") <(echo "$2")
}

# run SERVER SECONDS OUT: one wrk run; sets RUN_RPS, RUN_P99 (ms) and
# RUN_OTHERS (% of the CPUs other programs used meanwhile). wrk runs in the
# background so that a signal stops the script at once.
WRK_PID=
run() {
  local out=$3 before after t0 t1 rps p99
  before=$(cpu_snapshot)
  t0=$(date +%s.%N)
  timeout $(($2 + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --latency --timeout 5s \
    "${HDR[@]}" "${URL[$1]}" >"$out" 2>&1 &
  WRK_PID=$!
  wait "$WRK_PID" || { cat "$out" >&2; die "wrk failed against $1"; }
  WRK_PID=
  t1=$(date +%s.%N)
  after=$(cpu_snapshot)
  if grep -q -E 'Non-2xx|Socket errors' "$out"; then
    say "WARNING: $1: $(grep -E 'Non-2xx|Socket errors' "$out" | tr -s ' ' | tr '\n' ' ')"
  fi
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p99=$(awk '$1 == "99%" {print $2}' "$out")
  [[ -n $rps && -n $p99 ]] || { cat "$out" >&2; die "cannot read wrk output"; }
  RUN_RPS=$rps
  RUN_P99=$(to_ms "$p99")
  RUN_OTHERS=$(others_pct "$before" "$after" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
}

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# wait_quiet waits, up to QUIET_WAIT seconds, until other programs leave the
# CPUs alone (under 5% for 5 s), so the next round is not disturbed.
wait_quiet() {
  local start=$SECONDS quiet=0 told=0 a b pct
  while ((SECONDS - start < QUIET_WAIT)); do
    a=$(cpu_snapshot)
    sleep 1
    b=$(cpu_snapshot)
    pct=$(others_pct "$a" "$b" 1)
    if ((pct < 5)); then
      quiet=$((quiet + 1))
      if ((quiet >= 5)); then return 0; fi
    else
      quiet=0
      if ((!told)); then
        say "other programs use ${pct}% of the CPUs: waiting up to ${QUIET_WAIT}s for them"
        told=1
      fi
    fi
  done
  say "WARNING: still busy after ${QUIET_WAIT}s: going on"
}

total=$((${#SERVERS[@]} * (WARMUP + ROUNDS * DURATION)))
say "article $ARTICLE, encoding $ENCODING, wrk -t$THREADS -c$CONNECTIONS, $ROUNDS x ${DURATION}s per server, about ${total}s of load"
if ((WARMUP > 0)); then
  for s in "${SERVERS[@]}"; do run "$s" "$WARMUP" "$TMP/warmup-$s.txt"; done
fi

declare -A RPS P99 OTH MED_P99
declare -a RATIO BRATIO
DISTURBED=0
for r in $(seq 1 "$ROUNDS"); do
  wait_quiet
  for s in "${SERVERS[@]}"; do
    run "$s" "$DURATION" "$TMP/run$r-$s.txt"
    RPS[$s,$r]=$RUN_RPS
    P99[$s,$r]=$RUN_P99
    OTH[$s,$r]=$RUN_OTHERS
    mark=""
    if ((RUN_OTHERS >= 5)); then
      mark="  <- other programs used ${RUN_OTHERS}% of the CPUs"
      DISTURBED=$((DISTURBED + 1))
    fi
    say "round $r $(printf '%-5s %10.0f req/s  p99 %7.2f ms' "$s" "$RUN_RPS" "$RUN_P99")$mark"
  done
done

# --- report -------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
CPU_MODEL=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
echo
echo "Article page $ARTICLE ($ENCODING), wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $(date -u +%Y-%m-%d)"
echo "$NPROC cores, $CPU_MODEL; wrk, nginx and lede share them"
echo
printf '| round |'
for s in "${SERVERS[@]}"; do printf ' %s req/s | %s p99 ms |' "$s" "$s"; done
printf ' lede/nginx |'
if [[ $BARE != 0 ]]; then printf ' bare/nginx |'; fi
printf ' others CPU %% |\n'
printf '|---|'
for _ in "${SERVERS[@]}"; do printf -- '---:|---:|'; done
printf -- '---:|'
if [[ $BARE != 0 ]]; then printf -- '---:|'; fi
printf -- '---:|\n'
for r in $(seq 1 "$ROUNDS"); do
  printf '| %s |' "$r"
  worst=0
  for s in "${SERVERS[@]}"; do
    printf ' %.0f | %.2f |' "${RPS[$s,$r]}" "${P99[$s,$r]}"
    if ((OTH[$s,$r] > worst)); then worst=${OTH[$s,$r]}; fi
  done
  RATIO[r]=$(ratio "${RPS[lede,$r]}" "${RPS[nginx,$r]}")
  printf ' %s |' "${RATIO[r]}"
  if [[ $BARE != 0 ]]; then
    BRATIO[r]=$(ratio "${RPS[bare,$r]}" "${RPS[nginx,$r]}")
    printf ' %s |' "${BRATIO[r]}"
  fi
  printf ' %s |\n' "$worst"
done
printf '| median |'
for s in "${SERVERS[@]}"; do
  m_rps=$(for r in $(seq 1 "$ROUNDS"); do echo "${RPS[$s,$r]}"; done | median)
  m_p99=$(for r in $(seq 1 "$ROUNDS"); do echo "${P99[$s,$r]}"; done | median)
  MED_P99[$s]=$m_p99
  printf ' %.0f | %.2f |' "$m_rps" "$m_p99"
done
med_ratio=$(printf '%s\n' "${RATIO[@]}" | median)
printf ' %.3f |' "$med_ratio"
if [[ $BARE != 0 ]]; then printf ' %.3f |' "$(printf '%s\n' "${BRATIO[@]}" | median)"; fi
printf '  |\n\n'

ok_ratio=$(awk -v r="$med_ratio" -v t="$TARGET_RATIO" 'BEGIN {print (r >= t) ? "met" : "MISSED"}')
ok_p99=$(awk -v p="${MED_P99[lede]}" -v t="$TARGET_P99_MS" 'BEGIN {print (p < t) ? "met" : "MISSED"}')
printf 'lede/nginx requests/s, median of the paired rounds: %.3f (target >= %s: %s)\n' "$med_ratio" "$TARGET_RATIO" "$ok_ratio"
printf 'p99, median: lede %.2f ms, nginx %.2f ms (target lede < %s ms: %s)\n' \
  "${MED_P99[lede]}" "${MED_P99[nginx]}" "$TARGET_P99_MS" "$ok_p99"
if [[ $BARE != 0 ]]; then
  printf 'lede/bare requests/s (bare: net/http writing the same bytes%s): %.3f\n' \
    "$([[ $BARE == plain ]] && echo ", fewer headers")" \
    "$(for r in $(seq 1 "$ROUNDS"); do ratio "${RPS[lede,$r]}" "${RPS[bare,$r]}"; echo; done | median)"
fi
if ((DISTURBED > 0)); then
  echo "NOTE: other programs used 5% or more of the CPUs during $DISTURBED run(s): figures are skewed; run again on a quiet machine"
fi
if [[ $STRICT == 1 && ($ok_ratio != met || $ok_p99 != met) ]]; then exit 1; fi
