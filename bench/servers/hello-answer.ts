// The bytes bench/hello.ts sends for GET / (with a fixed Date), for the
// servers that answer without wirecore's writer: the ceiling and the floor.
export const HELLO_ANSWER = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nDate: Sun, 22 Nov 2026 00:00:00 GMT\r\nContent-Length: 2\r\n\r\nok';
