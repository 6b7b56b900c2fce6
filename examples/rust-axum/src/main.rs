use axum::{routing::get, Router};

#[tokio::main]
async fn main() {
    let database_url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let _ = database_url;
    let app = Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/entries", get(|| async { "[]" }));
    let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
    axum::serve(listener, app).await.unwrap();
}
