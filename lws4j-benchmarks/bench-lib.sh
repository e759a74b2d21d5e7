# Shell functions shared by ab.sh and alt.sh; sourced, not run.

# row_figures SERVER REPORT: prints "msgs/s server-cpu client-cpu" (CPU in µs per message) of
# the first row of SERVER in the harness report REPORT, or "0 0 0" when it has none. The
# columns differ between workloads, so they are found by the header row.
row_figures() {
  awk -F'|' -v s="$1" '
    /msgs\/s/ && /server CPU/ { for (i = 2; i <= NF; i++) { t = $i; gsub(/^ +| +$/, "", t);
        if (t == "msgs/s") m = i; if (t ~ /^server CPU/) c = i; if (t ~ /^client CPU/) k = i } }
    $0 ~ "\\| " s " \\|" && m { r = $m; gsub(/[ ,]/, "", r); sc = $c; gsub(/ /, "", sc);
        cc = $k; gsub(/ /, "", cc); print r, sc, cc; done = 1; exit }
    END { if (!done) print "0 0 0" }' "$2"
}

# median: the median of the numbers on standard input, one per line
median() {
  sort -n | awk '{a[NR] = $1} END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
