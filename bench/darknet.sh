#!/usr/bin/env bash
# Darknet analysis benchmark (docs/benchmarks.md, "Darknet"):
#
#   bench/darknet.sh [N]     N packets, default 20000000 (also BENCH_DARKNET_N)
#
# 1. Generates darknet-like pcaps of N and N/4 packets (build/bench/darknet_gen,
#    seeded: SYNs to IoT ports, Mirai-fingerprinted SYNs, backscatter, ~1M
#    sources) into bench/out/, once; later runs reuse them.
# 2. Times `ncert sensors darknet --prefix 100.96.0.0/16` (every analysis on)
#    on both, with max RSS: memory must not grow with the file (the default,
#    which reads on a second thread with two or more cores); then on the N
#    file with --no-read-thread (one thread) and --read-thread.
# 3. The limit: `tcpdump -r FILE -w /dev/null` (libpcap's bare read and
#    write) on the same N-packet file; and `tshark -r CUT -q -z io,stat,0`
#    against ncert on a 1,000,000-packet cut.
# Rates are packets per CPU second (user + sys: per core) and per wall
# second, and the ratios to tcpdump in both; on a loaded machine the wall
# figures are the noisy ones.
set -euo pipefail
N="${1:-${BENCH_DARKNET_N:-20000000}}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
OUT=bench/out
mkdir -p "$OUT"
die() { echo "bench/darknet.sh: $*" >&2; exit 1; }
[[ -x build/ncert && -x build/bench/darknet_gen ]] ||
  die "build first: ninja -C build ncert darknet_gen"
command -v tcpdump >/dev/null || die "tcpdump not found (scripts/deps installs it)"
command -v tshark >/dev/null || die "tshark not found (scripts/deps installs it)"

QUARTER=$((N / 4))
for n in "$N" "$QUARTER"; do
  f="$OUT/darknet-$n.pcap"
  [[ -f "$f" ]] || { echo "generating $f"; build/bench/darknet_gen "$n" "$f"; }
done
CUT="$OUT/darknet-cut-1000000.pcap"
[[ -f "$CUT" ]] || tcpdump -r "$OUT/darknet-$N.pcap" -c 1000000 -w "$CUT" 2>/dev/null

# measure LABEL PACKETS CMD... → prints one line, sets CPU and RSS.
measure() {
  local label="$1" packets="$2"; shift 2
  /usr/bin/time -o "$OUT/time.txt" -f "%e %U %S %M" "$@" >/dev/null 2>&1 || true
  read -r WALL USER SYS RSS <"$OUT/time.txt"
  CPU=$(python3 -c "print(max(0.001, $USER + $SYS))")
  printf "%-44s %10d pkts  cpu %7.2f s  %10.0f pkts/cpu-s  wall %7.2f s  %10.0f pkts/s  max RSS %7d KB\n" \
    "$label" "$packets" "$CPU" "$(python3 -c "print($packets / $CPU)")" "$WALL" \
    "$(python3 -c "print($packets / max(0.001, $WALL))")" "$RSS"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
NCERT=(build/ncert -q --json sensors darknet --prefix 100.96.0.0/16)
measure "ncert sensors darknet ($QUARTER)" "$QUARTER" "${NCERT[@]}" "$OUT/darknet-$QUARTER.pcap"
measure "ncert sensors darknet --no-read-thread ($N)" "$N" "${NCERT[@]}" --no-read-thread "$OUT/darknet-$N.pcap"
NC=$CPU; NW=$WALL
measure "ncert sensors darknet --read-thread ($N)" "$N" "${NCERT[@]}" --read-thread "$OUT/darknet-$N.pcap"
TC=$CPU; TW=$WALL
measure "tcpdump -r -w /dev/null ($N)" "$N" tcpdump -r "$OUT/darknet-$N.pcap" -w /dev/null
echo "ratio ncert --no-read-thread / tcpdump: cpu $(python3 -c "print(f'{$NC / $CPU:.1f}x')"), wall $(python3 -c "print(f'{$NW / max(0.001, $WALL):.1f}x')")"
echo "ratio ncert --read-thread / tcpdump: cpu $(python3 -c "print(f'{$TC / $CPU:.1f}x')"), wall $(python3 -c "print(f'{$TW / max(0.001, $WALL):.1f}x')")"
measure "ncert sensors darknet (1M cut)" 1000000 "${NCERT[@]}" "$CUT"
NC=$CPU; NW=$WALL
measure "tshark -q -z io,stat,0 (1M cut)" 1000000 tshark -r "$CUT" -q -z io,stat,0
echo "ratio tshark / ncert (1M cut): cpu $(python3 -c "print(f'{$CPU / $NC:.1f}x')"), wall $(python3 -c "print(f'{$WALL / max(0.001, $NW):.1f}x')")"
