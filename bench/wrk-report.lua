-- wrk script: print one machine-readable line at the end of a run.
--
-- Line format (tab-separated, prefixed so bench/run can grep it):
--   WRK_RESULT  requests  duration_us  req_per_s  p50_us  p99_us  bytes  non_2xx_3xx  socket_errors  timeouts
-- `requests` counts completed responses; latencies are those of completed
-- responses only (wrk drops a latency above its --timeout and counts a
-- timeout instead, which is why bench/run gives a --timeout longer than the
-- run). `non_2xx_3xx` is wrk's count of answers with a status >= 400 (wrk
-- calls them "status" errors); `socket_errors` adds connect, read and write
-- errors; `timeouts` is wrk's timeout count.
done = function(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   io.write(string.format("WRK_RESULT\t%d\t%d\t%.2f\t%d\t%d\t%d\t%d\t%d\t%d\n",
      summary.requests, summary.duration, summary.requests / secs,
      latency:percentile(50), latency:percentile(99), summary.bytes,
      e.status, e.connect + e.read + e.write, e.timeout))
end
