//! Streaming downloads: copying into any `AsyncWrite`, reading as a stream
//! of chunks, typed JSON errors on a zip endpoint, and cleanup of a partial
//! file. (The 50 MB memory test is in `download_memory.rs`, alone in its
//! binary.)
#![cfg(feature = "beta")]

mod support;

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use sailpoint_role_mining::beta::{self, ErrorBody};
use sailpoint_role_mining::runtime::{self, Error, RetryPolicy};

use support::*;

const DOWNLOAD_PATH: &str = "/beta/role-mining-sessions/s-1/potential-roles/r-2/export-async/e-3/download";

fn download(api: &beta::Client) -> beta::builders::DownloadRoleMiningPotentialRoleZip {
    api.download_role_mining_potential_role_zip("s-1", "r-2", "e-3")
}

/// 300 KiB of the pattern (several chunks on the wire), as a zip.
fn zip_body() -> Vec<u8> {
    (0..300 * 1024).map(pattern_byte).collect()
}

async fn serve(response: ResponseTemplate) -> (MockServer, beta::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(DOWNLOAD_PATH))
        .and(bearer(STATIC_TOKEN))
        .and(HeaderIs("accept", Some("application/zip, application/json".into())))
        .respond_with(response)
        .expect(1)
        .mount(&server)
        .await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();
    (server, api)
}

#[tokio::test]
async fn write_to_copies_into_any_async_writer_and_counts_bytes() {
    let body = zip_body();
    let (server, api) = serve(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/zip")).await;

    let zip = download(&api).send().await.expect("download");
    assert_eq!(zip.content_type(), Some("application/zip"));
    assert_eq!(zip.content_length(), Some(body.len() as u64));
    let mut sink: Vec<u8> = Vec::new();
    let written = zip.write_to(&mut sink).await.expect("copied");

    assert_eq!(written, body.len() as u64);
    assert!(sink == body, "the copy differs from the body");
    server.verify().await;
}

#[tokio::test]
async fn download_is_a_stream_of_chunks() {
    let body = zip_body();
    let (server, api) = serve(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/zip")).await;

    let chunks: Vec<_> = download(&api).send().await.expect("download").try_collect().await.expect("chunks");
    assert!(!chunks.is_empty());
    assert!(chunks.concat() == body, "the chunks do not add up to the body");
    server.verify().await;
}

#[tokio::test]
async fn declared_error_status_decodes_error_response_dto() {
    let body = error_dto_json("403 Forbidden", "missing scope iai:access-modeling:read");
    let (server, api) = serve(json_response(403, body)).await;

    let err = download(&api).send().await.unwrap_err();
    let Error::Api(api_err) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api_err.operation_id, "downloadRoleMiningPotentialRoleZip");
    assert_eq!(api_err.status, 403);
    let Some(ErrorBody::ErrorResponseDto(dto)) = &api_err.body else { panic!("body: {:?}", api_err.body) };
    assert_eq!(dto.detail_code.as_deref(), Some("403 Forbidden"));
    assert_eq!(dto.messages.as_ref().unwrap()[0].text.as_deref(), Some("missing scope iai:access-modeling:read"));
    assert_eq!(api_err.message.as_deref(), Some("missing scope iai:access-modeling:read"));
    server.verify().await;
}

/// The spec declares no 404 for the download, so an ErrorResponseDto
/// arrives as JSON (`ErrorBody::Other`); its facts are still extracted.
#[tokio::test]
async fn undeclared_404_keeps_the_json_and_its_facts() {
    let body = error_dto_json("404 Not found", "export e-3 has expired");
    let (server, api) = serve(json_response(404, body.clone())).await;

    let err = download(&api).send().await.unwrap_err();
    let api_err = err.as_api().unwrap_or_else(|| panic!("expected Error::Api, got {err:?}"));
    assert_eq!(api_err.status, 404);
    assert_eq!(api_err.body, Some(ErrorBody::Other(body)));
    assert_eq!(api_err.detail_code.as_deref(), Some("404 Not found"));
    assert_eq!(api_err.tracking_id.as_deref(), Some("c0ffee00c0ffee00c0ffee00c0ffee00"));
    assert_eq!(api_err.message.as_deref(), Some("export e-3 has expired"));
    assert_eq!(
        err.to_string(),
        "downloadRoleMiningPotentialRoleZip failed with HTTP 404 Not Found after 1 attempt [404 Not found]: export e-3 has expired \
         (trackingId c0ffee00c0ffee00c0ffee00c0ffee00)"
    );
    server.verify().await;
}

#[tokio::test]
async fn save_to_writes_the_file() {
    let (addr, heads) = pattern_server(200_000, 200_000).await;
    let api = static_client(&format!("http://{addr}"), RetryPolicy::disabled()).beta();
    let file = TempPath::new("save-to.zip");

    let written = download(&api).send().await.expect("download").save_to(&file.0).await.expect("saved");

    assert_eq!(written, 200_000);
    let saved = std::fs::read(&file.0).expect("the file");
    assert!(saved.iter().enumerate().all(|(i, &b)| b == pattern_byte(i as u64)), "the file differs from the body");
    let heads = heads.lock().unwrap();
    assert!(heads[0].starts_with(&format!("GET {DOWNLOAD_PATH} HTTP/1.1\r\n")), "{}", heads[0]);
}

#[tokio::test]
async fn a_broken_download_removes_the_partial_file() {
    // 1 MiB announced, 100 KiB sent, then the connection closes.
    let (addr, _) = pattern_server(1 << 20, 100 * 1024).await;
    let api = static_client(&format!("http://{addr}"), RetryPolicy::disabled()).beta();
    let file = TempPath::new("broken.zip");

    let err = download(&api).send().await.expect("the headers arrive").save_to(&file.0).await.unwrap_err();

    assert!(matches!(&err, Error::Transport(t) if t.operation_id == "downloadRoleMiningPotentialRoleZip"), "{err:?}");
    assert!(!file.0.exists(), "the partial file was left behind");
}

/// The client's `timeout` (default 120 s) bounds getting the response; a
/// download that keeps arriving must not be cut off by it, or any export
/// bigger than about 120 s of bandwidth can never be fetched.
#[tokio::test]
async fn a_download_still_arriving_outlives_the_request_timeout() {
    // 12 blocks of 64 KiB, one every 100 ms: about 1.2 s in all, against a 500 ms timeout.
    let size = 12 * BLOCK as u64;
    let (addr, _) = paced_pattern_server(size, size, Duration::from_millis(100)).await;
    let client = runtime::Client::builder()
        .base_url(format!("http://{addr}"))
        .access_token(STATIC_TOKEN)
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client");

    let started = Instant::now();
    let zip = download(&client.beta()).send().await.expect("the headers arrive at once");
    let mut sink = Vec::new();
    let result = zip.write_to(&mut sink).await;
    assert!(result.is_ok(), "failed after {:?} and {} bytes: {result:?}", started.elapsed(), sink.len());
    assert_eq!(sink.len() as u64, size);
}
