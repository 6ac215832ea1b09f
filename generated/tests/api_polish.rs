//! The public surface: `Debug` on every public runtime type (never showing
//! a credential), `reqwest` re-exported at the crate root, and the raw body
//! of every API error reachable whatever the spec declares for it.
#![cfg(feature = "beta")]

mod support;

use std::fmt::Debug;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use sailpoint_role_mining::beta::ErrorBody;
use sailpoint_role_mining::runtime::{self, Error, RetryPolicy};

use support::*;

fn assert_debug<T: Debug + ?Sized>() {}

#[test]
fn every_public_runtime_type_is_debug() {
    type B = ErrorBody;
    assert_debug::<runtime::ApiError<B>>();
    assert_debug::<runtime::AuthError>();
    assert_debug::<runtime::AuthFailure>();
    assert_debug::<runtime::Client>();
    assert_debug::<runtime::ClientBuilder>();
    assert_debug::<runtime::ClientCredentials>();
    assert_debug::<runtime::ConfigError>();
    assert_debug::<runtime::DecodeError>();
    assert_debug::<runtime::Download<B>>();
    assert_debug::<runtime::Error<B>>();
    assert_debug::<runtime::IoError>();
    // (`runtime::ItemStream` is an alias of a boxed `dyn Stream`, and
    // `TokenFuture` of a boxed `dyn Future`: not types of ours.)
    assert_debug::<runtime::JobError>();
    assert_debug::<runtime::Multipart>();
    assert_debug::<runtime::Page<u8>>();
    assert_debug::<runtime::PollPolicy>();
    assert_debug::<runtime::RateLimit>();
    assert_debug::<runtime::Request<B>>();
    assert_debug::<runtime::RequestError>();
    assert_debug::<runtime::Response<B>>();
    assert_debug::<runtime::RetryPolicy>();
    assert_debug::<runtime::SecretString>();
    assert_debug::<runtime::StaticToken>();
    assert_debug::<runtime::TimeoutError>();
    assert_debug::<runtime::TransportError>();
    assert_debug::<runtime::TransportKind>();
    assert_debug::<runtime::TransportPhase>();
    assert_debug::<dyn runtime::TokenProvider>();
    assert_debug::<sailpoint_role_mining::jobs::JobWait<'static, String, (), B>>();
}

#[test]
fn requests_show_header_names_not_values() {
    let mut request: runtime::Request<ErrorBody> =
        runtime::Request::new(sailpoint_role_mining::reqwest::Method::GET, "getRoleMiningSession", "/beta", "/role-mining-sessions/{sessionId}", |_, _| {
            Ok(ErrorBody::Other(serde_json::Value::Null))
        });
    request.path_param("sessionId", "s-1");
    request.header("X-Api-Key", Some("value-that-is-secret"));
    let shown = format!("{request:?}");
    assert!(shown.contains("getRoleMiningSession") && shown.contains("/beta/role-mining-sessions/s-1"), "{shown}");
    assert!(shown.contains("x-api-key") && !shown.contains("value-that-is-secret"), "{shown}");
    assert_eq!(request.path_template(), "/beta/role-mining-sessions/{sessionId}");
}

#[tokio::test]
async fn responses_are_debug_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .respond_with(json_response(200, json!([session_json(1)])).insert_header("x-total-count", "1"))
        .mount(&server)
        .await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();

    let response = api.get_role_mining_sessions().send_raw().await.expect("response");
    let shown = format!("{response:?}");
    assert!(shown.contains("getRoleMiningSessions") && shown.contains("200") && shown.contains("attempts: 1"), "{shown}");
    assert!(!shown.contains(STATIC_TOKEN), "{shown}");
    assert_eq!(response.total_count(), Some(1));
}

/// `sailpoint_role_mining::reqwest` is the crate's own reqwest: its types fit
/// the builder without a matching version in the user's Cargo.toml.
#[tokio::test]
async fn reqwest_is_reexported_at_the_crate_root() {
    use sailpoint_role_mining::reqwest;

    let http = reqwest::Client::builder().user_agent("mine/1.0").build().expect("reqwest client");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .and(HeaderIs("user-agent", Some("mine/1.0".into())))
        .respond_with(json_response(200, json!([])))
        .mount(&server)
        .await;
    let client = sailpoint_role_mining::Client::builder()
        .base_url(server.uri())
        .access_token(STATIC_TOKEN)
        .http_client(http)
        .rate_limit(None)
        .build()
        .expect("client");
    assert!(client.beta().get_role_mining_sessions().send().await.expect("call").is_empty());
    let status: reqwest::StatusCode = reqwest::StatusCode::NOT_FOUND;
    assert_eq!(status.as_u16(), 404);
}

#[tokio::test]
async fn the_raw_error_body_is_always_there() {
    let server = MockServer::start().await;
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let typed = error_dto_json("400.1 Bad Request Content", "name is required");
    Mock::given(method("GET"))
        .and(path(SESSIONS_PATH))
        .respond_with(ResponseTemplate::new(502).set_body_raw(html.as_bytes(), "text/html"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(SESSIONS_PATH))
        .respond_with(json_response(400, typed.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{SESSIONS_PATH}/s-1")))
        .respond_with(json_response(200, json!({"id": ["not", "a", "string"]})))
        .mount(&server)
        .await;
    let api = static_client(&server.uri(), RetryPolicy::disabled()).beta();

    // A body the spec does not declare: no typed body, the text is there.
    let err = api.get_role_mining_sessions().send().await.unwrap_err();
    let api_err = err.as_api().expect("an API error");
    assert!(api_err.body.is_none());
    assert_eq!(api_err.text(), html);
    assert_eq!(err.body_text().as_deref(), Some(html));
    assert_eq!(err.raw_body().map(|b| b.as_ref()), Some(html.as_bytes()));

    // A body that matched its schema: both the typed body and the raw bytes.
    let err = api.create_role_mining_sessions(Default::default()).send().await.unwrap_err();
    let api_err = err.as_api().expect("an API error");
    assert!(matches!(api_err.body, Some(ErrorBody::ErrorResponseDto(_))), "{:?}", api_err.body);
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&api_err.raw_body).unwrap(), typed);

    // A success body that did not decode keeps its bytes too.
    let err = api.get_role_mining_session("s-1").send().await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_eq!(err.body_text().as_deref(), Some(r#"{"id":["not","a","string"]}"#));
    assert_eq!(err.attempts(), Some(1));
}
