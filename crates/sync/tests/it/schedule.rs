//! The schedule against a real Radicale: a first sync at start, the next when the interval has
//! passed on the engine's clock, and one at once on "sync now". The engine's clock starts at
//! `common::start_time()` (`ALMANAC_TEST_NOW`), so `./x test` also runs this on a DST-change day
//! and a leap day.

use crate::common::Rig;
use almanac_core::AccountKind;
use almanac_sync::{ScheduleControl, SyncEvent, run_schedule};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::Receiver;

/// Waits (with a deadline) for the next finished sync.
async fn next_finish(events: &mut Receiver<SyncEvent>, within: Duration) -> bool {
    tokio::time::timeout(within, async {
        loop {
            if let Ok(SyncEvent::Finished { .. }) = events.recv().await {
                return;
            }
        }
    })
    .await
    .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syncs_at_start_after_the_interval_and_on_demand() {
    let server = tokio::task::spawn_blocking(almanac_test_servers::radicale)
        .await
        .unwrap()
        .unwrap();
    let rig = Rig::in_memory();
    rig.add(
        AccountKind::Caldav,
        &server.base_url,
        &server.user,
        &server.password,
    )
    .await;
    let engine = Arc::new(rig.engine);
    let mut events = engine.subscribe();
    let control = ScheduleControl::new(Duration::from_secs(60));
    tokio::spawn(run_schedule(Arc::clone(&engine), control.clone()));

    assert!(
        next_finish(&mut events, Duration::from_secs(30)).await,
        "no sync at start"
    );
    assert!(
        !next_finish(&mut events, Duration::from_millis(1500)).await,
        "synced again before the interval passed"
    );
    control.sync_now();
    assert!(
        next_finish(&mut events, Duration::from_secs(10)).await,
        "sync now did nothing"
    );

    control.set_interval(Duration::from_secs(1));
    *rig.now.lock().unwrap() += chrono::Duration::seconds(2);
    assert!(
        next_finish(&mut events, Duration::from_secs(10)).await,
        "no sync once the interval passed"
    );
}
