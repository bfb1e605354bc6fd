//! Windows zone names to IANA: Outlook and Exchange write `TZID:W. Europe Standard Time` where
//! everyone else writes `Europe/Berlin`.
//!
//! The table is CLDR's, whole: every Windows name with its world-wide default zone (territory
//! `001` of `windowsZones.xml`, 139 names in CLDR 48), generated into `table.rs` from Unicode's
//! JSON edition vendored in `tests/cldr/`, and checked against it by a unit test
//! (`windows_table`), so that an update is a copied file and a rerun, never a hand edit. A crate
//! was not taken for it: the ones that carry this mapping either follow CLDR by hand on their
//! own schedule or, like ICU4X's `icu_time`, map to BCP-47 zone ids rather than IANA names and
//! bring their data provider along, for 5 kB of strings.
//!
//! Names compare without regard to ASCII case, as Windows itself treats them.

mod table;

use std::cmp::Ordering;

fn cmp_ignoring_case(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// The IANA name CLDR gives a Windows zone name, if it is one.
pub(super) fn iana(windows: &str) -> Option<&'static str> {
    table::TABLE
        .binary_search_by(|(name, _)| cmp_ignoring_case(name, windows))
        .ok()
        .and_then(|i| table::TABLE.get(i))
        .map(|(_, iana)| *iana)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Tz;
    use std::path::Path;

    const HEAD: &str = "//! Generated from CLDR's `windowsZones.json` (`tests/cldr/`) by the\n\
                        //! `windows_table` test; do not edit.\n\n\
                        /// (Windows zone name, IANA name), territory `001`, in ASCII \
                        lower-case order.\n\
                        pub(super) const TABLE: &[(&str, &str)] = &[\n";

    /// The table as it is generated from the vendored CLDR file.
    fn generated() -> String {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/cldr");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("windowsZones.json")).unwrap())
                .unwrap();
        let mut rows: Vec<(String, String)> = json["supplemental"]["windowsZones"]["mapTimezones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| &m["mapZone"])
            .filter(|z| z["_territory"] == "001")
            .map(|z| {
                let name = z["_other"].as_str().unwrap().to_string();
                (name, z["_type"].as_str().unwrap().to_string())
            })
            .collect();
        rows.sort_by(|a, b| cmp_ignoring_case(&a.0, &b.0));
        let mut out = HEAD.to_string();
        for (windows, iana) in rows {
            out.push_str(&format!("    ({windows:?}, {iana:?}),\n"));
        }
        out.push_str("];\n");
        out
    }

    #[test]
    fn windows_table_is_cldrs() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tz/windows/table.rs");
        let fresh = generated();
        if std::env::var_os("UPDATE_CLDR").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        assert!(
            std::fs::read_to_string(&path).unwrap() == fresh,
            "src/tz/windows/table.rs differs from tests/cldr/windowsZones.json: rerun with UPDATE_CLDR=1"
        );
        assert!(table::TABLE.len() >= 139, "{}", table::TABLE.len());
        for (windows, iana) in table::TABLE {
            assert!(iana.parse::<Tz>().is_ok(), "{windows} → {iana}");
        }
    }

    #[test]
    fn names_outlook_writes_resolve_in_any_case() {
        for (windows, zone) in [
            ("W. Europe Standard Time", "Europe/Berlin"),
            ("Pacific Standard Time", "America/Los_Angeles"),
            ("India Standard Time", "Asia/Calcutta"),
            ("AUS Eastern Standard Time", "Australia/Sydney"),
            ("aus eastern standard time", "Australia/Sydney"),
            ("Dateline Standard Time", "Etc/GMT+12"),
            ("UTC", "Etc/UTC"),
            ("Yukon Standard Time", "America/Whitehorse"),
        ] {
            assert_eq!(iana(windows), Some(zone), "{windows}");
        }
        assert_eq!(iana("Middle Earth Standard Time"), None);
        assert_eq!(iana(""), None);
    }
}
