//! Returning memory to the system after bursts. glibc keeps what a burst of large answers
//! freed in its per-thread arenas, so without this the process would stay hundreds of MB
//! bigger long after the burst. When the last request in flight finishes and no other starts
//! for [`IDLE`], `malloc_trim` hands the free pages back.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

/// How long the plugin must be idle before it trims: long enough that a dashboard's panels,
/// arriving a few milliseconds apart, do not trim between them.
pub const IDLE: Duration = Duration::from_secs(1);

static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
/// Bumped by every request that starts, so a trim scheduled before it is skipped.
static STARTED: AtomicU64 = AtomicU64::new(0);

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
