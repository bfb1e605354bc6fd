//! Generated calendar data for the suites that need volume: a seeded generator of
//! iCloud-shaped events ([`generate()`]), a seeder that puts them into a loopback CalDAV server
//! with plain HTTP ([`seed()`]), and a listing of what a collection holds ([`Server::etags`]) to
//! compare a store with. The crash-safety test (`tests/it/crash_safety.rs`) and the sync
//! benchmark (`almanac-sync-bench`, run by `tests/bench/sync.sh`) both use it.
//!
//! The emulator's demo data (`tests/icloud-emulator/src/demo.rs`) covers iCloud's odd shapes
//! in a few hundred events around today; this covers volume with the benchmark's fixed mix,
//! on fixed dates, so that figures stay comparable from run to run.

pub mod generate;
pub mod http;
pub mod proxy;
pub mod rng;
pub mod seed;

pub use generate::{Calendar, Object, Spec, edited, generate};
pub use http::Server;
pub use seed::seed;

/// A [`Server`] for a running test server.
pub fn server_of(test: &almanac_test_servers::TestServer) -> Server {
    Server {
        addr: test.addr,
        user: test.user.clone(),
        password: test.password.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_mix_is_seeded_and_shaped_as_specified() {
        let spec = Spec {
            events: 2000,
            ..Spec::BENCH
        };
        let cals = generate(spec);
        assert_eq!(cals.len(), 5);
        let all: Vec<&Object> = cals.iter().flat_map(|c| &c.objects).collect();
        assert_eq!(all.len(), 2000);
        assert_eq!(generate(spec)[3].objects, cals[3].objects, "seeded");
        let share =
            |needle: &str| all.iter().filter(|o| o.ics.contains(needle)).count() * 100 / all.len();
        let recurring = all.iter().filter(|o| o.ics.contains(";COUNT=")).count();
        assert_eq!(recurring * 10, all.len(), "10% recur");
        for freq in ["WEEKLY", "MONTHLY", "YEARLY"] {
            assert!(share(&format!("RRULE:FREQ={freq};COUNT")) >= 2, "{freq}");
        }
        assert_eq!(share("DTSTART;VALUE=DATE:"), 10);
        assert_eq!(share("BEGIN:VTIMEZONE"), 100);
        assert!(share("RECURRENCE-ID") >= 9 && share("EXDATE") >= 3);
        assert!(share("BEGIN:VALARM") >= 50 && share("X-APPLE-STRUCTURED-LOCATION") > 20);
        let mean = all.iter().map(|o| o.ics.len()).sum::<usize>() / all.len();
        assert!((1100..1400).contains(&mean), "mean size {mean}");
        let span = Spec::BENCH.span();
        assert_eq!(
            (span.0.as_str(), span.1.as_str()),
            ("2025-01-01", "2027-12-31")
        );
    }
}
