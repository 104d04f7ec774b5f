-- wrk script of .ci/load-test. Two modes, run side by side by that script:
--   wrk … -s .ci/load.lua URL -- read PATHS_FILE    each request a random path of the file
--   wrk … -s .ci/load.lua URL -- write TOKEN RUN     each request POSTs one new document
-- Every answer that is not 2xx is counted; done() prints one line
--   RESULT mode=… requests=… seconds=… rps=… p50_ms=… p99_ms=… ok=… non2xx=… socket_errors=…
-- (ok: 2xx answers, for writes the documents the server acknowledged).

local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local paths, token, run
mode = nil
non2xx = 0
ok2xx = 0

function init(args)
  mode = args[1]
  if mode == "read" then
    paths = {}
    for line in io.lines(args[2]) do
      if line ~= "" then table.insert(paths, line) end
    end
    math.randomseed(tid * 7919 + os.time())
  elseif mode == "write" then
    token = args[2]
    run = args[3] or "0"
  else
    error("mode must be read or write")
  end
end

local function document(n, year)
  local number = string.format("%d/%d/QĐ-TẢI-%s", n, year, run)
  local body = string.format(
    '{"kind":"document","authority":"UBND-96","type":"Quyết định","number":"%s",' ..
    '"title":"Quyết định thử tải số %d","fields":["Thử tải"],"issued_on":"2024-05-02",' ..
    '"effective_on":"2024-05-15","text":"Điều 1. Phạm vi\\nQuyết định thử tải số %d của luồng %d.\\n' ..
    'Điều 2. Hiệu lực\\nCó hiệu lực kể từ ngày ký."}\n', number, n, n, tid)
  return number, body
end

function request()
  if mode == "read" then
    return wrk.format("GET", paths[math.random(#paths)])
  end
  counter = counter + 1
  -- Thread-unique numbers of at most six digits (the law's limit), for up to 64 threads:
  -- thread 1 writes 1, 65, 129… in 2099, and after 10,000 documents goes on in 2098.
  local k = counter - 1
  local n = tid + (k % 10000) * 64
  local _, body = document(n, 2099 - math.floor(k / 10000))
  return wrk.format("POST", "/api/v1/records", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/x-ndjson",
  }, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  else
    non2xx = non2xx + 1
    if non2xx <= 5 then
      io.stderr:write(string.format("non-2xx %d: %s\n", status, string.sub(body or "", 1, 300)))
    end
  end
end

function done(summary, latency, requests)
  local bad, good, m = 0, 0, "?"
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
    good = good + (t:get("ok2xx") or 0)
    m = t:get("mode") or m
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "RESULT mode=%s requests=%d seconds=%.1f rps=%.1f p50_ms=%.2f p99_ms=%.2f ok=%d non2xx=%d socket_errors=%d\n",
    m, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, good, bad,
    e.connect + e.read + e.write + e.timeout))
end
