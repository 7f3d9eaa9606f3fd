-- A 1 KiB JSON POST to /echo.
local items = {}
for i = 1, 32 do items[i] = string.format('{"id":%d,"name":"item-%04d"}', i, i) end
local body = '{"items":[' .. table.concat(items, ',') .. ']}'
body = body .. string.rep(' ', 1024 - #body)
wrk.method = "POST"
wrk.path = "/echo"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
