//! Streamed answers in large writes: the frames of an engine's answer that are already
//! available are merged into one frame of up to [`LIMIT`] bytes, so that a log of 100-byte
//! lines leaves Berth in a few large writes instead of one write (and one TCP packet) per line.
//! Nothing ever waits for data that has not arrived: as soon as the inner body is pending,
//! what was gathered goes out. That is only worth it over a body whose pending means the
//! engine's socket had nothing more ([`super::streamed`]). A lone frame goes out as it came,
//! without a copy.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use hyper::body::{Body, Frame, SizeHint};

/// The most bytes merged into one frame.
pub const LIMIT: usize = 64 * 1024;

/// A body whose ready data frames are merged, up to [`LIMIT`] bytes each.
pub struct Coalesce<B: Body> {
    inner: B,
    /// Gathered data, not yet handed out: the first frame as it came, then a buffer once a
    /// second frame joins it.
    first: Option<Bytes>,
    merged: BytesMut,
    /// What came after the gathered data (a frame that did not fit, trailers or an error), to
    /// hand out next.
    held: Option<Result<Frame<Bytes>, B::Error>>,
    /// The inner body has ended.
    ended: bool,
}

impl<B: Body> Coalesce<B> {
    pub fn new(inner: B) -> Self {
        Self {
            inner,
            first: None,
            merged: BytesMut::new(),
            held: None,
            ended: false,
        }
    }

    fn gathered(&self) -> usize {
        self.first.as_ref().map_or(0, Bytes::len) + self.merged.len()
    }

    fn gather(&mut self, data: Bytes) {
        match self.first.take() {
            None if self.merged.is_empty() => self.first = Some(data),
            first => {
                if let Some(first) = first {
                    self.merged.reserve(LIMIT);
                    self.merged.extend_from_slice(&first);
                }
                self.merged.extend_from_slice(&data);
            }
        }
    }

    /// Hands out the gathered data, if any.
    fn take(&mut self) -> Option<Result<Frame<Bytes>, B::Error>> {
        let data = match self.first.take() {
            Some(first) => first,
            None if self.merged.is_empty() => return None,
            None => self.merged.split().freeze(),
        };
        Some(Ok(Frame::data(data)))
    }
}

impl<B> Body for Coalesce<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Unpin,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        let this = self.get_mut();
        match this.held.take() {
            // Data that did not fit with the last batch starts the next one.
            Some(Ok(frame)) if frame.is_data() => {
                if let Ok(data) = frame.into_data() {
                    this.gather(data);
                }
            }
            Some(held) => return Poll::Ready(Some(held)),
            None => {}
        }
        loop {
            if this.ended {
                return Poll::Ready(this.take());
            }
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(data) if data.is_empty() => {}
                    Ok(data) if this.gathered() + data.len() <= LIMIT => {
                        this.gather(data);
                        if this.gathered() == LIMIT {
                            return Poll::Ready(this.take());
                        }
                    }
                    Ok(data) if this.gathered() == 0 => {
                        return Poll::Ready(Some(Ok(Frame::data(data))));
                    }
                    Ok(data) => {
                        this.held = Some(Ok(Frame::data(data)));
                        return Poll::Ready(this.take());
                    }
                    Err(frame) => {
                        this.held = Some(Ok(frame));
                        return Poll::Ready(this.take().or_else(|| this.held.take()));
                    }
                },
                Poll::Ready(Some(Err(error))) => {
                    this.held = Some(Err(error));
                    return Poll::Ready(this.take().or_else(|| this.held.take()));
                }
                Poll::Ready(None) => this.ended = true,
                Poll::Pending if this.gathered() == 0 => return Poll::Pending,
                // Nothing more is ready: what was gathered goes out, nothing is held back.
                Poll::Pending => return Poll::Ready(this.take()),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.gathered() == 0 && self.held.is_none() && (self.ended || self.inner.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        let inner = self.inner.size_hint();
        let extra = (self.gathered()
            + match &self.held {
                Some(Ok(frame)) => frame.data_ref().map_or(0, Bytes::len),
                _ => 0,
            }) as u64;
        let mut hint = SizeHint::new();
        hint.set_lower(inner.lower() + extra);
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper + extra);
        }
        hint
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Wake, Waker};

    use http_body_util::{BodyExt, StreamBody};

    use super::*;

    type Sender = tokio::sync::mpsc::UnboundedSender<Result<Frame<Bytes>, Infallible>>;

    /// A body fed by hand: what was sent is ready, and it ends when the sender is dropped.
    fn channel() -> (
        Sender,
        Coalesce<impl Body<Data = Bytes, Error = Infallible> + Unpin>,
    ) {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
        (sender, Coalesce::new(StreamBody::new(stream)))
    }

    fn data(bytes: &'static [u8]) -> Result<Frame<Bytes>, Infallible> {
        Ok(Frame::data(Bytes::from_static(bytes)))
    }

    #[test]
    fn merges_what_is_ready_up_to_the_limit() {
        let (sender, mut body) = channel();
        let line = [b'x'; 108];
        let lines = 2000;
        for _ in 0..lines {
            sender
                .send(Ok(Frame::data(Bytes::copy_from_slice(&line))))
                .unwrap();
        }
        drop(sender);
        // Polled outside a runtime, so no task budget cuts a batch short.
        let mut frames = Vec::new();
        while let Some(frame) = poll_alone(&mut body) {
            frames.push(frame);
        }
        let total: usize = frames.iter().map(Bytes::len).sum();
        assert_eq!(total, lines * line.len());
        assert!(frames.iter().all(|frame| frame.len() <= LIMIT));
        // 2000 lines of 108 bytes fill three frames and part of a fourth.
        assert_eq!(
            frames.len(),
            (lines * line.len()).div_ceil(LIMIT / 108 * 108)
        );
        assert!(body.is_end_stream());
    }

    #[tokio::test]
    async fn a_frame_too_large_to_merge_follows_what_was_gathered() {
        let (sender, mut body) = channel();
        sender.send(data(b"small")).unwrap();
        sender
            .send(Ok(Frame::data(Bytes::from(vec![b'y'; LIMIT]))))
            .unwrap();
        sender.send(data(b"tail")).unwrap();
        drop(sender);
        let mut sizes = Vec::new();
        while let Some(frame) = body.frame().await {
            sizes.push(frame.unwrap().into_data().unwrap().len());
        }
        assert_eq!(sizes, [5, LIMIT, 4]);
    }

    #[tokio::test]
    async fn trailers_come_after_the_data_before_them() {
        let (sender, mut body) = channel();
        sender.send(data(b"one ")).unwrap();
        sender.send(data(b"two")).unwrap();
        let mut trailers = http::HeaderMap::new();
        trailers.insert("x-end", http::HeaderValue::from_static("1"));
        sender.send(Ok(Frame::trailers(trailers))).unwrap();
        drop(sender);
        let first = body.frame().await.unwrap().unwrap();
        assert_eq!(first.into_data().unwrap(), "one two");
        let second = body.frame().await.unwrap().unwrap();
        assert_eq!(second.into_trailers().unwrap()["x-end"], "1");
        assert!(body.frame().await.is_none());
    }

    /// Counts the wake-ups a body asks for.
    #[derive(Default)]
    struct Wakes(AtomicUsize);

    impl Wake for Wakes {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Polls `body` as a runtime would with nothing else arriving: again only when it asked
    /// to be woken. The frame it gives, or `None` if it waits for more data.
    fn poll_alone(
        body: &mut (impl Body<Data = Bytes, Error = Infallible> + Unpin),
    ) -> Option<Bytes> {
        let wakes = Arc::new(Wakes::default());
        let waker = Waker::from(Arc::clone(&wakes));
        let mut cx = Context::from_waker(&waker);
        for _ in 0..16 {
            let before = wakes.0.load(Ordering::SeqCst);
            match Pin::new(&mut *body).poll_frame(&mut cx) {
                Poll::Ready(frame) => return frame?.ok()?.into_data().ok(),
                // Pending with no wake-up asked for: only new data would wake it.
                Poll::Pending if wakes.0.load(Ordering::SeqCst) == before => return None,
                Poll::Pending => {}
            }
        }
        None
    }

    /// The interactive case: one keystroke's echo, with the stream still open and nothing
    /// more coming, goes out; then the next.
    #[test]
    fn a_lone_frame_goes_out_while_the_stream_stays_open() {
        let (sender, mut body) = channel();
        sender.send(data(b"x")).unwrap();
        assert_eq!(
            poll_alone(&mut body).expect("the frame, not held back"),
            "x"
        );
        assert_eq!(poll_alone(&mut body), None, "nothing more came");
        sender.send(data(b"y")).unwrap();
        assert_eq!(poll_alone(&mut body).expect("the next frame"), "y");
        drop(sender);
    }
}
