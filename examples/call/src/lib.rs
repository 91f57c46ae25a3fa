//! A whole call in Rust on `rtc-peer`, both ends in one page: `getUserMedia` (audio + video in one
//! stream) on each side, a canvas track sent with no stream by one side, the library's perfect
//! negotiation (`PeerConnection::negotiate`, one polite and one impolite side) over a transport
//! this app owns, a data channel with a message each way, the remote streams shown in `<video>`s
//! driven by the `stream_added` / `stream_removed` event streams, and stats.
//!
//! The transport is a pair of `futures_channel::mpsc` channels carrying each `rtc_peer::Signal`
//! as JSON text: what a real app replaces with a WebSocket (send the same text, hand what arrives
//! to `Negotiator::receive`). There is no negotiation code here: offers, answers, glare, rollback
//! and candidates are the library's.
//!
//! [`Call::start`] is the call; `tests/call.rs` runs it in Chrome and Firefox; [`run`] is the same
//! call for `index.html`.

use futures_channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures_util::future::{abortable, AbortHandle};
use futures_util::stream::{self, StreamExt};
use gloo_timers::callback::Interval;
use gloo_timers::future::TimeoutFuture;
use rtc_peer::{
    attach_stream, Configuration, DataChannel, DataChannelInit, EventListener, Message, NegotiationEvent,
    NegotiationOptions, NegotiationReport, Negotiator, PeerConnection, RemoteStream, Signal, TrackKind,
};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlMediaElement, MediaStream, MediaStreamConstraints, MediaStreamTrack, RtcRtpSender};

/// What one side saw, for the page and the test.
#[derive(Debug, Default)]
pub struct Seen {
    /// One report per finished negotiation.
    pub negotiations: Vec<NegotiationReport>,
    /// `NegotiationEvent::Failed`, and `receive` futures that failed.
    pub failures: Vec<String>,
    /// Data channel messages received.
    pub messages: Vec<String>,
    /// Ids of the remote streams announced by `stream_added`, in order.
    pub added: Vec<String>,
    /// Ids of the remote streams announced by `stream_removed`, in order.
    pub removed: Vec<String>,
    /// How many `<video>`s show a remote stream now.
    pub shown: usize,
}

/// One end of the call.
pub struct Side {
    /// "A" (impolite) or "B" (polite).
    pub name: &'static str,
    /// The connection.
    pub pc: PeerConnection,
    /// What `getUserMedia` gave: sent as one stream (audio + video grouped).
    pub camera: MediaStream,
    /// The sender of the canvas track sent with no stream (side A only).
    pub streamless: RefCell<Option<RtcRtpSender>>,
    /// What this side saw.
    pub seen: Rc<RefCell<Seen>>,
    _negotiator: Rc<Negotiator>,
    channel_listeners: Rc<RefCell<Vec<EventListener>>>,
    _listeners: Vec<EventListener>,
    tasks: Vec<AbortHandle>,
}

impl Drop for Side {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        self.pc.close();
    }
}

/// Starts a task that stops when `Side` drops its handle.
fn spawn_owned(tasks: &mut Vec<AbortHandle>, task: impl std::future::Future<Output = ()> + 'static) {
    let (task, handle) = abortable(task);
    spawn_local(async move {
        let _ = task.await;
    });
    tasks.push(handle);
}

impl Side {
    /// A side: its connection negotiating over `out` / `inbox`, its camera stream added, its
    /// remote streams shown in `panel` (if any).
    async fn new(
        name: &'static str,
        options: NegotiationOptions,
        out: UnboundedSender<String>,
        mut inbox: UnboundedReceiver<String>,
        panel: Option<Element>,
    ) -> Result<Side, JsValue> {
        let pc = PeerConnection::new(&Configuration::default())?;
        let seen = Rc::new(RefCell::new(Seen::default()));
        let mut tasks = Vec::new();

        // The library's perfect negotiation: its messages go out on the transport as JSON.
        let negotiator = Rc::new(pc.negotiate(options, {
            let seen = Rc::clone(&seen);
            move |event| match event {
                NegotiationEvent::Signal(signal) => match serde_json::to_string(&signal) {
                    Ok(text) => drop(out.unbounded_send(text)), // fails only once the other side is gone
                    Err(e) => seen.borrow_mut().failures.push(format!("encoding a signal: {e}")),
                },
                NegotiationEvent::Negotiated(report) => seen.borrow_mut().negotiations.push(report),
                NegotiationEvent::Failed(e) => seen.borrow_mut().failures.push(e.to_string()),
            }
        })?);

        // What arrives on the transport goes to the negotiator, in order of arrival. The task
        // holds it weakly: the `Side` owns it.
        spawn_owned(&mut tasks, {
            let (negotiator, seen) = (Rc::downgrade(&negotiator), Rc::clone(&seen));
            async move {
                while let Some(text) = inbox.next().await {
                    let Some(negotiator) = negotiator.upgrade() else { break };
                    let handled = match serde_json::from_str::<Signal>(&text) {
                        Ok(signal) => negotiator.receive(signal),
                        Err(e) => {
                            seen.borrow_mut().failures.push(format!("decoding a signal: {e}"));
                            continue;
                        }
                    };
                    let seen = Rc::clone(&seen);
                    spawn_local(async move {
                        if let Err(e) = handled.await {
                            seen.borrow_mut().failures.push(format!("receive: {e}"));
                        }
                    });
                }
            }
        });

        // The remote streams drive what is shown: a <video> per stream while it is announced.
        spawn_owned(&mut tasks, {
            let seen = Rc::clone(&seen);
            let events = stream::select(pc.stream_added().map(|s| (true, s)), pc.stream_removed().map(|s| (false, s)));
            show(events, panel, seen)
        });

        // The polite side listens for the channel before anything awaits: the other side's offer
        // can be answered, and its channel announced, while this side still waits for its camera
        // (a `datachannel` event with no listener yet is lost).
        let channel_listeners = Rc::new(RefCell::new(Vec::new()));
        let mut listeners = Vec::new();
        if options.polite {
            let (seen, held) = (Rc::clone(&seen), Rc::clone(&channel_listeners));
            listeners.push(pc.on_data_channel(move |channel| talk(name, &channel, &seen, &held)));
        }

        let camera = user_media().await?;
        for track in camera.get_tracks().iter() {
            pc.add_track(&track.unchecked_into(), &[&camera])?;
        }
        if !options.polite {
            let channel = pc.create_data_channel("chat", &DataChannelInit::default())?;
            talk(name, &channel, &seen, &channel_listeners);
        }
        Ok(Side {
            name,
            pc,
            camera,
            streamless: RefCell::new(None),
            seen,
            _negotiator: negotiator,
            channel_listeners,
            _listeners: listeners,
            tasks,
        })
    }

    /// Sends `track` with no stream (the far side groups it into its streamless stream).
    pub fn send_streamless(&self, track: &MediaStreamTrack) -> Result<(), JsValue> {
        *self.streamless.borrow_mut() = Some(self.pc.add_track(track, &[])?);
        Ok(())
    }

    /// Stops sending the streamless track: a renegotiation, after which the far side's
    /// streamless stream is removed.
    pub fn remove_streamless(&self) -> Result<(), JsValue> {
        if let Some(sender) = self.streamless.borrow_mut().take() {
            self.pc.remove_track(&sender)?;
        }
        Ok(())
    }

    /// How many listeners the data channel holds (its owner is this side).
    pub fn channel_listeners(&self) -> usize {
        self.channel_listeners.borrow().len()
    }

    /// What this side sends, as the far side should group it: stream id (`"-"` for tracks sent
    /// with no stream) → ids of the tracks sent in it.
    pub fn sent_groups(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for sender in self.pc.senders() {
            let Some(track) = sender.track() else { continue };
            let ids = self.pc.stream_ids_of(&sender);
            if ids.is_empty() {
                groups.entry("-".into()).or_default().insert(track.id());
            }
            for id in ids {
                groups.entry(id.as_str().to_owned()).or_default().insert(track.id());
            }
        }
        groups
    }

    /// What this side receives from `far`, as its remote streams group it: stream id (`"-"` for
    /// the streamless stream) → ids of the far side's tracks in it (paired by mid: a receiver's
    /// track has an id of its own).
    pub fn received_groups(&self, far: &Side) -> BTreeMap<String, BTreeSet<String>> {
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mids: BTreeMap<String, String> = self
            .pc
            .transceivers()
            .iter()
            .filter_map(|t| Some((t.receiver().track().id(), t.mid()?)))
            .collect();
        let far_tracks: BTreeMap<String, String> = far
            .pc
            .transceivers()
            .iter()
            .filter_map(|t| Some((t.mid()?, t.sender().track()?.id())))
            .collect();
        for remote in self.pc.remote_streams() {
            let key = if remote.streamless { "-".to_owned() } else { remote.stream.id() };
            let group = groups.entry(key).or_default();
            for track in remote.stream.get_tracks().iter() {
                let id = track.unchecked_into::<MediaStreamTrack>().id();
                let far_id = mids.get(&id).and_then(|mid| far_tracks.get(mid));
                group.insert(far_id.cloned().unwrap_or_else(|| format!("(no far sender for {id})")));
            }
        }
        groups
    }
}

/// `getUserMedia({ audio: true, video: true })`.
async fn user_media() -> Result<MediaStream, JsValue> {
    let devices = web_sys::window().ok_or("no window")?.navigator().media_devices()?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::TRUE);
    constraints.set_video(&JsValue::TRUE);
    Ok(JsFuture::from(devices.get_user_media_with_constraints(&constraints)?).await?.unchecked_into())
}

/// The data channel: says hello when open, records what comes.
fn talk(name: &'static str, channel: &DataChannel, seen: &Rc<RefCell<Seen>>, held: &Rc<RefCell<Vec<EventListener>>>) {
    let mut held = held.borrow_mut();
    held.push({
        let seen = Rc::clone(seen);
        channel.on_message(move |m| {
            let text = match m {
                Message::Text(t) => t,
                Message::Binary(b) => format!("{} bytes", b.len()),
            };
            seen.borrow_mut().messages.push(text);
        })
    });
    let hello = {
        let (channel, seen) = (channel.clone(), Rc::clone(seen));
        move || {
            if let Err(e) = channel.send_text(&format!("hello from {name}")) {
                seen.borrow_mut().failures.push(format!("send: {e}"));
            }
        }
    };
    if channel.ready_state().ok() == Some(rtc_peer::DataChannelState::Open) {
        hello();
    } else {
        held.push(channel.on_open(hello));
    }
}

/// Shows each announced remote stream in a `<video>` of `panel`, removes it when the stream is.
async fn show(
    mut events: impl futures_util::Stream<Item = (bool, RemoteStream)> + Unpin,
    panel: Option<Element>,
    seen: Rc<RefCell<Seen>>,
) {
    let mut videos: Vec<(String, Option<HtmlMediaElement>)> = Vec::new();
    while let Some((added, remote)) = events.next().await {
        let id = remote.stream.id();
        if added {
            seen.borrow_mut().added.push(id.clone());
            let video = panel.as_ref().and_then(|panel| {
                let document = panel.owner_document()?;
                let video: HtmlMediaElement = document.create_element("video").ok()?.unchecked_into();
                video.set_autoplay(true);
                video.set_muted(true);
                video.set_attribute("playsinline", "").ok()?;
                video.set_title(&format!("{}{}", id, if remote.streamless { " (streamless)" } else { "" }));
                attach_stream(&video, Some(&remote.stream));
                panel.append_child(&video).ok()?;
                Some(video)
            });
            videos.push((id, video));
        } else {
            seen.borrow_mut().removed.push(id.clone());
            videos.retain(|(shown, video)| {
                if *shown != id {
                    return true;
                }
                if let Some(video) = video {
                    attach_stream(video, None);
                    video.remove();
                }
                false
            });
        }
        seen.borrow_mut().shown = videos.len();
    }
}

/// A canvas repainted every 40 ms and its captured video track.
pub struct Canvas {
    /// `canvas.captureStream(25)`'s video track.
    pub track: MediaStreamTrack,
    _paint: Interval,
}

impl Canvas {
    fn new() -> Result<Canvas, JsValue> {
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
        let track = canvas.capture_stream_with_frame_request_rate(25.0)?.get_video_tracks().get(0).dyn_into()?;
        Ok(Canvas { track, _paint: Interval::new(40, paint) })
    }
}

/// The call: A impolite, B polite, each sending its camera stream; A also sends a canvas track
/// with no stream. Both add their media at once, so the first negotiation is a glare.
pub struct Call {
    /// The impolite side (opens the data channel, sends the streamless track).
    pub a: Side,
    /// The polite side.
    pub b: Side,
    /// The streamless track's source.
    pub canvas: Canvas,
}

impl Call {
    /// Starts the call; `panels` are where each side shows its remote streams (none in a test
    /// that does not look).
    pub async fn start(panels: [Option<Element>; 2]) -> Result<Call, JsValue> {
        // The app's transport: one channel each way, JSON text on it.
        let (to_b, b_inbox) = mpsc::unbounded();
        let (to_a, a_inbox) = mpsc::unbounded();
        let [panel_a, panel_b] = panels;
        let a = Side::new("A", NegotiationOptions::impolite(), to_b, a_inbox, panel_a).await?;
        let b = Side::new("B", NegotiationOptions::polite(), to_a, b_inbox, panel_b).await?;
        let canvas = Canvas::new()?;
        a.send_streamless(&canvas.track)?;
        Ok(Call { a, b, canvas })
    }

    /// Whether both sides are `stable` and connected, and nothing failed.
    pub fn settled(&self) -> bool {
        [&self.a, &self.b].iter().all(|s| {
            s.pc.signaling_state().ok() == Some(rtc_peer::SignalingState::Stable)
                && s.pc.connection_state().ok() == Some(rtc_peer::ConnectionState::Connected)
        })
    }

    /// One line per side: states, negotiations, remote streams, data messages, bytes.
    pub async fn summary(&self) -> String {
        let mut lines = Vec::new();
        for (me, far) in [(&self.a, &self.b), (&self.b, &self.a)] {
            let stats = me.pc.stats().await;
            let (rx, tx) = match &stats {
                Ok(s) => (
                    s.bytes_received(TrackKind::Audio) + s.bytes_received(TrackKind::Video),
                    s.bytes_sent(TrackKind::Audio) + s.bytes_sent(TrackKind::Video),
                ),
                Err(_) => (0, 0),
            };
            let rtt = stats.ok().and_then(|s| s.selected_pair().and_then(|p| p.round_trip_time()));
            let seen = me.seen.borrow();
            lines.push(format!(
                "{} ({}): {:?} / {:?}; {} negotiation(s), {} failure(s); receives {:?}; messages {:?}; {} B in, {} B out, rtt {:?} s",
                me.name,
                if me.name == "A" { "impolite" } else { "polite" },
                me.pc.signaling_state(),
                me.pc.connection_state(),
                seen.negotiations.len(),
                seen.failures.len(),
                me.received_groups(far),
                seen.messages,
                rx,
                tx,
                rtt,
            ));
        }
        lines.join("\n")
    }
}

/// Waits (polling every 20 ms) until `done()`, for at most `timeout_ms`.
pub async fn until(what: &str, timeout_ms: u32, mut done: impl FnMut() -> bool) -> Result<(), String> {
    let mut waited = 0;
    while !done() {
        if waited >= timeout_ms {
            return Err(format!("not {what} after {timeout_ms} ms"));
        }
        TimeoutFuture::new(20).await;
        waited += 20;
    }
    Ok(())
}

/// The page (`index.html`): runs the call, shows each side's remote streams in `#a` / `#b` and
/// a summary in `#status` every second. The "Remove the canvas track" button renegotiates.
#[wasm_bindgen]
pub async fn run() -> Result<(), JsValue> {
    let document = web_sys::window().ok_or("no window")?.document().ok_or("no document")?;
    let status = document.get_element_by_id("status").ok_or("no #status")?;
    status.set_text_content(Some("starting (allow the camera and microphone)…"));
    let call = Rc::new(Call::start([document.get_element_by_id("a"), document.get_element_by_id("b")]).await?);
    // Held by this loop, which runs for the page's lifetime.
    let _remove = document.get_element_by_id("remove").map(|button| {
        let call = Rc::clone(&call);
        EventListener::new(&button, "click", move |_| drop(call.a.remove_streamless()))
    });
    loop {
        status.set_text_content(Some(&call.summary().await));
        TimeoutFuture::new(1000).await;
    }
}
