-- GET /secure with a fixed HS256 bearer token (BENCH_TOKEN in bench/servers/app-production-routes.ts).
wrk.method = "GET"
wrk.path = "/secure"
wrk.headers["Authorization"] = "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaCIsInNjb3BlIjoiY2F0YWxvZzpyZWFkIn0.ffxjzzJ4Q4RR6sp9MerHGF6n8OYEZlW-LAE_7WvoIJo"
