//! The convergence property: random server edits (add, change, delete across two calendars),
//! expired tokens, transient faults and partial ones (one calendar failing, a listing member
//! with an error status, multiget answers that leave an href out or spell it differently, a
//! bare 403 on a stale token) between syncs, then fault-free syncs (more than one where the
//! mass-deletion guard or a calendar's absence asks a second answer): the store equals the
//! server, hrefs, etags and text. No step may end in NeedsRelink. Each case runs against its
//! own iCloud emulator.

use crate::common::*;
use almanac_caldav::Limits;
use almanac_core::{AccountKind, AccountState};
use almanac_icloud_emulator::{Emulator, Fault, Scope};
use almanac_store::Store;
use almanac_sync::SyncError;
use proptest::prelude::*;
use std::time::Duration;

const CALENDARS: [&str; 2] = ["home", "work"];

#[derive(Clone, Debug)]
enum Glitch {
    Status(u16),
    Throttled,
    Reset,
    Truncated,
    Slow,
    Spurious401,
    Empty,
    MultigetMissing,
    ExpireTokens,
    CalendarStatus(u16),
    ListingMember,
    MultigetOmit,
    MultigetRespell,
    StaleToken403,
}

#[derive(Clone, Debug)]
enum Step {
    Add {
        cal: usize,
        day: u32,
    },
    Change {
        cal: usize,
        pick: usize,
    },
    Delete {
        cal: usize,
        pick: usize,
    },
    Glitch {
        glitch: Glitch,
        cal: usize,
        times: u32,
    },
    Sync,
}

fn glitch() -> impl Strategy<Value = Glitch> {
    prop_oneof![
        Just(Glitch::Status(500)),
        Just(Glitch::Status(502)),
        Just(Glitch::Throttled),
        Just(Glitch::Reset),
        Just(Glitch::Truncated),
        Just(Glitch::Slow),
        Just(Glitch::Spurious401),
        Just(Glitch::Empty),
        Just(Glitch::MultigetMissing),
        Just(Glitch::ExpireTokens),
        Just(Glitch::CalendarStatus(500)),
        Just(Glitch::CalendarStatus(404)),
        Just(Glitch::ListingMember),
        Just(Glitch::MultigetOmit),
        Just(Glitch::MultigetRespell),
        Just(Glitch::StaleToken403),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..2usize, 1..28u32).prop_map(|(cal, day)| Step::Add { cal, day }),
        2 => (0..2usize, any::<usize>()).prop_map(|(cal, pick)| Step::Change { cal, pick }),
        2 => (0..2usize, any::<usize>()).prop_map(|(cal, pick)| Step::Delete { cal, pick }),
        2 => (glitch(), 0..2usize, 1..3u32).prop_map(|(glitch, cal, times)| Step::Glitch { glitch, cal, times }),
        3 => Just(Step::Sync),
    ]
}

struct World {
    emu: Emulator,
    /// Object names per calendar, as the server holds them.
    names: [Vec<String>; 2],
    next: usize,
    spurious_injected: usize,
}

impl World {
    fn spurious_pending(&self) -> bool {
        let taken = self
            .emu
            .requests()
            .count(|r| r.fault.as_deref() == Some("spurious-401"));
        taken < self.spurious_injected
    }

    async fn apply(&mut self, step: &Step, home: &str) {
        match step {
            Step::Add { cal, day } => {
                self.next += 1;
                let uid = format!("p{}", self.next);
                self.emu
                    .put_object(
                        CALENDARS[*cal],
                        &format!("{uid}.ics"),
                        &event(&uid, &uid, *day),
                    )
                    .await
                    .unwrap();
                self.names[*cal].push(uid);
            }
            Step::Change { cal, pick } => {
                if let Some(uid) = pick_of(&self.names[*cal], *pick) {
                    self.next += 1;
                    let summary = format!("changed {}", self.next);
                    self.emu
                        .put_object(
                            CALENDARS[*cal],
                            &format!("{uid}.ics"),
                            &event(&uid, &summary, 20),
                        )
                        .await
                        .unwrap();
                }
            }
            Step::Delete { cal, pick } => {
                if let Some(uid) = pick_of(&self.names[*cal], *pick) {
                    self.emu
                        .delete_object(CALENDARS[*cal], &format!("{uid}.ics"))
                        .await
                        .unwrap();
                    self.names[*cal].retain(|n| *n != uid);
                }
            }
            Step::Glitch { glitch, cal, times } => {
                let scope = Scope::Next(*times);
                let fault = match glitch {
                    Glitch::Status(status) => Fault::Status {
                        status: *status,
                        retry_after: None,
                    },
                    Glitch::Throttled => Fault::Status {
                        status: 503,
                        retry_after: Some(30),
                    },
                    Glitch::Reset => Fault::ConnectionReset,
                    Glitch::Truncated => Fault::TruncatedBody,
                    Glitch::Slow => Fault::Slow { millis: 2000 },
                    Glitch::Spurious401 => {
                        // Two 401s in a row are a revocation by the policy's own rule.
                        if self.spurious_pending() {
                            return;
                        }
                        self.spurious_injected += 1;
                        self.emu.inject(Fault::SpuriousUnauthorized, Scope::Next(1));
                        return;
                    }
                    Glitch::Empty => Fault::EmptyMultistatus {
                        calendar: CALENDARS[*cal].into(),
                    },
                    Glitch::MultigetMissing => match self.names[*cal].last() {
                        Some(uid) => Fault::MultigetNotFound {
                            href: format!("{home}{}/{uid}.ics", CALENDARS[*cal]),
                        },
                        None => return,
                    },
                    Glitch::ExpireTokens => {
                        self.emu.expire_sync_tokens();
                        return;
                    }
                    Glitch::CalendarStatus(status) => {
                        let fault = Fault::Status {
                            status: *status,
                            retry_after: None,
                        };
                        self.emu.inject_for_calendar(fault, scope, CALENDARS[*cal]);
                        return;
                    }
                    Glitch::ListingMember => Fault::ListingMemberStatus {
                        calendar: CALENDARS[*cal].into(),
                        status: 503,
                    },
                    Glitch::MultigetOmit | Glitch::MultigetRespell => {
                        let Some(uid) = self.names[*cal].last() else {
                            return;
                        };
                        let href = format!("{home}{}/{uid}.ics", CALENDARS[*cal]);
                        if matches!(glitch, Glitch::MultigetOmit) {
                            Fault::MultigetOmit { href }
                        } else {
                            Fault::MultigetRespell { href }
                        }
                    }
                    Glitch::StaleToken403 => Fault::StaleTokenForbidden {
                        calendar: CALENDARS[*cal].into(),
                    },
                };
                self.emu.inject(fault, scope);
            }
            Step::Sync => {}
        }
    }
}

fn pick_of(names: &[String], pick: usize) -> Option<String> {
    (!names.is_empty()).then(|| names[pick % names.len()].clone())
}

async fn converges(steps: Vec<Step>) {
    let emu = seeded_emulator(3).await;
    let mut world = World {
        emu,
        names: [Vec::new(), Vec::new()],
        next: 0,
        spurious_injected: 0,
    };
    for day in 1..4 {
        world.apply(&Step::Add { cal: 0, day }, "").await;
    }
    let limits = Limits {
        read_timeout: Duration::from_millis(1500),
        total_timeout: Duration::from_secs(3),
        ..Limits::default()
    };
    let rig = Rig::new(Store::open_in_memory().unwrap(), limits);
    let account = rig
        .add(
            AccountKind::Icloud,
            &world.emu.entry_url(),
            &world.emu.apple_id(),
            &world.emu.password(),
        )
        .await;
    rig.sync(account).await.unwrap();
    let home = url::Url::parse(&world.emu.home_url())
        .unwrap()
        .path()
        .to_string();
    for step in &steps {
        world.apply(step, &home).await;
        if matches!(step, Step::Sync) {
            rig.wait_out(account).await;
            let result = rig.sync(account).await;
            assert!(
                !matches!(result, Err(SyncError::NeedsRelink { .. })),
                "{result:?}"
            );
            assert_ne!(rig.state(account).await, AccountState::NeedsRelink);
        }
    }
    world.emu.clear_faults();
    rig.converge(account, 4).await;
    let admin = Remote::connect(
        &world.emu.entry_url(),
        &world.emu.apple_id(),
        &world.emu.issue_password().unwrap(),
    )
    .await;
    assert_mirrors(&rig, account, &admin).await;
    assert_eq!(rig.state(account).await, AccountState::Active);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10,
        max_shrink_iters: 16,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_store_converges_to_the_server(steps in proptest::collection::vec(step(), 4..24)) {
        run_case(converges(steps));
    }
}
