# Experiments as pictures: the 80-column table and its legend, -w, the text chart
# (this file is its golden copy), CSV out.
trace off
experiment livelock ms=2 max_pct=200 plot
experiment livelock ms=2 max_pct=200 ratio=200 plot
experiment coalesce rx_usecs=0,50,250 ms=2 plot
experiment batching batch=1,8 ms=1 plot
experiment lro ms=2 plot
experiment batching batch=1,8 ms=1
experiment lro ms=2 -w
experiment lro ms=2 -o lro.csv
