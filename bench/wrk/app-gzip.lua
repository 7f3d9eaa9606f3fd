-- GET /catalog from a client that accepts gzip (as browsers and most HTTP clients do).
wrk.method = "GET"
wrk.path = "/catalog"
wrk.headers["Accept-Encoding"] = "gzip"
