//! Multistatus parse throughput on a 5 MB calendar-multiget body (issue 4, item 9; goal: at least
//! 100 MB/s on one core). The body is generated: iCloud's shape (xmlns per element, CDATA
//! calendar-data) and Radicale's shape (prefixed, escaped calendar-data), about 2.5 KB per event.

use almanac_caldav::multiget::parse_multiget;
use almanac_caldav::transport::RawResponse;
use almanac_caldav::xml::parse_multistatus;
use criterion::{Criterion, Throughput, criterion_main};
use std::fmt::Write as _;
use std::hint::black_box;

const TARGET: usize = 5 * 1024 * 1024;

fn event(i: usize) -> String {
    let mut ics = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//macOS 14.4//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Vienna\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nDTSTART:19810329T020000\r\nTZNAME:CEST\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nDTSTART:19961027T030000\r\nTZNAME:CET\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:{i:08}-5C1B-4D2E-9F3A-6B7C8D9E0F1A\r\nDTSTAMP:20240301T101500Z\r\nDTSTART;TZID=Europe/Vienna:20240305T090000\r\nDTEND;TZID=Europe/Vienna:20240305T100000\r\nSUMMARY:Event number {i} & friends\r\n"
    );
    ics.push_str("DESCRIPTION:");
    ics.push_str(&"Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(20));
    ics.push_str("\r\nX-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-ADDRESS=Stephansplatz 1;X-APPLE-RADIUS=70;X-TITLE=Office:geo:48.208,16.373\r\nBEGIN:VALARM\r\nX-WR-ALARMUID:A1\r\nUID:A1\r\nTRIGGER:-PT15M\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n");
    ics
}

fn icloud_body() -> Vec<u8> {
    let mut body = String::from("<?xml version='1.0' encoding='UTF-8'?><multistatus xmlns='DAV:'>");
    let mut i = 0;
    while body.len() < TARGET {
        let _ = write!(
            body,
            "<response><href>/17149682/calendars/home/{i:08}.ics</href><propstat><prop><getetag xmlns='DAV:'>\"mj9g{i}\"</getetag><calendar-data xmlns='urn:ietf:params:xml:ns:caldav'><![CDATA[{}]]></calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>",
            event(i)
        );
        i += 1;
    }
    body.push_str("</multistatus>");
    body.into_bytes()
}

fn radicale_body() -> Vec<u8> {
    let mut body = String::from(
        "<?xml version='1.0' encoding='utf-8'?>\n<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">",
    );
    let mut i = 0;
    while body.len() < TARGET {
        let ics = event(i).replace('&', "&amp;").replace('\r', "&#13;");
        let _ = write!(
            body,
            "<response><href>/alice/cal/{i:08}.ics</href><propstat><prop><getetag>\"{i}-abc\"</getetag><C:calendar-data>{ics}</C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response>"
        );
        i += 1;
    }
    body.push_str("</multistatus>");
    body.into_bytes()
}

fn bench(c: &mut Criterion) {
    for (name, body) in [
        ("icloud_cdata", icloud_body()),
        ("radicale_escaped", radicale_body()),
    ] {
        let mut group = c.benchmark_group(format!("multiget_5mb_{name}"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.sample_size(20);
        group.bench_function("parse_multistatus", |b| {
            b.iter(|| parse_multistatus(black_box(&body)).map(|m| m.responses.len()))
        });
        let response = RawResponse {
            url: url::Url::parse("https://p12-caldav.icloud.com/17149682/calendars/home/")
                .unwrap_or_else(|_| unreachable!()),
            status: 207,
            headers: Default::default(),
            body: body.clone(),
        };
        group.bench_function("parse_multiget", |b| {
            b.iter(|| parse_multiget(black_box(&response)).map(|f| f.found.len()))
        });
        group.finish();
    }
}

// criterion's macros generate an undocumented `pub fn`; keep it in a private module.
mod harness {
    #![allow(missing_docs)]
    criterion::criterion_group!(benches, super::bench);
}

criterion_main!(harness::benches);
