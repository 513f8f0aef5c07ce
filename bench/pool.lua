-- wrk script of the bench (bench/wrk.ts): requests are read from the file named by the
-- BENCH_POOL environment variable (method, path, X-Forwarded-For, body — tab-separated, one per
-- line, body with \n and \t escaped as none occur in JSON we generate), pre-formatted once per
-- thread, and drawn at random per request. done() prints the figures as one JSON line.
local reqs = {}

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  for line in io.lines(os.getenv("BENCH_POOL")) do
    local method, path, ip, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = { ["x-forwarded-for"] = ip }
    if method == "POST" then headers["content-type"] = "application/json" end
    reqs[#reqs + 1] = wrk.format(method, path, headers, body)
  end
end

function request()
  return reqs[math.random(1, #reqs)]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end

-- BENCH_DELAY_MS, when set: every connection waits a random pause (exponential, this mean) after
-- each answer before its next request, so the load offered is below what the server can take
-- (the "paced" rows of bench/run.ts: latency at a known fraction of capacity).
local mean_delay = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if mean_delay then
  function delay()
    return math.floor(-mean_delay * math.log(1 - math.random()) + 0.5)
  end
end
