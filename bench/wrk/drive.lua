-- One wrk script for every endpoint of the harness, configured by environment variables:
--   BENCH_PATHS    paths to rotate through, separated by "|" (weights: "path*3"; a path
--                  ending in "!" is cache-busted; "POST /path" posts BENCH_BODY)
--   BENCH_BUST     "1": append a unique ?_b= to every request (defeats the page cache)
--   BENCH_HEADERS  extra headers "Name: value" separated by "|" (e.g. If-None-Match)
--   BENCH_METHOD / BENCH_BODY / BENCH_CTYPE   for POST endpoints
--   BENCH_RATE     requests per second per wrk thread to aim at (held load); 0 = flat out
--   BENCH_CONNS    connections per wrk thread (for the starting pause of BENCH_RATE)
-- done() prints the p50/p95/p99 latency in microseconds and the number of 5xx answers.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local function split(text, sep)
  local out = {}
  if text == nil or text == "" then return out end
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do table.insert(out, part) end
  return out
end

function init(args)
  paths = {}
  for _, entry in ipairs(split(os.getenv("BENCH_PATHS") or "/", "|")) do
    local path, weight = string.match(entry, "^(.-)%*(%d+)$")
    if path == nil then path, weight = entry, 1 end
    for _ = 1, tonumber(weight) do table.insert(paths, path) end
  end
  bust = os.getenv("BENCH_BUST") == "1"
  method = os.getenv("BENCH_METHOD") or "GET"
  body = os.getenv("BENCH_BODY")
  headers = {}
  for _, h in ipairs(split(os.getenv("BENCH_HEADERS") or "", "|")) do
    local name, value = string.match(h, "^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  if os.getenv("BENCH_CTYPE") then headers["Content-Type"] = os.getenv("BENCH_CTYPE") end
  -- BENCH_RATE is per wrk thread; BENCH_CONNS is the connections each thread drives.
  rate = tonumber(os.getenv("BENCH_RATE") or "0")
  local conns = tonumber(os.getenv("BENCH_CONNS") or "1")
  pause = 0
  if rate > 0 then pause = 1000 * conns / rate end
  second, count, n, errors = os.time(), 0, 0, 0
  math.randomseed(tid * 7919 + os.time())
end

function request()
  n = n + 1
  local path = paths[math.random(#paths)]
  local verb, this_body = method, body
  if string.sub(path, 1, 5) == "POST " then
    verb, path, this_body = "POST", string.sub(path, 6), os.getenv("BENCH_BODY")
  elseif method == "GET" then
    this_body = nil
  end
  local busted = bust
  if string.sub(path, -1) == "!" then path, busted = string.sub(path, 1, -2), true end
  if busted then
    local sep = string.find(path, "?", 1, true) and "&" or "?"
    path = path .. sep .. "_b=" .. tid .. "-" .. n .. "-" .. math.random(1000000000)
  end
  return wrk.format(verb, path, headers, this_body)
end

-- Held load: aim at `rate` per connection by nudging the pause between requests once a second.
function delay()
  if rate <= 0 then return 0 end
  local now = os.time()
  if now ~= second then
    if count > rate then pause = pause * 1.05 + 1 elseif count < rate then pause = pause * 0.95 end
    second, count = now, 0
  end
  count = count + 1
  return pause
end

function response(status, headers, body)
  if status >= 500 then errors = errors + 1 end
end

function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do errs = errs + (t:get("errors") or 0) end
  io.write(string.format("BENCH p50=%d p95=%d p99=%d errors5xx=%d requests=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), errs,
    summary.requests))
end
