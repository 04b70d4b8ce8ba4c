-- wrk script of Benchmarks/compare_serving.py: POSTs one Open Inference Protocol (KServe v2) JSON body, read
-- from the file named by the environment variable INFER_BODY_FILE, to the path of the URL given to wrk, and
-- prints the run's numbers as one JSON line (prefix "WRK_JSON ") when it ends.
local body_file = os.getenv("INFER_BODY_FILE")
if body_file == nil then
  error("set INFER_BODY_FILE to the JSON request body")
end
local handle = assert(io.open(body_file, "rb"))
local body = handle:read("*a")
handle:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
    '"mean_us": %.1f, "max_us": %d, "non_2xx_3xx": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.mean, latency.max, errors.status, errors.connect, errors.read, errors.write,
    errors.timeout))
end
