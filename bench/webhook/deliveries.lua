-- wrk script of bench/webhook/run.
--   wrk ... -s deliveries.lua URL -- ping PATH NTHREADS
--   wrk ... -s deliveries.lua URL -- webhook PATH NTHREADS FILE
-- "ping" GETs PATH.  "webhook" POSTs the pre-signed deliveries of FILE
-- ("<signature>\t<body>" a line) in order, each at most once: thread k of
-- NTHREADS takes lines k, k + NTHREADS, ...  A thread that runs out sends
-- nothing more to the webhook (it stops, and the run reports "exhausted").
-- done() prints, for the run script, one line
--   RESULT requests=N seconds=S ok=N bad=N exhausted=N errors=N
-- and the latency histogram, one "LATENCY <microseconds> <count>" a line.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   mode, path, nthreads = args[1], args[2], tonumber(args[3])
   ok, bad, exhausted = 0, 0, 0
   if mode == "webhook" then
      reqs, next_req = {}, 0
      local n = 0
      for line in io.lines(args[4]) do
         if n % nthreads == id then
            local sig, body = line:match("^([^\t]+)\t(.*)$")
            reqs[#reqs + 1] = wrk.format("POST", path, {
               ["Content-Type"] = "application/json",
               ["Calendly-Webhook-Signature"] = sig,
            }, body)
         end
         n = n + 1
      end
      want = '"status":"processed"'
   else
      ping = wrk.format("GET", path)
      want = '"ok":true'
   end
end

function request()
   if mode ~= "webhook" then
      return ping
   end
   next_req = next_req + 1
   local r = reqs[next_req]
   if r == nil then
      -- Never send a delivery twice: stop this thread instead.
      exhausted = exhausted + 1
      wrk.thread:stop()
      return wrk.format("GET", "/wp-json/tfsp-calendly/v1/ping")
   end
   return r
end

function response(status, headers, body)
   if status == 200 and body:find(want, 1, true) then
      ok = ok + 1
   else
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local o, b, x = 0, 0, 0
   for _, t in ipairs(threads) do
      o = o + t:get("ok")
      b = b + t:get("bad")
      x = x + t:get("exhausted")
   end
   local e = summary.errors
   io.write(string.format("RESULT requests=%d seconds=%.3f ok=%d bad=%d exhausted=%d errors=%d\n",
      summary.requests, summary.duration / 1e6, o, b, x,
      e.connect + e.read + e.write + e.status + e.timeout))
   -- The latency histogram (microseconds), so that runs can be merged.
   for i = 1, #latency do
      local value, count = latency(i)
      io.write(string.format("LATENCY %d %d\n", value, count))
   end
end
