//! wirecore/ffi handlers in Rust with no crates: `hello` and a streamed
//! `counter`, speaking the ABI of wirecore_ffi.h (version 1). The structs
//! below mirror the header field for field; the assertions pin their sizes.

use std::ffi::c_void;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

pub const WIRECORE_FFI_ABI_VERSION: u32 = 1;

#[repr(C)]
#[derive(Clone, Copy)]
pub struct WcStr {
    pub ptr: *const u8,
    pub len: usize,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct WcBytes {
    pub ptr: *const u8,
    pub len: usize,
}

#[repr(C)]
pub struct WcHeader {
    pub name: WcStr,
    pub value: WcStr,
}

#[repr(C)]
pub struct WcRequest {
    pub id: u64,
    pub method: WcStr,
    pub target: WcStr,
    pub path: WcStr,
    pub query: WcStr,
    pub headers: *const WcHeader,
    pub header_count: usize,
    pub trailers: *const WcHeader,
    pub trailer_count: usize,
    pub body: WcBytes,
    pub http_major: u8,
    pub http_minor: u8,
    pub reserved: u16,
    pub flags: u32,
}

pub type NextFn = unsafe extern "C" fn(state: *mut c_void, chunk: *mut WcBytes) -> i32;
pub type FreeFn = unsafe extern "C" fn(data: *mut c_void);

#[repr(C)]
pub struct WcResponse {
    pub status: i32,
    pub reserved: u32,
    pub content_type: WcStr,
    pub body: WcBytes,
    pub headers: *const WcHeader,
    pub header_count: usize,
    pub next: Option<NextFn>,
    pub state: *mut c_void,
    pub state_free: Option<FreeFn>,
    pub release: Option<FreeFn>,
    pub release_data: *mut c_void,
}

const _: () = assert!(std::mem::size_of::<WcRequest>() == 128);
const _: () = assert!(std::mem::size_of::<WcResponse>() == 96);

pub const WC_NEXT_END: i32 = 0;
pub const WC_NEXT_CHUNK: i32 = 1;

impl WcStr {
    const fn from_static(s: &'static str) -> WcStr {
        WcStr { ptr: s.as_ptr(), len: s.len() }
    }

    /// The bytes, borrowed from the request (valid for the whole call).
    unsafe fn as_bytes<'a>(&self) -> &'a [u8] {
        std::slice::from_raw_parts(self.ptr, self.len)
    }
}

#[no_mangle]
pub extern "C" fn wirecore_ffi_abi_version() -> u32 {
    WIRECORE_FFI_ABI_VERSION
}

/// GET / → "ok", like the C example and bench/hello.ts.
///
/// # Safety
/// Called by wirecore/ffi with valid request and response pointers.
#[no_mangle]
pub unsafe extern "C" fn hello(_req: *const WcRequest, res: *mut WcResponse) -> i32 {
    let res = &mut *res;
    res.content_type = WcStr::from_static("text/plain");
    res.body = WcBytes { ptr: b"ok".as_ptr(), len: 2 };
    0
}

static STATE_FREES: AtomicU64 = AtomicU64::new(0);
static LIVE_STATES: AtomicU64 = AtomicU64::new(0);

/// How many counter states were freed, and how many are still alive (for the tests).
#[no_mangle]
pub extern "C" fn rust_state_frees() -> u64 {
    STATE_FREES.load(Ordering::SeqCst)
}

#[no_mangle]
pub extern "C" fn rust_live_states() -> u64 {
    LIVE_STATES.load(Ordering::SeqCst)
}

struct Counter {
    next: u64,
    last: u64,
    line: [u8; 24],
}

fn query_number(query: &[u8], key: &[u8], fallback: u64) -> u64 {
    for pair in query.split(|&b| b == b'&') {
        if pair.len() > key.len() && pair.starts_with(key) && pair[key.len()] == b'=' {
            let digits = &pair[key.len() + 1..];
            if !digits.is_empty() && digits.len() < 19 && digits.iter().all(u8::is_ascii_digit) {
                return digits.iter().fold(0, |n, d| n * 10 + u64::from(d - b'0'));
            }
        }
    }
    fallback
}

unsafe extern "C" fn counter_next(state: *mut c_void, chunk: *mut WcBytes) -> i32 {
    let counter = &mut *(state as *mut Counter);
    if counter.next > counter.last {
        return WC_NEXT_END;
    }
    let mut line = &mut counter.line[..];
    let room = line.len();
    let _ = writeln!(line, "{}", counter.next);
    let len = room - line.len();
    counter.next += 1;
    *chunk = WcBytes { ptr: counter.line.as_ptr(), len };
    WC_NEXT_CHUNK
}

unsafe extern "C" fn counter_free(state: *mut c_void) {
    drop(Box::from_raw(state as *mut Counter));
    LIVE_STATES.fetch_sub(1, Ordering::SeqCst);
    STATE_FREES.fetch_add(1, Ordering::SeqCst);
}

/// Streams "1\n" … "n\n" (?n=, default 5). The state is a Box handed to the
/// bridge, which calls counter_free exactly once.
///
/// # Safety
/// Called by wirecore/ffi with valid request and response pointers.
#[no_mangle]
pub unsafe extern "C" fn counter(req: *const WcRequest, res: *mut WcResponse) -> i32 {
    let (req, res) = (&*req, &mut *res);
    let last = query_number(req.query.as_bytes(), b"n", 5);
    let state = Box::into_raw(Box::new(Counter { next: 1, last, line: [0; 24] }));
    LIVE_STATES.fetch_add(1, Ordering::SeqCst);
    res.state = state as *mut c_void;
    res.state_free = Some(counter_free);
    res.next = Some(counter_next);
    res.content_type = WcStr::from_static("text/plain");
    0
}
