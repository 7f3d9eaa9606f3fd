-- POST /users with a 1 KiB JSON body (the same bytes as NEW_USER_1K in bench/servers/app-routes.ts).
wrk.method = "POST"
wrk.path = "/users"
wrk.body = '{"name":"Ada Lovelace","email":"ada@example.com","age":36,"tags":["math","engines","poetry"],"bio":"' .. string.rep("x", 922) .. '"}'
wrk.headers["Content-Type"] = "application/json"
