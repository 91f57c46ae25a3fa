//! The connection's events as `Stream`s and its milestones as futures, built on the callback API
//! (gloo's layering: callbacks first, futures on top).
//!
//! Each [`EventStream`] owns one listener handle and the receiving end of an unbounded channel the
//! listener feeds; each milestone future ([`Connected`], [`IceGatheringComplete`]) owns one
//! listener. Dropping either removes its listener from the connection, so a stream or future that
//! is no longer wanted costs nothing. None of them holds a [`PeerConnection`] handle: awaiting one
//! does not keep the connection open.
//!
//! `close()` fires no event (the spec's), so the milestone futures are also told by the Rust face
//! when it closes the connection ([`PeerConnection::close`], or its last handle dropping): they
//! then fail with [`ErrorKind::InvalidState`].

use crate::config::IceCandidate;
use crate::core::RemoteStream;
use crate::error::{Error, ErrorKind, Result};
use crate::peer_connection::PeerConnection;
use crate::types::{ConnectionState, IceConnectionState, IceGatheringState, SignalingState};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use futures_channel::mpsc::{self, UnboundedReceiver};
use futures_core::Stream;
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// A `Stream` of one kind of event of a [`PeerConnection`]. It never ends by itself (the
/// connection's events have no last one); dropping it removes its listener.
#[must_use = "streams do nothing unless polled, and stop listening when dropped"]
pub struct EventStream<T> {
    receiver: UnboundedReceiver<T>,
    _listener: EventListener,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("listener", &self._listener).finish_non_exhaustive()
    }
}

impl<T> Stream for EventStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        Pin::new(&mut self.receiver).poll_next(cx)
    }
}

impl<T: 'static> EventStream<T> {
    /// A stream fed by the callback `listen` registers (the callback API of the connection).
    pub(crate) fn new(listen: impl FnOnce(Box<dyn FnMut(T)>) -> EventListener) -> EventStream<T> {
        let (sender, receiver) = mpsc::unbounded();
        // Fails only once the receiver is gone, and the listener goes with it.
        let listener = listen(Box::new(move |item| drop(sender.unbounded_send(item))));
        EventStream { receiver, _listener: listener }
    }
}

/// What a milestone future and the listener that settles it share.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    result: Option<Result<()>>,
    waker: Option<Waker>,
}

type SharedSlot = Rc<RefCell<Slot>>;

/// Settles the slot once (later results are ignored) and wakes its future.
fn settle(slot: &SharedSlot, result: Result<()>) {
    let waker = match slot.try_borrow_mut() {
        Ok(mut s) if s.result.is_none() => {
            s.result = Some(result);
            s.waker.take()
        }
        _ => None,
    };
    if let Some(w) = waker {
        w.wake();
    }
}

fn poll_slot(slot: &SharedSlot, cx: &mut Context<'_>) -> Poll<Result<()>> {
    let Ok(mut s) = slot.try_borrow_mut() else {
        return Poll::Ready(Err(Error::reentrant()));
    };
    match s.result.take() {
        Some(r) => Poll::Ready(r),
        None => {
            s.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

fn closed() -> Error {
    Error::library(ErrorKind::InvalidState, "rtc-peer: the connection is closed")
}

/// The milestone futures of one connection still waiting, failed when the Rust face closes it
/// (`close()` fires no event). Weak: a dropped future is simply skipped.
#[derive(Debug, Default)]
pub(crate) struct Waiting(RefCell<Vec<Weak<RefCell<Slot>>>>);

impl Waiting {
    fn add(&self, slot: &SharedSlot) {
        if let Ok(mut list) = self.0.try_borrow_mut() {
            list.retain(|w| w.strong_count() > 0);
            list.push(Rc::downgrade(slot));
        }
    }

    /// The connection was closed: every waiting future fails.
    pub(crate) fn close(&self) {
        let list = self.0.try_borrow_mut().map(|mut l| std::mem::take(&mut *l)).unwrap_or_default();
        for slot in list.iter().filter_map(Weak::upgrade) {
            settle(&slot, Err(closed()));
        }
    }
}

/// A milestone: a listener that settles a slot, and the slot.
struct Milestone {
    slot: SharedSlot,
    _listener: Option<EventListener>,
}

impl fmt::Debug for Milestone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Milestone").field("slot", &self.slot).finish_non_exhaustive()
    }
}

impl Milestone {
    /// `now` is the answer from the current state (`None`: wait); `listen` registers the listener
    /// that answers later, given the settling function.
    fn new(pc: &PeerConnection, now: Option<Result<()>>, listen: impl FnOnce(Box<dyn Fn(Result<()>)>) -> EventListener) -> Milestone {
        let slot = SharedSlot::default();
        if let Some(r) = now {
            settle(&slot, r);
            return Milestone { slot, _listener: None };
        }
        pc.waiting().add(&slot);
        let weak = Rc::downgrade(&slot);
        let listener = listen(Box::new(move |r| {
            if let Some(slot) = weak.upgrade() {
                settle(&slot, r);
            }
        }));
        Milestone { slot, _listener: Some(listener) }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let r = poll_slot(&self.slot, cx);
        if r.is_ready() {
            self._listener = None; // settled: stop listening now, not when the future drops
        }
        r
    }
}

/// [`PeerConnection::connected`]: resolves when `connectionState` is `connected`.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited, and stop listening when dropped"]
pub struct Connected(Milestone);

impl Future for Connected {
    type Output = Result<()>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.0.poll(cx)
    }
}

/// [`PeerConnection::ice_gathering_complete`]: resolves when `iceGatheringState` is `complete`.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited, and stop listening when dropped"]
pub struct IceGatheringComplete(Milestone);

impl Future for IceGatheringComplete {
    type Output = Result<()>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<()>> {
        self.0.poll(cx)
    }
}

/// What a connection state means for [`PeerConnection::connected`] (`None`: keep waiting).
fn connected_by(state: Result<ConnectionState>) -> Option<Result<()>> {
    match state {
        Ok(ConnectionState::Connected) => Some(Ok(())),
        Ok(ConnectionState::Failed) => Some(Err(Error::library(ErrorKind::Operation, "rtc-peer: the connection failed"))),
        Ok(ConnectionState::Closed) => Some(Err(closed())),
        Ok(_) => None,
        Err(e) => Some(Err(e)),
    }
}

/// What a gathering state means for [`PeerConnection::ice_gathering_complete`].
fn gathered_by(state: Result<IceGatheringState>, pc: &PeerConnection) -> Option<Result<()>> {
    match state {
        Ok(IceGatheringState::Complete) => Some(Ok(())),
        Ok(_) if pc.signaling_state().ok() == Some(SignalingState::Closed) => Some(Err(closed())),
        Ok(_) => None,
        Err(e) => Some(Err(e)),
    }
}

impl PeerConnection {
    /// `streamadded` as a `Stream`: each new remote stream, once, with all its tracks (see
    /// [`on_stream_added`](Self::on_stream_added)).
    pub fn stream_added(&self) -> EventStream<RemoteStream> {
        EventStream::new(|f| self.on_stream_added(f))
    }

    /// `streamremoved` as a `Stream`: each remote stream that no longer has a received track, once.
    pub fn stream_removed(&self) -> EventStream<RemoteStream> {
        EventStream::new(|f| self.on_stream_removed(f))
    }

    /// `icecandidate` as a `Stream`: `Some(candidate)` per gathered candidate, `None` when a
    /// gathering round ends (send it on as end-of-candidates; an ICE restart gathers again, so the
    /// stream itself does not end).
    pub fn ice_candidates(&self) -> EventStream<Option<IceCandidate>> {
        EventStream::new(|f| self.on_ice_candidate(f))
    }

    /// `connectionstatechange` as a `Stream` of the new states.
    pub fn connection_state_changes(&self) -> EventStream<Result<ConnectionState>> {
        EventStream::new(|f| self.on_connection_state_change(f))
    }

    /// `iceconnectionstatechange` as a `Stream` of the new states.
    pub fn ice_connection_state_changes(&self) -> EventStream<Result<IceConnectionState>> {
        EventStream::new(|f| self.on_ice_connection_state_change(f))
    }

    /// `signalingstatechange` as a `Stream` of the new states.
    pub fn signaling_state_changes(&self) -> EventStream<Result<SignalingState>> {
        EventStream::new(|f| self.on_signaling_state_change(f))
    }

    /// Resolves when [`connection_state`](Self::connection_state) is `connected` (at once if it
    /// is); fails with [`ErrorKind::Operation`] if it becomes `failed` first, and with
    /// [`ErrorKind::InvalidState`] if the connection is or gets closed. `disconnected` is waited
    /// through (it may recover). Dropping the future removes its listener.
    pub fn connected(&self) -> Connected {
        Connected(Milestone::new(self, connected_by(self.connection_state()), |settle| {
            self.on_connection_state_change(move |s| {
                if let Some(r) = connected_by(s) {
                    settle(r);
                }
            })
        }))
    }

    /// Resolves when [`ice_gathering_state`](Self::ice_gathering_state) is `complete` (at once if
    /// it is: before a local description it is `new`, and this waits for one); fails with
    /// [`ErrorKind::InvalidState`] if the connection is or gets closed. Dropping the future removes
    /// its listener.
    pub fn ice_gathering_complete(&self) -> IceGatheringComplete {
        IceGatheringComplete(Milestone::new(self, gathered_by(self.ice_gathering_state(), self), |settle| {
            self.on_ice_gathering_state_change(move |s| {
                if let Ok(IceGatheringState::Complete) = s {
                    settle(Ok(()));
                } else if let Err(e) = s {
                    settle(Err(e));
                }
            })
        }))
    }
}
