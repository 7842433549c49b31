#!/usr/bin/env bash
# run.sh: throughput benchmark, netsift against nDPI's ndpiReader on one
# large capture built from the nDPI corpus. See bench/README.md.
#
# Environment (all optional):
#   N=14        copies of the corpus in the capture (each with its own addresses)
#   RUNS=3      timed runs per configuration
#   CPU=0       core the single-core runs are pinned to (taskset -c)
#   CORPUS=../shared/corpus/ndpi   nDPI corpus (MANIFEST.tsv + pcap/), relative to the repository
#   OUT=bench/out                  work directory (gitignored)
#   NICE=-20    niceness of the timed runs (default -20 as root, else 0): each
#               runs in its own session whose scheduler autogroup gets this
#               nice value, so that other load on a shared machine distorts
#               wall times less (plain nice only ranks within one autogroup)
set -euo pipefail

cd "$(dirname "$0")/.."
N=${N:-14}
RUNS=${RUNS:-3}
CPU=${CPU:-0}
CORPUS=${CORPUS:-../shared/corpus/ndpi}
OUT=${OUT:-bench/out}
CAPTURE=$OUT/corpus-x$N.pcap
if [ -z "${NICE:-}" ]; then
	NICE=0
	[ "$(id -u)" = 0 ] && NICE=-20
fi

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

# need CMD PACKAGE: make sure CMD exists, installing PACKAGE when run as root.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ]; then
		log "installing $2 (for $1)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >&2 ||
			{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >&2; }
	fi
	command -v "$1" >/dev/null 2>&1 || die "$1 not found (Debian package $2)"
}

need ndpiReader libndpi-bin
need /usr/bin/time time
need taskset util-linux
need go golang-go
[ -f "$CORPUS/MANIFEST.tsv" ] || die "no corpus at $CORPUS (set CORPUS)"

mkdir -p "$OUT/bin"
log "building netsift and catpcap"
go build -o "$OUT/bin/netsift" ./cmd/netsift
go build -o "$OUT/bin/catpcap" ./bench/catpcap
NETSIFT=$OUT/bin/netsift

# ---------------------------------------------------------------- capture
# The capture is the corpus's Ethernet captures (classic pcap and pcapng;
# catpcap reads both) written N times by catpcap: copy k (0..N-1) has k
# added to the third octet of every unicast IPv4 address (fourth group for
# IPv6), checksums updated, so that copies share no flows; copies and files
# follow one another in time. tcprewrite --seed is not used: tcprewrite
# 4.4.1-4.4.4 rewrites the IP length of padded short frames to include the
# Ethernet padding (appneta/tcpreplay#844, #845), corrupting TCP streams,
# and aborts on some malformed corpus packets.
build_capture() {
	local files=() name format linktype
	while IFS=$'\t' read -r name format linktype _; do
		case "$format/$linktype" in pcap/ether | pcapng/ether) ;; *) continue ;; esac
		[ -f "$CORPUS/pcap/$name" ] && files+=("$CORPUS/pcap/$name")
	done < <(tail -n +2 "$CORPUS/MANIFEST.tsv")
	log "${#files[@]} Ethernet captures in $CORPUS"
	"$OUT/bin/catpcap" -copies "$N" -o "$CAPTURE.tmp" "${files[@]}"
	mv "$CAPTURE.tmp" "$CAPTURE"
}

if [ -s "$CAPTURE" ]; then
	log "using cached $CAPTURE (delete it to rebuild)"
else
	log "building $CAPTURE from $N copies of the corpus"
	build_capture
fi

# Reference counts. Frames and frame bytes come from the file itself (the
# writer is catpcap: 24-byte file header, 16-byte record headers); flows and
# IP totals from one untimed, non-quiet run of each tool.
log "reference runs (untimed)"
cat "$CAPTURE" >/dev/null # warm the page cache
taskset -c "$CPU" "$NETSIFT" read --eve /dev/null "$CAPTURE" 2>"$OUT/netsift-summary.txt" ||
	log "netsift exited with status $? (see $OUT/netsift-summary.txt)"
taskset -c "$CPU" ndpiReader -i "$CAPTURE" >"$OUT/ndpi-summary.txt" 2>&1 ||
	log "ndpiReader exited with status $? (see $OUT/ndpi-summary.txt)"

frames=$(awk '/^frames read/ {gsub(",", "", $3); print $3}' "$OUT/netsift-summary.txt")
read -r ns_flows ns_ip_pkts ns_ip_bytes < <(awk '$1 == "total" {print $2, $3, $4}' "$OUT/netsift-summary.txt")
nd_flows=$(awk '/Unique flows:/ {print $3}' "$OUT/ndpi-summary.txt")
read -r nd_ip_pkts nd_frames < <(awk '/IP packets:/ {print $3, $5}' "$OUT/ndpi-summary.txt")
nd_ip_bytes=$(awk '/IP bytes:/ {print $3}' "$OUT/ndpi-summary.txt")
file_size=$(stat -c %s "$CAPTURE")
frame_bytes=$((file_size - 24 - 16 * frames))

# ------------------------------------------------------------------ timing
# timed NAME CMD...: run CMD under /usr/bin/time -v, append
# "NAME wall_s rss_kb rc cpu_s" to $OUT/runs.tsv. Wall time is measured here
# (ns clock); peak RSS and CPU time (user+sys) come from time(1).
timed() {
	local name=$1
	shift
	local t0 t1 rc=0
	t0=$(date +%s%N)
	/usr/bin/time -v -o "$OUT/time.txt" setsid -w bash -c \
		'echo "$1" >/proc/self/autogroup 2>/dev/null || true; n=$1; shift; exec nice -n "$n" "$@"' _ "$NICE" "$@" \
		>/dev/null 2>"$OUT/stderr-$name.txt" || rc=$?
	t1=$(date +%s%N)
	local rss cpu
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.txt")
	cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {printf "%.2f", s}' "$OUT/time.txt")
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')" "$rss" "$rc" "$cpu" >>"$OUT/runs.tsv"
	[ "$rc" = 0 ] || log "$name exited with status $rc (see $OUT/stderr-$name.txt)"
	log "$(tail -n 1 "$OUT/runs.tsv")"
}

: >"$OUT/runs.tsv"
# Runs are interleaved so that drift (thermal, noisy neighbours) hits all
# configurations alike.
for ((i = 1; i <= RUNS; i++)); do
	log "round $i of $RUNS"
	timed netsift taskset -c "$CPU" "$NETSIFT" read -q --eve "$OUT/eve.json" "$CAPTURE"
	timed ndpiReader taskset -c "$CPU" ndpiReader -i "$CAPTURE" -q -v 0
	timed netsift-w2 "$NETSIFT" read -q --workers 2 --eve "$OUT/eve-w2.json" "$CAPTURE"
done

# ------------------------------------------------------------------ report
# On a shared machine wall time is inflated by other processes, so the table
# gives the median and the minimum wall time, and rates from the minimum (the
# run least disturbed); CPU time (user+sys, median) is the contention-robust
# cross-check. Peak RSS is the maximum over the runs.
report() {
	printf 'capture     %s (%d copies of %s Ethernet captures)\n' "$CAPTURE" "$N" "$CORPUS"
	printf 'frames      %d, %.1f MB of frames (%.1f MB file)\n' "$frames" "$(awk -v b="$frame_bytes" 'BEGIN {print b / 1e6}')" "$(awk -v b="$file_size" 'BEGIN {print b / 1e6}')"
	printf 'netsift     %s flows, %s IP packets, %s IP bytes\n' "$ns_flows" "$ns_ip_pkts" "$ns_ip_bytes"
	printf 'ndpiReader  %s flows, %s IP packets of %s, %s IP bytes (%s)\n' "$nd_flows" "$nd_ip_pkts" "$nd_frames" "$nd_ip_bytes" "$(ndpiReader -h 2>&1 | awk '/Welcome to/ {print $3, $4; exit}')"
	printf 'machine     %s, %s cores, load average %s; single-core runs pinned to core %s; %d runs each at nice %s\n' \
		"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$CPU" "$RUNS" "$NICE"
	echo
	awk -F'\t' -v frames="$frames" -v fbytes="$frame_bytes" -v nsf="$ns_flows" -v ndf="$nd_flows" '
	function median(name, col,   n, i, j, t, a) {
		n = cnt[name]
		for (i = 1; i <= n; i++) a[i] = v[name, col, i]
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	{
		c = ++cnt[$1]; v[$1, "wall", c] = $2; v[$1, "cpu", c] = $5
		if (!($1 in rss) || $3 + 0 > rss[$1]) rss[$1] = $3
		if (!($1 in lo) || $2 + 0 < lo[$1]) lo[$1] = $2
		if ($4 != 0) bad[$1] = 1
	}
	END {
		split("netsift ndpiReader netsift-w2", names, " ")
		split("1 core,1 core,2 workers", cores, ",")
		printf "%-11s %-9s %8s %9s %7s %7s %7s %6s %9s %7s %9s %7s\n", "tool", "cores", "packets", "MB", "flows",
			"wall s", "min s", "CPU s", "packets/s", "Mbit/s", "pkts/CPUs", "RSS MB"
		for (k = 1; k <= 3; k++) {
			n = names[k]
			if (!(n in cnt)) continue
			med[n] = median(n, "wall"); cpu[n] = median(n, "cpu")
			printf "%-11s %-9s %8d %9.1f %7d %7.2f %7.2f %6.2f %9.0f %7.0f %9.0f %7.1f%s\n", n, cores[k], frames, fbytes / 1e6,
				(n == "ndpiReader" ? ndf : nsf), med[n], lo[n], cpu[n],
				frames / lo[n], fbytes * 8 / lo[n] / 1e6, (cpu[n] > 0 ? frames / cpu[n] : 0), rss[n] / 1024,
				(n in bad ? "  FAILED" : "")
		}
		print ""
		print "packets/s and Mbit/s use the minimum wall time; pkts/CPUs = packets per CPU second (user+sys)"
		if (lo["netsift"] > 0 && lo["ndpiReader"] > 0) {
			printf "netsift/ndpiReader packets/s, 1 core: %.2fx (min wall), %.2fx (median wall), %.2fx (CPU time)\n",
				lo["ndpiReader"] / lo["netsift"], med["ndpiReader"] / med["netsift"], (cpu["netsift"] > 0 ? cpu["ndpiReader"] / cpu["netsift"] : 0)
			printf "netsift/ndpiReader peak RSS:          %.2fx\n", rss["netsift"] / rss["ndpiReader"]
		}
		if (lo["netsift"] > 0 && lo["netsift-w2"] > 0)
			printf "netsift --workers 2 speed-up:         %.2fx (min wall), %.2fx (median wall); peak RSS %.2fx of 1 worker\n",
				lo["netsift"] / lo["netsift-w2"], med["netsift"] / med["netsift-w2"], rss["netsift-w2"] / rss["netsift"]
	}' "$OUT/runs.tsv"
}

report | tee "$OUT/results.txt"
