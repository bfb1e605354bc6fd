//! Which clock a locale writes times on: 12-hour ("2:30 PM") or 24-hour ("14:30").
//!
//! The answer is CLDR's, the `j` pattern letter of its `timeData`: the preferred hour cycle of
//! the locale's language and region where CLDR names that pair (`fr-CA` is 24-hour in a 12-hour
//! country), else of its region; a locale without a region takes its likely one
//! (`likelySubtags`: `en` is `en-US`, `ko` is `ko-KR`, `zh-Hant` is `zh-Hant-TW`). A `-u-hc-`
//! keyword in the tag, which is how a user's own 12/24-hour choice travels in a BCP-47 tag,
//! wins over both. Whatever CLDR does not call 12-hour is 24-hour, as its world default (`001`)
//! is. POSIX names (`en_US.UTF-8`, `de_DE@euro`) are read like BCP-47 tags.
//!
//! The data is a generated table (`table.rs`) of the few hundred rows where CLDR differs from
//! the 24-hour default, from Unicode's CLDR JSON vendored in `tests/cldr/` and checked against
//! it by the `hour_cycle_table` test. ICU4X holds the same data, but answers this question only
//! through `icu_datetime`, by formatting a time with the locale's compiled patterns: a crate
//! family and megabytes of data for one bit per locale, in a build that runs on two cores.

mod table;

/// A clock's hour cycle, as a locale prefers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HourCycle {
    /// 1 to 12 with AM/PM (CLDR's `h`; its rare `K`, 0 to 11, counts here too).
    H12,
    /// 0 to 23 (CLDR's `H`; its rare `k`, 1 to 24, counts here too).
    H24,
}

/// A locale's parts that decide its hour cycle.
#[derive(Debug, Default, PartialEq, Eq)]
struct Tag {
    language: String,
    script: Option<String>,
    region: Option<String>,
    keyword: Option<HourCycle>,
}

impl Tag {
    fn parse(locale: &str) -> Tag {
        let bcp47 = locale
            .split(['.', '@'])
            .next()
            .unwrap_or_default()
            .replace('_', "-");
        let mut subtags = bcp47.split('-').filter(|s| !s.is_empty()).peekable();
        let mut tag = Tag {
            language: subtags.next().unwrap_or_default().to_ascii_lowercase(),
            ..Tag::default()
        };
        if let Some(script) = subtags.next_if(|s| s.len() == 4 && is_alpha(s)) {
            tag.script = Some(title_case(script));
        }
        if let Some(region) = subtags.next_if(|s| {
            (s.len() == 2 && is_alpha(s)) || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
        }) {
            tag.region = Some(region.to_ascii_uppercase());
        }
        let rest: Vec<String> = subtags.map(str::to_ascii_lowercase).collect();
        if let Some(u) = rest.iter().position(|s| s == "u") {
            let keys = rest.get(u + 1..).unwrap_or_default();
            let end = keys.iter().position(|s| s.len() == 1).unwrap_or(keys.len());
            tag.keyword = keys
                .get(..end)
                .unwrap_or_default()
                .windows(2)
                .find(|pair| pair[0] == "hc")
                .and_then(|pair| match pair[1].as_str() {
                    "h11" | "h12" => Some(HourCycle::H12),
                    "h23" | "h24" => Some(HourCycle::H24),
                    _ => None,
                });
        }
        tag
    }
}

fn is_alpha(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn title_case(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    lower
        .get(..1)
        .map(|first| first.to_ascii_uppercase() + lower.get(1..).unwrap_or_default())
        .unwrap_or_default()
}

/// The value of `key` in a table sorted by key.
fn find(table: &[(&str, bool)], key: &str) -> Option<bool> {
    table
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .and_then(|i| table.get(i))
        .map(|(_, twelve)| *twelve)
}

impl HourCycle {
    /// The hour cycle `locale` prefers: a BCP-47 tag (`en-US`, `zh-Hant`, `de-DE-u-hc-h12`) or a
    /// POSIX locale name (`en_GB.UTF-8`). `C`, `POSIX`, an empty or unknown locale: 24-hour.
    pub fn of_locale(locale: &str) -> HourCycle {
        let tag = Tag::parse(locale);
        if let Some(keyword) = tag.keyword {
            return keyword;
        }
        let twelve = match (&tag.region, &tag.script) {
            (Some(region), _) => find(table::PAIRS, &format!("{}-{region}", tag.language))
                .unwrap_or_else(|| table::REGIONS_12.binary_search(&region.as_str()).is_ok()),
            (None, script) => script
                .as_ref()
                .and_then(|s| find(table::LIKELY, &format!("{}-{s}", tag.language)))
                .or_else(|| find(table::LIKELY, &tag.language))
                .unwrap_or(false),
        };
        if twelve {
            HourCycle::H12
        } else {
            HourCycle::H24
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::{BTreeMap, BTreeSet};
    use std::fmt::Write;
    use std::path::Path;

    fn cldr(name: &str) -> Value {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/cldr")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }

    /// `table.rs` as CLDR's files give it.
    fn generated() -> String {
        let time = cldr("timeData.json");
        let likely = cldr("likelySubtags.json");
        let available = cldr("availableLocales.json");
        let twelve = |entry: &Value| matches!(entry["_preferred"].as_str(), Some("h" | "K"));
        let mut pairs = BTreeMap::new();
        let mut regions = BTreeSet::new();
        for (key, entry) in time["supplemental"]["timeData"].as_object().unwrap() {
            if key.contains('-') {
                pairs.insert(key.clone(), twelve(entry));
            } else if twelve(entry) {
                regions.insert(key.clone());
            }
        }
        let likely = &likely["supplemental"]["likelySubtags"];
        let answer = |key: &str| {
            let full = Tag::parse(likely[key].as_str()?);
            let region = full.region?;
            Some(
                pairs
                    .get(&format!("{}-{region}", full.language))
                    .copied()
                    .unwrap_or_else(|| regions.contains(&region)),
            )
        };
        let mut languages = BTreeMap::new();
        for locale in available["availableLocales"]["full"].as_array().unwrap() {
            let tag = Tag::parse(locale.as_str().unwrap());
            if tag.region.is_some() || tag.language == "root" {
                continue;
            }
            let bare = answer(&tag.language).unwrap_or(false);
            if bare {
                languages.insert(tag.language.clone(), true);
            }
            if let Some(script) = &tag.script {
                let key = format!("{}-{script}", tag.language);
                if let Some(own) = answer(&key).filter(|own| *own != bare) {
                    languages.insert(key, own);
                }
            }
        }
        let mut out = String::from(
            "//! Generated from CLDR's `timeData.json`, `likelySubtags.json` and\n\
             //! `availableLocales.json` (`tests/cldr/`) by the `hour_cycle_table` test; do not\n\
             //! edit.\n\n\
             /// `language-REGION` pairs with an hour cycle of their own: (pair, 12-hour?).\n\
             pub(super) const PAIRS: &[(&str, bool)] = &[\n",
        );
        for (pair, h12) in &pairs {
            writeln!(out, "    ({pair:?}, {h12}),").unwrap();
        }
        out.push_str(
            "];\n\n\
             /// Regions whose clock is 12-hour.\n\
             #[rustfmt::skip]\n\
             pub(super) const REGIONS_12: &[&str] = &[\n",
        );
        let regions: Vec<String> = regions.iter().map(|r| format!("{r:?},")).collect();
        for line in regions.chunks(16) {
            writeln!(out, "    {}", line.join(" ")).unwrap();
        }
        out.push_str(
            "];\n\n\
             /// Locales without a region, by their likely region: (`language` or\n\
             /// `language-Script`, 12-hour?). A language absent here is 24-hour; a script is\n\
             /// listed where it differs from its language.\n\
             pub(super) const LIKELY: &[(&str, bool)] = &[\n",
        );
        for (key, h12) in &languages {
            writeln!(out, "    ({key:?}, {h12}),").unwrap();
        }
        out.push_str("];\n");
        out
    }

    #[test]
    fn hour_cycle_table_is_cldrs() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/locale/table.rs");
        let fresh = generated();
        if std::env::var_os("UPDATE_CLDR").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        assert!(
            std::fs::read_to_string(&path).unwrap() == fresh,
            "src/locale/table.rs differs from tests/cldr: rerun with UPDATE_CLDR=1"
        );
    }

    #[test]
    fn locales_map_to_cldrs_hour_cycle() {
        use HourCycle::{H12, H24};
        for (locale, cycle) in [
            ("en-US", H12),
            ("en_US.UTF-8", H12),
            ("en-GB", H24),
            ("en_GB.UTF-8", H24),
            ("en-IE", H24),
            ("en-AU", H12),
            ("en-NZ", H12),
            ("en-CA", H12),
            ("en-IN", H12),
            ("en-ZA", H24),
            ("en-001", H12),
            ("fr-CA", H24),
            ("fr-FR", H24),
            ("de-DE", H24),
            ("de_DE.UTF-8@euro", H24),
            ("de-AT", H24),
            ("ja-JP", H24),
            ("ko-KR", H12),
            ("hi-IN", H12),
            ("ta_IN", H12),
            ("zh-CN", H24),
            ("zh-TW", H12),
            ("zh-HK", H12),
            ("zh-Hant", H12),
            ("zh-Hans", H24),
            ("zh-Hant-TW", H12),
            ("yue", H12),
            ("ar-EG", H12),
            ("ar-SA", H12),
            ("ar", H12),
            ("es-ES", H24),
            ("es-MX", H12),
            ("es-US", H12),
            ("es-419", H12),
            ("pt-BR", H24),
            ("pt-PT", H24),
            ("ru-RU", H24),
            ("tr-TR", H24),
            ("pl-PL", H24),
            ("nl-NL", H24),
            ("sv-SE", H24),
            ("it-CH", H24),
            ("fil-PH", H12),
            ("ms-MY", H12),
            ("en", H12),
            ("ko", H12),
            ("de", H24),
            ("ja", H24),
            ("sr-Latn-RS", H24),
            ("en-us", H12),
            ("EN_us", H12),
            ("en-US-u-hc-h23", H24),
            ("de-DE-u-hc-h12", H12),
            ("de-DE-u-ca-gregory-hc-h11", H12),
            ("en-US-u-ca-gregory-x-hc-h23", H12),
            ("C", H24),
            ("C.UTF-8", H24),
            ("POSIX", H24),
            ("", H24),
            ("xx-YY", H24),
            ("-", H24),
        ] {
            assert_eq!(HourCycle::of_locale(locale), cycle, "{locale:?}");
        }
    }
}
