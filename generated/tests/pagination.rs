//! Offset/limit collections end to end: `stream()`, `collect_all()` and
//! `send_page()` of a list operation against a server that pages a
//! 1,003-item collection by the query it receives.
#![cfg(feature = "beta")]

mod support;

use futures_util::StreamExt;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use sailpoint_role_mining::beta::{self, ErrorBody};
use sailpoint_role_mining::runtime::{Error, RetryPolicy};

use support::*;

/// Serves items `s-0` .. `s-{total-1}` by `offset`/`limit` (server defaults
/// 0 and 250), with `X-Total-Count` when `count=true`; answers 500 for the
/// page at `fail_at`.
struct Collection {
    total: usize,
    fail_at: Option<usize>,
}

impl Respond for Collection {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let param = |name: &str| request.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
        let offset: usize = param("offset").map_or(0, |v| v.parse().expect("offset"));
        let limit: usize = param("limit").map_or(250, |v| v.parse().expect("limit"));
        if self.fail_at == Some(offset) {
            return json_response(500, error_dto_json("500.0 Internal Fault", "page store unavailable"));
        }
        let items: Vec<_> = (offset..(offset + limit).min(self.total)).map(session_json).collect();
        let response = json_response(200, serde_json::Value::Array(items));
        if param("count").as_deref() == Some("true") {
            response.insert_header("X-Total-Count", self.total.to_string())
        } else {
            response
        }
    }
}

async fn serve(collection: Collection) -> (MockServer, beta::Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .and(bearer(STATIC_TOKEN))
        .respond_with(collection)
        .mount(&server)
        .await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();
    (server, api)
}

/// The raw query string of each request, in order.
async fn queries(server: &MockServer) -> Vec<String> {
    requests_to(server, SESSIONS_PATH).await.iter().map(|r| r.url.query().unwrap_or_default().to_owned()).collect()
}

fn page_queries(offsets: impl IntoIterator<Item = usize>, limit: usize) -> Vec<String> {
    offsets.into_iter().map(|offset| format!("offset={offset}&limit={limit}")).collect()
}

fn ids(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("s-{i}")).collect()
}

fn ids_of(sessions: &[beta::models::RoleMiningSessionResponse]) -> Vec<String> {
    sessions.iter().map(|s| s.id.clone().expect("id")).collect()
}

#[tokio::test]
async fn stream_walks_the_collection_in_default_pages() {
    let (server, api) = serve(Collection { total: 1003, fail_at: None }).await;

    let items: Vec<_> = api.get_role_mining_sessions().stream().collect().await;
    let sessions: Vec<_> = items.into_iter().map(|item| item.expect("item")).collect();

    assert_eq!(ids_of(&sessions), ids(0..1003));
    assert_eq!(queries(&server).await, page_queries([0, 250, 500, 750, 1000], 250));
}

#[tokio::test]
async fn collect_all_gathers_every_page() {
    let (server, api) = serve(Collection { total: 1003, fail_at: None }).await;

    let sessions = api.get_role_mining_sessions().collect_all().await.expect("all pages");

    assert_eq!(ids_of(&sessions), ids(0..1003));
    assert_eq!(queries(&server).await, page_queries([0, 250, 500, 750, 1000], 250));
}

#[tokio::test]
async fn limit_sets_the_page_size() {
    let (server, api) = serve(Collection { total: 1003, fail_at: None }).await;

    let sessions = api.get_role_mining_sessions().limit(100).collect_all().await.expect("all pages");

    assert_eq!(ids_of(&sessions), ids(0..1003));
    assert_eq!(queries(&server).await, page_queries((0..=1000).step_by(100), 100));
}

#[tokio::test]
async fn offset_sets_the_start() {
    let (server, api) = serve(Collection { total: 1003, fail_at: None }).await;

    let sessions = api.get_role_mining_sessions().offset(1000).collect_all().await.expect("the last page");

    assert_eq!(ids_of(&sessions), ids(1000..1003));
    assert_eq!(queries(&server).await, page_queries([1000], 250));
}

/// A collection that ends exactly at a page boundary takes one more (empty)
/// page to notice.
#[tokio::test]
async fn collection_ending_on_a_page_boundary() {
    let (server, api) = serve(Collection { total: 500, fail_at: None }).await;

    let sessions = api.get_role_mining_sessions().collect_all().await.expect("all pages");

    assert_eq!(ids_of(&sessions), ids(0..500));
    assert_eq!(queries(&server).await, page_queries([0, 250, 500], 250));
}

#[tokio::test]
async fn other_parameters_go_with_every_page() {
    let (server, api) = serve(Collection { total: 1003, fail_at: None }).await;

    let sessions =
        api.get_role_mining_sessions().filters(r#"name sw "Q&A""#).sorters("-createdDate").limit(400).collect_all().await;

    assert_eq!(sessions.expect("all pages").len(), 1003);
    let expected: Vec<_> = [0, 400, 800]
        .iter()
        .map(|offset| format!("filters=name%20sw%20%22Q%26A%22&sorters=-createdDate&offset={offset}&limit=400"))
        .collect();
    assert_eq!(queries(&server).await, expected);
}

#[tokio::test]
async fn send_page_reports_the_total_count() {
    let (server, api) = serve(Collection { total: 1003, fail_at: None }).await;

    let page = api.get_role_mining_sessions().count(true).send_page().await.expect("a page");
    assert_eq!(page.total_count, Some(1003));
    assert_eq!(ids_of(&page.items), ids(0..250));

    let page = api.get_role_mining_sessions().offset(1000).send_page().await.expect("a page");
    assert_eq!(page.total_count, None, "no count asked for, none sent");
    assert_eq!(ids_of(&page.items), ids(1000..1003));

    assert_eq!(queries(&server).await, ["count=true", "offset=1000"]);
}

#[tokio::test]
async fn an_error_ends_the_stream_after_the_pages_before_it() {
    let (server, api) = serve(Collection { total: 1003, fail_at: Some(500) }).await;

    let mut stream = Box::pin(api.get_role_mining_sessions().stream());
    let mut ok = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(session)) => ok.push(session),
            Some(Err(err)) => break err,
            None => panic!("the stream ended without the error after {} items", ok.len()),
        }
    };
    assert!(stream.next().await.is_none(), "nothing after the error");

    assert_eq!(ids_of(&ok), ids(0..500));
    let Error::Api(api_err) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api_err.status, 500);
    let Some(ErrorBody::ErrorResponseDto(dto)) = &api_err.body else { panic!("body: {:?}", api_err.body) };
    assert_eq!(dto.detail_code.as_deref(), Some("500.0 Internal Fault"));
    assert_eq!(queries(&server).await, page_queries([0, 250, 500], 250));
}

#[tokio::test]
async fn pages_are_fetched_only_when_needed() {
    let (server, api) = serve(Collection { total: 1003, fail_at: None }).await;

    let stream = api.get_role_mining_sessions().stream();
    assert_eq!(queries(&server).await.len(), 0, "creating the stream sends nothing");

    let first: Vec<_> = stream.take(10).collect().await;
    assert_eq!(first.len(), 10);
    assert_eq!(queries(&server).await, page_queries([0], 250));

    let more: Vec<_> = api.get_role_mining_sessions().stream().take(251).collect().await;
    assert_eq!(more.len(), 251);
    assert_eq!(queries(&server).await, page_queries([0, 0, 250], 250));
}
