//! The proxy on a socket, through the accept loop it shares with the sandbox.

use super::{Answer, Proxy};
use crate::serve::http::{accept, run_on};
use http_body_util::Full;
use hyper::body::Bytes;
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    proxy: Arc<Proxy>,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) {
    let handler = move |req| {
        let proxy = proxy.clone();
        async move { Ok::<_, Infallible>(response(proxy.handle(req).await)) }
    };
    accept(
        listener,
        Duration::from_secs(10),
        max_connections,
        handler,
        shutdown,
    )
    .await
}

fn response(a: Answer) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(a.status);
    for (k, v) in a.headers {
        builder = builder.header(k, v);
    }
    builder.body(Full::new(a.body)).unwrap_or_else(|_| {
        let mut r = hyper::Response::new(Full::new(Bytes::from_static(b"{\"errcode\":-1}")));
        *r.status_mut() = hyper::StatusCode::BAD_GATEWAY;
        r
    })
}

/// Binds `addr`, says where it listens, and serves until Ctrl-C or SIGTERM.
pub fn run(
    addr: &str,
    proxy: Proxy,
    max_connections: usize,
    announce: impl FnOnce(std::net::SocketAddr),
) -> std::io::Result<()> {
    let proxy = Arc::new(proxy);
    run_on(addr, announce, |listener, stop| {
        serve(listener, proxy, max_connections, stop)
    })
}
