-- wrk script of benchmarks/bench_http.py: GET one path, the Host header rotating over the tenants.
--
--   wrk -t1 -c4 -d10s -s rotate_hosts.lua http://127.0.0.1:8000 -- /contacts/ 100 t%05d.bench.test
--
-- Arguments after "--": the path, the number of hosts, and a string.format pattern making the
-- host of tenant k (0 <= k < count) from k. Each thread sends the requests in turn, from its own
-- starting point. At the end, one line of JSON (prefixed "wrk-json ") sums the run up.

local requests = {}
local count = 0
local next_index = 0

function init(args)
  local path, n, pattern = args[1], tonumber(args[2]), args[3]
  if path == nil or n == nil or n < 1 or pattern == nil then
    error("usage: -s rotate_hosts.lua <url> -- <path> <count> <host pattern>")
  end
  for k = 0, n - 1 do
    requests[k + 1] = wrk.format("GET", path, { Host = string.format(pattern, k) })
  end
  count = n
  next_index = math.random(0, n - 1)
end

function request()
  next_index = next_index % count + 1
  return requests[next_index]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'wrk-json {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
