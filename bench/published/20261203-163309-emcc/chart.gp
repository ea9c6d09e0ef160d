set terminal pngcairo size 1280,640 font ',10'
set output 'chart.png'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top right
set title 'Build wall time per tool and workload (median of 3 runs; warm = cache full, objects deleted)'
set ylabel 'seconds, log scale'
set logscale y
set yrange [0.01:*]
set xtics nomirror
set bmargin 5
plot newhistogram "Emscripten project (make, emcc/em++), 32 compiles" offset 0,-1, "chart.dat" index 0 using 2:xtic(1) title "cold" lc rgb "#d95f02", "" index 0 using 3 title "warm" lc rgb "#1b9e77"
