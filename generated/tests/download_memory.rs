//! A 50 MB download streamed to disk must not be held in memory. Alone in
//! its test binary so no other test moves the process's peak RSS.
#![cfg(feature = "beta")]

mod support;

use std::io::{Read, Seek, SeekFrom};

use sailpoint_role_mining::runtime::RetryPolicy;

use support::*;

const SIZE: u64 = 50 * 1024 * 1024;
const MAX_GROWTH_KB: u64 = 20 * 1024;

/// A `kB` field of /proc/self/status, e.g. `VmHWM` (peak RSS).
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(&format!("{field}:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test]
async fn fifty_megabytes_stream_to_disk_in_bounded_memory() {
    if status_kb("VmHWM").is_none() {
        println!("skipped: /proc/self/status with VmHWM is not available on this system");
        return;
    }
    let (addr, _) = pattern_server(SIZE, SIZE).await;
    let api = static_client(&format!("http://{addr}"), RetryPolicy::disabled()).beta();
    let file = TempPath::new("fifty-megabytes.zip");

    // Reset the peak to the current RSS where the kernel allows it, so that
    // the growth below is measured from now (else from the earlier peak,
    // which can only make it look smaller).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kb("VmHWM").unwrap();
    let download = api.download_role_mining_potential_role_zip("s-1", "r-2", "e-3").send().await.expect("download");
    assert_eq!(download.content_length(), Some(SIZE));
    assert_eq!(download.content_type(), Some("application/zip"));
    let written = download.save_to(&file.0).await.expect("saved");
    let after = status_kb("VmHWM").unwrap();

    let growth = after.saturating_sub(before);
    println!(
        "peak RSS before {before} kB, after {after} kB: growth {growth} kB ({:.1} MB) for a {} MB download (peak reset: {reset})",
        growth as f64 / 1024.0,
        SIZE >> 20
    );
    assert!(growth < MAX_GROWTH_KB, "peak RSS grew by {growth} kB while streaming {SIZE} bytes to disk");

    assert_eq!(written, SIZE);
    let mut saved = std::fs::File::open(&file.0).expect("the file");
    assert_eq!(saved.metadata().expect("metadata").len(), SIZE);
    // Spot checks: the first block, block boundaries, the middle, the end.
    let block = BLOCK as u64;
    for start in [0, block - 4, 7 * block + 3, SIZE / 2 - 5, 431 * block + 1000, SIZE - 16] {
        let mut got = [0u8; 16];
        saved.seek(SeekFrom::Start(start)).expect("seek");
        saved.read_exact(&mut got).expect("read");
        let want: Vec<u8> = (start..start + 16).map(pattern_byte).collect();
        assert_eq!(got.as_slice(), want.as_slice(), "bytes at offset {start}");
    }
}
