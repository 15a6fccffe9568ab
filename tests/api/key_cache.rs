//! Authenticated keys are reused from memory for `HANIA_KEY_CACHE_MS`:
//! a change through the server applies at once, a change made elsewhere
//! (another instance, the store itself) within that time.

use std::time::{Duration, Instant};

use hania_blackbox::{Backend, Method, on_both_backends, read};
use hania_server::config::Config;
use serde_json::json;

use crate::widget_support::{SHOP, widget};

/// A widget key's new domains and its revocation apply to the very next
/// request, although the key was cached by the one before.
async fn widget_key_changes_apply_at_once(backend: Backend) {
    let w = widget(backend, json!({})).await;
    let config = |origin: &'static str| w.call(Method::GET, "/config", Some(origin), None, None);
    assert_eq!(config(SHOP).await.status(), 200);
    let path = format!("/api/v1/widgets/keys/{}", w.key_id);
    let (status, body) = w
        .app
        .json(
            Method::PUT,
            &path,
            Some(&json!({"name": "Storefront", "allowed_domains": ["other.example.net"]})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(config(SHOP).await.status(), 403, "the old domain at once");
    assert_eq!(config("https://other.example.net").await.status(), 200);
    let (status, body) = w.app.json(Method::DELETE, &path, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        config("https://other.example.net").await.status(),
        401,
        "revoked at once"
    );
}

/// A key revoked in the store behind the server's back (as another
/// instance does) is still served from the cache right after, then
/// refused once the cache time has passed.
async fn a_revocation_elsewhere_applies_within_the_cache_time(backend: Backend) {
    let cache = Duration::from_millis(1500);
    let config = Config {
        key_cache_ms: Some(cache.as_millis().to_string()),
        ..Config::default()
    };
    let app = hania_blackbox::spawn_with(backend, config).await;
    let key = app.key(app.workspace, &["*"], None).await;
    let bots = || async {
        read(app.call(Method::GET, "/api/v1/bots", &key, None).await)
            .await
            .0
    };
    assert_eq!(bots().await, 200);
    let revoked = Instant::now();
    app.revoke_in_store(&key).await;
    assert_eq!(bots().await, 200, "served from the cache");
    while bots().await != 401 {
        assert!(
            revoked.elapsed() < cache + Duration::from_millis(500),
            "still accepted after the cache time"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        revoked.elapsed() >= Duration::from_millis(1000),
        "refused only when the cache time ran out"
    );
}

/// `HANIA_KEY_CACHE_MS=0`: every request reads its key.
async fn no_cache_reads_the_key_every_time(backend: Backend) {
    let config = Config {
        key_cache_ms: Some("0".into()),
        ..Config::default()
    };
    let app = hania_blackbox::spawn_with(backend, config).await;
    let key = app.key(app.workspace, &["*"], None).await;
    let (status, _) = read(app.call(Method::GET, "/api/v1/bots", &key, None).await).await;
    assert_eq!(status, 200);
    app.revoke_in_store(&key).await;
    let (status, _) = read(app.call(Method::GET, "/api/v1/bots", &key, None).await).await;
    assert_eq!(status, 401);
}

on_both_backends!(
    backend:
    widget_key_changes_apply_at_once,
    a_revocation_elsewhere_applies_within_the_cache_time,
    no_cache_reads_the_key_every_time
);
