//! Memory under bursts. Three things keep a burst of large answers from growing the process:
//! requests with large answers take turns ([`large_answer_turn`]: a few in hand at once, from
//! their first AWS call until Grafana has their response), large answers are parsed a few at
//! a time ([`decode_slot`]), and once the burst is over, what it freed goes back to the system
//! ([`running`]).

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::policy;

/// How long the plugin must be idle before it trims: long enough that a dashboard's panels,
/// arriving a few milliseconds apart, do not trim between them.
pub const IDLE: Duration = Duration::from_secs(1);

/// Answers at least this big wait for a decode slot: a 100-series day of GetMetricData is
/// 2.7 MB of CBOR (about 19 bytes a point), so 1 MiB is some 55,000 points, about the plan's
/// own threshold for a large answer (metrics::execute); small answers (STS, lookups, errors)
/// never wait.
pub const LARGE_ANSWER: u64 = 1 << 20;

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
/// Bumped by every request that starts, so a trim scheduled before it is skipped.
static STARTED: AtomicU64 = AtomicU64::new(0);

/// Requests with a large answer in hand at once, per core, by default. A response waiting for
/// Grafana to read it is megabytes; past one per core, more at once only share the same cores
/// and the same connection, so each finishes later and all of them sit in memory meanwhile.
/// With CBOR answers (a third of XML's size, parsed 15x faster) one per core keeps the refresh
/// rate (bench/results.md, 64 concurrent dashboards on 2 cores: 77 refreshes/s at a 75 MB
/// peak, against 85/s at 100 MB with two per core).
const ANSWERS_PER_CORE: usize = 1;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A process-wide limit from its setting in the process environment, else `default`.
fn limit(setting: policy::ServerSetting, default: usize) -> Arc<Semaphore> {
    let n = policy::process_limit(setting, |name| std::env::var(name).ok(), default)
        .unwrap_or_else(|e| {
            tracing::error!("{e} Using {default}.");
            default
        });
    tracing::debug!(setting = setting.name, n, "process-wide limit");
    Arc::new(Semaphore::new(n))
}

static ANSWERS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| limit(policy::MAX_LARGE_ANSWERS, ANSWERS_PER_CORE * cores()));

tokio::task_local! {
    static HOLD: Hold;
}

/// What a request holds until its response has been sent: its turn among the requests with
/// large answers, if it took one. Cheap to clone; the turn ends when the last clone drops.
#[derive(Clone, Default)]
pub struct Hold(Arc<OnceLock<OwnedSemaphorePermit>>);

/// Runs a request's work with a fresh [`Hold`], returned beside the work's output so that the
/// caller keeps it until the response is sent.
pub async fn holding<F: Future>(work: F) -> (F::Output, Hold) {
    let hold = Hold::default();
    let output = HOLD.scope(hold.clone(), work).await;
    (output, hold)
}

/// Waits (first come, first served) for the request's turn among those with large answers;
/// at most once per request, and before any AWS call, so a turn never waits on a call slot
/// another request holds. Outside a request (the command line) there is no waiting.
pub async fn large_answer_turn() {
    let Ok(hold) = HOLD.try_with(Hold::clone) else {
        return;
    };
    if hold.0.get().is_some() {
        return;
    }
    // The semaphore is never closed.
    if let Ok(permit) = ANSWERS.clone().acquire_owned().await {
        // A second turn taken meanwhile by the same request is given back at once.
        let _ = hold.0.set(permit);
    }
}

/// One slot per core by default: parsing is CPU-bound, so more at once only holds more
/// answers in memory, and answers waiting their turn stay unread in the socket.
static DECODES: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| limit(policy::MAX_CONCURRENT_DECODES, cores()));

/// The right to read and parse one large answer; released when the SDK drops the response.
#[derive(Clone)]
pub struct DecodeSlot {
    _permit: Arc<OwnedSemaphorePermit>,
}

/// Waits (first come, first served) for a decode slot when an answer of `content_length`
/// bytes is large; `None` for small answers and those of unknown length (AWS's answers carry
/// their length).
pub async fn decode_slot(content_length: Option<u64>) -> Option<DecodeSlot> {
    if content_length? < LARGE_ANSWER {
        return None;
    }
    // The semaphore is never closed.
    let permit = DECODES.clone().acquire_owned().await.ok()?;
    Some(DecodeSlot {
        _permit: Arc::new(permit),
    })
}

/// Held while a request runs; the last one to finish schedules a trim.
#[must_use = "the request counts as running while the guard lives"]
pub struct Running(());

/// Marks a request as running.
pub fn running() -> Running {
    STARTED.fetch_add(1, Ordering::SeqCst);
    IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
    Running(())
}

impl Drop for Running {
    fn drop(&mut self) {
        if IN_FLIGHT.fetch_sub(1, Ordering::SeqCst) != 1 {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let seen = STARTED.load(Ordering::SeqCst);
        runtime.spawn(async move {
            tokio::time::sleep(IDLE).await;
            if STARTED.load(Ordering::SeqCst) == seen && IN_FLIGHT.load(Ordering::SeqCst) == 0 {
                // Trimming walks every arena: off the async workers.
                let _ = tokio::task::spawn_blocking(trim).await;
            }
        });
    }
}

/// Large buffers freed by one refresh stay in glibc's heap for the next, instead of going
/// back to the system at once: by default every answer-sized buffer (the CBOR body, the gRPC
/// response, megabytes each) is a fresh mapping whose pages fault in one by one and are
/// unmapped on free, a third of a refresh's CPU. One heap for all threads keeps what is kept
/// in one place, so bursts peak lower and the idle [`trim`] after them hands nearly all of it
/// back (bench/results.md; with a heap per thread, 64 concurrent dashboards peaked at 82 MB and
/// stayed at 48 MB). Call before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn keep_freed_memory_for_reuse() {
    /// Buffers below this come from the heaps (glibc's own ceiling for its dynamic threshold).
    const MMAP_THRESHOLD: libc::c_int = 32 << 20;
    /// Free memory at a heap's top is kept up to this before glibc gives it back on free.
    const TRIM_THRESHOLD: libc::c_int = 64 << 20;
    // SAFETY: mallopt only changes glibc's allocation policy; it is called before the runtime
    // starts any thread, and the values are within glibc's documented ranges.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
    }
}

/// Other allocators keep and return memory by their own policy.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn keep_freed_memory_for_reuse() {}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: malloc_trim only releases free memory of glibc's own heaps; it has no
    // preconditions and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Other allocators return memory on their own.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_takes_one_turn_and_gives_it_back_with_its_hold() {
        let free = ANSWERS.available_permits();
        let ((), hold) = holding(async {
            large_answer_turn().await;
            large_answer_turn().await;
        })
        .await;
        assert_eq!(
            ANSWERS.available_permits(),
            free - 1,
            "one turn per request"
        );
        let sent = hold.clone();
        drop(hold);
        assert_eq!(
            ANSWERS.available_permits(),
            free - 1,
            "held until the last clone goes"
        );
        drop(sent);
        assert_eq!(ANSWERS.available_permits(), free);
        // Outside a request (the command line), no turn is taken.
        large_answer_turn().await;
        assert_eq!(ANSWERS.available_permits(), free);
    }

    #[tokio::test]
    async fn only_large_answers_wait_for_a_decode_slot() {
        assert!(decode_slot(Some(LARGE_ANSWER - 1)).await.is_none());
        assert!(decode_slot(None).await.is_none());
        let free = DECODES.available_permits();
        let slot = decode_slot(Some(8_800_000)).await;
        assert!(slot.is_some());
        assert_eq!(DECODES.available_permits(), free - 1);
        drop(slot);
        assert_eq!(DECODES.available_permits(), free);
    }
}
