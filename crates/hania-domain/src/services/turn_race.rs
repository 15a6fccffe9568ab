//! What can stop a turn between its steps: its deadline and its client's
//! hang-up. Work raced against them is dropped (cancelled) when either
//! comes first.

use std::future::Future;
use std::pin::{Pin, pin};
use std::time::Duration;

use futures::future::{Either, pending, select};

use crate::ports::{Timer, TurnObserver};

/// How a raced piece of work ended.
pub(super) enum Raced<T> {
    /// It finished.
    Done(T),
    /// The deadline passed first (the work was cancelled).
    Expired,
    /// The client hung up first (the work was cancelled).
    HungUp,
}

type Stop<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// The deadline and the hang-up of one turn, raced against each of its
/// steps. Once either has fired, the turn ends: it is not raced again.
pub(super) struct Stops<'a> {
    expired: Stop<'a>,
    hung_up: Stop<'a>,
}

impl<'a> Stops<'a> {
    /// The stops of a turn bounded by `deadline` (none: unbounded)
    /// watched by `observer`.
    pub(super) fn new(
        timer: &'a dyn Timer,
        deadline: Option<Duration>,
        observer: &'a dyn TurnObserver,
    ) -> Self {
        let expired: Stop<'a> = match deadline {
            Some(after) => timer.sleep(after),
            None => Box::pin(pending()),
        };
        Self {
            expired,
            hung_up: observer.hung_up(),
        }
    }

    /// Runs `work` unless the deadline or a hang-up comes first.
    pub(super) async fn race<F: Future>(&mut self, work: F) -> Raced<F::Output> {
        let work = pin!(work);
        let stops = select(self.expired.as_mut(), self.hung_up.as_mut());
        match select(work, stops).await {
            Either::Left((output, _)) => Raced::Done(output),
            Either::Right((Either::Left(_), _)) => Raced::Expired,
            Either::Right((Either::Right(_), _)) => Raced::HungUp,
        }
    }
}
