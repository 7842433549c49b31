#!/usr/bin/env bash
# rules.sh: signature-inspection throughput. Times `netsift read` on the
# bench capture (the one run.sh builds: N copies of the nDPI corpus's
# Ethernet captures) on one core, without rules and with the whole enabled
# ET Open set, and reports Gbit/s and the ratio. See bench/README.md.
#
# Environment (all optional): N=14 RUNS=3 CPU=0 OUT=bench/out
#   CORPUS=../shared/corpus/ndpi   ETOPEN=../shared/corpus/et-open/rules
set -euo pipefail

cd "$(dirname "$0")/.."
N=${N:-14}
RUNS=${RUNS:-3}
CPU=${CPU:-0}
CORPUS=${CORPUS:-../shared/corpus/ndpi}
ETOPEN=${ETOPEN:-../shared/corpus/et-open/rules}
OUT=${OUT:-bench/out}
CAPTURE=$OUT/corpus-x$N.pcap

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }

[ -f "$CORPUS/MANIFEST.tsv" ] || die "no corpus at $CORPUS (set CORPUS)"
ls "$ETOPEN"/*.rules >/dev/null 2>&1 || die "no ET Open rules at $ETOPEN (set ETOPEN)"
command -v /usr/bin/time >/dev/null || die "/usr/bin/time not found (Debian package time)"

mkdir -p "$OUT/bin"
log "building netsift and catpcap"
go build -o "$OUT/bin/netsift" ./cmd/netsift
go build -o "$OUT/bin/catpcap" ./bench/catpcap
NETSIFT=$OUT/bin/netsift

if [ ! -s "$CAPTURE" ]; then
	files=()
	while IFS=$'\t' read -r name format linktype _; do
		case "$format/$linktype" in pcap/ether | pcapng/ether) ;; *) continue ;; esac
		[ -f "$CORPUS/pcap/$name" ] && files+=("$CORPUS/pcap/$name")
	done < <(tail -n +2 "$CORPUS/MANIFEST.tsv")
	log "building $CAPTURE from $N copies of ${#files[@]} captures"
	"$OUT/bin/catpcap" -copies "$N" -o "$CAPTURE.tmp" "${files[@]}"
	mv "$CAPTURE.tmp" "$CAPTURE"
fi
cat "$CAPTURE" >/dev/null

rules=("$ETOPEN"/*.rules)
rargs=()
for r in "${rules[@]}"; do rargs+=(--rules "$r"); done
"$NETSIFT" rules check "${rules[@]}" 2>/dev/null | head -3 >"$OUT/rules-check.txt" || true

: >"$OUT/rules-runs.tsv"
run() {
	local name=$1
	shift
	local t0 t1
	t0=$(date +%s%N)
	/usr/bin/time -v -o "$OUT/time.txt" taskset -c "$CPU" "$NETSIFT" read -q --eve "$OUT/eve-$name.json" "$@" "$CAPTURE"
	t1=$(date +%s%N)
	local rss cpu
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.txt")
	cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2} END {printf "%.2f", s}' "$OUT/time.txt")
	printf '%s\t%s\t%s\t%s\n' "$name" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')" "$rss" "$cpu" | tee -a "$OUT/rules-runs.tsv" >&2
}
# load: the rules loaded and compiled over the shipped 4-flow sample, i.e.
# the start-up cost, reported apart from the processing rate.
load() {
	local t0 t1
	t0=$(date +%s%N)
	taskset -c "$CPU" "$NETSIFT" read -q --eve /dev/null "${rargs[@]}" testdata/sample.pcap
	t1=$(date +%s%N)
	printf 'load\t%s\t0\t0\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')" | tee -a "$OUT/rules-runs.tsv" >&2
}
for ((i = 1; i <= RUNS; i++)); do
	run none
	run etopen "${rargs[@]}"
	load
done
alerts=$(grep -c '"event_type":"alert"' "$OUT/eve-etopen.json" || true)
size=$(stat -c %s "$CAPTURE")
awk -F'\t' -v size="$size" -v alerts="$alerts" '
{ if (!($1 in lo) || $2 + 0 < lo[$1]) lo[$1] = $2; if ($3 + 0 > rss[$1]) rss[$1] = $3; cpu[$1] = $4 }
END {
	printf "capture %.1f MB; %d alerts with ET Open\n", size / 1e6, alerts
	printf "%-8s %8s %8s %8s\n", "rules", "min s", "Gbit/s", "RSS MB"
	printf "%-8s %8.2f %8.2f %8.1f\n", "none", lo["none"], size * 8 / lo["none"] / 1e9, rss["none"] / 1024
	printf "%-8s %8.2f %8.2f %8.1f\n", "etopen", lo["etopen"], size * 8 / lo["etopen"] / 1e9, rss["etopen"] / 1024
	printf "rule load and compile (ET Open over the 4-flow sample): %.2f s\n", lo["load"]
	printf "ET Open processing rate, load excluded: %.2f Gbit/s\n", size * 8 / (lo["etopen"] - lo["load"]) / 1e9
	printf "with/without ET Open: %.2fx the time\n", lo["etopen"] / lo["none"]
}' "$OUT/rules-runs.tsv" | tee "$OUT/rules-results.txt"
