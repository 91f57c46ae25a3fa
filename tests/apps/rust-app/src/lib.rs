//! A Rust web app using `rtc-peer` the way a Rust app would: as a plain Cargo dependency with
//! default features. It chooses its own global allocator, builds real tracks without
//! getUserMedia (an oscillator and a painted canvas) and makes a loopback call between two
//! `rtc_peer::PeerConnection`s in the page.
//!
//! [`Call::start`] is the call; `tests/call.rs` runs it in Chrome and Firefox and asserts on what
//! the callee saw. [`run`] is the same call for a page (`index.html`).

use gloo_timers::callback::Interval;
use gloo_timers::future::TimeoutFuture;
use rtc_peer::{Configuration, ConnectionState, EventListener, IceCandidate, PeerConnection, RemoteStream, StreamlessPolicy};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::prelude::*;
use web_sys::{AudioContext, CanvasRenderingContext2d, HtmlCanvasElement, MediaStream, MediaStreamTrack};

// ----- the app's own allocator ----------------------------------------------------------------

/// The app's allocator: the standard one, counting allocations. That rtc-peer links next to it
/// at all shows the library no longer installs one; the count shows this is the one in use.
pub struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// How many allocations (and reallocations) went through [`CountingAllocator`] so far.
pub fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

// ----- media without getUserMedia ---------------------------------------------------------------

/// Real tracks with no permission prompt; keeps their sources running while alive.
pub struct Media {
    audio: AudioContext,
    _paint: Interval,
    canvas: HtmlCanvasElement,
}

impl Media {
    /// An oscillator (one `AudioContext`) and a 160×120 canvas repainted every 40 ms.
    pub fn new() -> Result<Media, JsValue> {
        let audio = AudioContext::new()?;
        let document = web_sys::window().ok_or("no window")?.document().ok_or("no document")?;
        let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
        canvas.set_width(160);
        canvas.set_height(120);
        let g: CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
        let mut hue = 0u32;
        let mut paint = move || {
            hue = (hue + 7) % 360;
            g.set_fill_style_str(&format!("hsl({hue} 80% 50%)"));
            g.fill_rect(0.0, 0.0, 160.0, 120.0);
        };
        paint();
        Ok(Media { audio, _paint: Interval::new(40, paint), canvas })
    }

    /// A new audio track: the oscillator into a `MediaStreamAudioDestinationNode` of its own.
    pub fn audio_track(&self) -> Result<MediaStreamTrack, JsValue> {
        let osc = self.audio.create_oscillator()?;
        let dest = self.audio.create_media_stream_destination()?;
        osc.connect_with_audio_node(&dest)?;
        osc.start()?;
        first_track(&dest.stream().get_audio_tracks())
    }

    /// A new video track: `canvas.captureStream(25)`.
    pub fn video_track(&self) -> Result<MediaStreamTrack, JsValue> {
        first_track(&self.canvas.capture_stream_with_frame_request_rate(25.0)?.get_video_tracks())
    }
}

impl Drop for Media {
    fn drop(&mut self) {
        let _ = self.audio.close();
    }
}

fn first_track(tracks: &js_sys::Array) -> Result<MediaStreamTrack, JsValue> {
    tracks.get(0).dyn_into().map_err(|_| JsValue::from_str("no track"))
}

/// The kinds of a stream's tracks, sorted (`["audio", "video"]`).
pub fn kinds(stream: &MediaStream) -> Vec<String> {
    let mut kinds: Vec<String> =
        stream.get_tracks().iter().filter_map(|t| t.dyn_into::<MediaStreamTrack>().ok()).map(|t| t.kind()).collect();
    kinds.sort();
    kinds
}

// ----- the call ---------------------------------------------------------------------------------

/// Candidates for a connection, held until it has a remote description (before that
/// `addIceCandidate` rejects with InvalidStateError).
#[derive(Default)]
struct Pending(RefCell<Vec<IceCandidate>>);

/// A loopback call in the page: `caller` sends, `callee` receives.
pub struct Call {
    /// The sending side.
    pub caller: Rc<PeerConnection>,
    /// The receiving side.
    pub callee: Rc<PeerConnection>,
    /// The audio+video stream the caller sent its grouped tracks in.
    pub grouped: MediaStream,
    /// What the callee's `on_stream_added` reported, in order.
    pub announced: Rc<RefCell<Vec<RemoteStream>>>,
    _listeners: Vec<EventListener>,
    _media: Media,
}

impl Call {
    /// Two connections, candidates relayed both ways, the caller sending two streamless tracks
    /// (audio, video) and an audio+video pair in one `MediaStream`, offer/answer once.
    pub async fn start() -> Result<Call, JsValue> {
        let config = Configuration { streamless_policy: Some(StreamlessPolicy::Shared), ..Default::default() };
        let caller = Rc::new(PeerConnection::new(&config)?);
        let callee = Rc::new(PeerConnection::new(&config)?);
        let pending = [Rc::new(Pending::default()), Rc::new(Pending::default())];
        let mut listeners = Vec::new();
        for (from, to, queue) in [(&caller, &callee, &pending[1]), (&callee, &caller, &pending[0])] {
            let (to, queue) = (Rc::clone(to), Rc::clone(queue));
            listeners.push(from.on_ice_candidate(move |c| {
                let Some(c) = c else { return };
                if to.remote_description().is_none() {
                    return queue.0.borrow_mut().push(c);
                }
                let to = Rc::clone(&to);
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = to.add_ice_candidate(Some(&c)).await; // fails only once `to` is closed
                });
            }));
        }
        let announced = Rc::new(RefCell::new(Vec::new()));
        listeners.push({
            let announced = Rc::clone(&announced);
            callee.on_stream_added(move |s| announced.borrow_mut().push(s))
        });

        let media = Media::new()?;
        caller.add_track(&media.audio_track()?, &[])?;
        caller.add_track(&media.video_track()?, &[])?;
        let (audio, video) = (media.audio_track()?, media.video_track()?);
        let grouped = MediaStream::new()?;
        grouped.add_track(&audio);
        grouped.add_track(&video);
        caller.add_track(&audio, &[&grouped])?;
        caller.add_track(&video, &[&grouped])?;

        let offer = caller.create_offer().await?;
        caller.set_local_description(Some(&offer)).await?;
        callee.set_remote_description(&offer).await?;
        flush(&callee, &pending[1]).await;
        let answer = callee.create_answer().await?;
        callee.set_local_description(Some(&answer)).await?;
        caller.set_remote_description(&answer).await?;
        flush(&caller, &pending[0]).await;

        Ok(Call { caller, callee, grouped, announced, _listeners: listeners, _media: media })
    }

    /// Waits until both sides' `connectionState` is `connected` (or `timeout_ms` passes).
    pub async fn connected(&self, timeout_ms: u32) -> Result<(), JsValue> {
        let mut waited = 0;
        loop {
            let (a, b) = (self.caller.connection_state()?, self.callee.connection_state()?);
            if (a, b) == (ConnectionState::Connected, ConnectionState::Connected) {
                return Ok(());
            }
            if waited >= timeout_ms || a == ConnectionState::Failed || b == ConnectionState::Failed {
                return Err(format!("not connected after {waited} ms: {a} / {b}").into());
            }
            TimeoutFuture::new(20).await;
            waited += 20;
        }
    }
}

async fn flush(pc: &PeerConnection, queue: &Pending) {
    let held = std::mem::take(&mut *queue.0.borrow_mut());
    for c in held {
        let _ = pc.add_ice_candidate(Some(&c)).await;
    }
}

/// The call for a page: runs it and returns a one-line summary of what the callee received.
#[wasm_bindgen]
pub async fn run() -> Result<String, JsValue> {
    let call = Call::start().await?;
    call.connected(10_000).await?;
    let summary: Vec<String> = call
        .callee
        .remote_streams()
        .iter()
        .map(|s| format!("{}{} [{}]", s.stream.id(), if s.streamless { " (streamless)" } else { "" }, kinds(&s.stream).join(", ")))
        .collect();
    let text = format!("connected; remote streams: {}", summary.join("; "));
    std::mem::forget(call); // keep the call up for the page
    Ok(text)
}
