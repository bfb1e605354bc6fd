//! WebDAV and CalDAV over HTTP: discovery, calendar listing, sync-collection, etag listing,
//! calendar-multiget and conditional writes. Requests are built and responses parsed by pure
//! code; one function sends. Every failure is classified (unauthorized, rate limited, offline,
//! invalid sync token, ...) so that the sync engine decides what it means without reading status
//! codes. Nothing here knows SQLite, Tauri or retry policy.
