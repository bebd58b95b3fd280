-- wrk script for tests/bench/run.sh: writes through the real CGIs, as a
-- shop's customers and staff make them.
--
--   wrk ... -s tests/bench/writes.lua URL -- TARGETS [QUOTA] [STOPFILE]
--
-- Requests alternate, on each thread, between
--   - a customer message: POST /track/<ID>/messages (body=..., with the
--     Origin of the installation, as a browser sends it from the page);
--   - a staff stage move: POST /admin/jobs/<id>/stage (stage, a note,
--     csrf; the hm_session cookie and Origin of a signed-in browser);
-- each rotating over every job in TARGETS (and a move over every stage of
-- the jobs' workflow), each thread starting at its own offset. When the
-- installation's forms carry an idempotency token (fk), every request
-- sends a fresh one, as a new page would; otherwise none.
--
-- TARGETS is a file written by run.sh, one item a line:
--   origin <base URL>        cookie <hm_session value>
--   csrf <staff CSRF token>  fk 0|1
--   job <id> <tracking ID>   stage <id>
-- QUOTA (optional): each thread stops after that many successful writes
-- and creates STOPFILE.<thread number>, so run.sh can end the run when
-- every thread is done; without it wrk runs for its -d duration.
--
-- done() prints one line:
--   WRITES requests= ok= ok_msg= ok_stage= s503= other= first_other=
--          sockerr= timeouts= duration_us= mean_us= p50_us= p90_us=
--          p99_us= max_us=
-- where ok counts 2xx/3xx, s503 the 503s, other every other status; the
-- latencies are wrk's, over every answered request.

local threads = {}
local nthreads = 0

function setup(thread)
	nthreads = nthreads + 1
	thread:set("tno", nthreads)
	table.insert(threads, thread)
	for _, th in ipairs(threads) do th:set("nthr", nthreads) end
end

local jobs, stages = {}, {}
local origin, cookie, csrf, use_fk
local quota, stopfile
local n, stopped = 0, false
local cust_headers, staff_headers
-- Counters read by done() through thread:get (globals, numbers only).
ok, ok_msg, ok_stage, s503, other, first_other = 0, 0, 0, 0, 0, 0

local function die(msg)
	io.stderr:write("writes.lua: " .. msg .. "\n")
	os.exit(1)
end

function init(args)
	local path = args[1] or die("no targets file")
	local f = io.open(path, "r") or die("cannot read " .. path)
	for line in f:lines() do
		local k, a, b = line:match("^(%S+)%s*(%S*)%s*(%S*)")
		if k == "origin" then origin = a
		elseif k == "cookie" then cookie = a
		elseif k == "csrf" then csrf = a
		elseif k == "fk" then use_fk = (a == "1")
		elseif k == "job" then table.insert(jobs, {id = a, tid = b})
		elseif k == "stage" then table.insert(stages, a)
		end
	end
	f:close()
	if not origin or not cookie or not csrf or #jobs == 0 or #stages == 0 then
		die("incomplete targets file " .. path)
	end
	quota = tonumber(args[2] or "0") or 0
	stopfile = args[3]
	tno, nthr = tno or 1, nthr or 1
	-- Each thread its own sequence of jobs, notes and form tokens.
	math.randomseed(os.time() * 1009 + tno * 7919)
	n = 2 * math.floor(#jobs * (tno - 1) / nthr)
	local form = "application/x-www-form-urlencoded"
	cust_headers = {["Content-Type"] = form, ["Origin"] = origin}
	staff_headers = {["Content-Type"] = form, ["Origin"] = origin,
		["Cookie"] = "hm_session=" .. cookie}
end

-- A fresh form token: base64url characters, unique to the thread and the
-- request, with 62 random bits so that runs differ too. (Built with
-- string.format: a table.concat of string.sub results failed under wrk's
-- LuaJIT now and then with "invalid value (nil) at index".)
local function token()
	return string.format("b%d-%d-%08x%08x", tno, n, math.random(0, 0x7fffffff),
		math.random(0, 0x7fffffff))
end

local words = {"ring", "clasp", "stone", "resize", "polish", "engraving",
	"collection", "Saturday", "thanks", "quote", "setting", "chain"}

-- A short message a customer might send, different every time.
local function text(k)
	local w1 = words[math.random(1, #words)]
	local w2 = words[math.random(1, #words)]
	return "Hello,+about+the+" .. w1 .. "+and+the+" .. w2 .. ":+question+" .. k
end

function request()
	n = n + 1
	local k = math.floor(n / 2)
	local j = jobs[k % #jobs + 1]
	local fk = use_fk and ("&fk=" .. token()) or ""
	if n % 2 == 0 then
		return wrk.format("POST", "/track/" .. j.tid .. "/messages", cust_headers,
			"body=" .. text(n) .. fk)
	end
	local s = stages[(k + math.floor(k / #jobs)) % #stages + 1]
	return wrk.format("POST", "/admin/jobs/" .. j.id .. "/stage", staff_headers,
		"stage=" .. s .. "&note=Bench+move+" .. n .. "&csrf=" .. csrf .. fk)
end

function response(status, headers, body)
	if stopped then return end
	if status >= 200 and status < 400 then
		ok = ok + 1
		local loc = headers["Location"] or headers["location"] or ""
		if loc:find("/track/", 1, true) then
			ok_msg = ok_msg + 1
		elseif loc:find("/admin/", 1, true) then
			ok_stage = ok_stage + 1
		end
	elseif status == 503 then
		s503 = s503 + 1
	else
		other = other + 1
		if first_other == 0 then first_other = status end
	end
	if quota > 0 and ok >= quota then
		stopped = true
		if stopfile then
			local f = io.open(stopfile .. "." .. tno, "w")
			if f then f:close() end
		end
		wrk.thread:stop()
	end
end

function done(summary, latency, requests)
	local t = {ok = 0, ok_msg = 0, ok_stage = 0, s503 = 0, other = 0}
	local first = 0
	for _, th in ipairs(threads) do
		for k in pairs(t) do t[k] = t[k] + (th:get(k) or 0) end
		if first == 0 then first = th:get("first_other") or 0 end
	end
	local e = summary.errors
	io.write(string.format("WRITES requests=%d ok=%d ok_msg=%d ok_stage=%d s503=%d other=%d "
		.. "first_other=%d sockerr=%d timeouts=%d duration_us=%d mean_us=%.0f p50_us=%d "
		.. "p90_us=%d p99_us=%d max_us=%d\n",
		summary.requests, t.ok, t.ok_msg, t.ok_stage, t.s503, t.other, first,
		e.connect + e.read + e.write, e.timeout, summary.duration, latency.mean,
		latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
