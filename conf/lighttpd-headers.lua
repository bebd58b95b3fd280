-- Hallmark's security headers on every response lighttpd makes itself:
-- static files, the / redirect and its own error pages, including the ones
-- for requests it refuses before any configuration condition is evaluated
-- (a NUL in the path, a bad request line, headers or a body too large), which
-- mod_setenv never sees. Loaded by mod_magnet as
--   magnet.attract-response-start-to = ( ".../lighttpd-headers.lua" )
--
-- A header is set only where the response has none. Every CGI response
-- already carries its own, and its Content-Security-Policy may allow one
-- inline style by its hash: a second or replaced policy would break that
-- page. So CGI responses pass through untouched.
local r = lighty.r
local h = r.resp_header
local status = r.req_item.http_status

local function default(name, value)
  if h[name] == nil then
    h[name] = value
  end
end

default("Content-Security-Policy",
  "default-src 'none'; style-src 'self'; img-src 'self' data:; " ..
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
default("Referrer-Policy", "same-origin")
default("X-Content-Type-Options", "nosniff")
default("X-Frame-Options", "DENY")
default("X-Robots-Tag", "noindex, nofollow")
-- Stylesheets and scripts may be cached; redirects and errors may not.
if status < 300 or status == 304 then
  default("Cache-Control", "public, max-age=3600")
else
  default("Cache-Control", "no-store")
end

-- Text without a charset (lighttpd's own error pages; Debian's MIME table
-- for .html and .js) is Hallmark's, and Hallmark's text is UTF-8.
local ct = h["Content-Type"]
if ct and ct:match("^text/[%w.+-]+%s*$") then
  h["Content-Type"] = ct .. "; charset=utf-8"
end
