//! A webhook receiver for tests: a real HTTP/1.1 server on a loopback port that keeps
//! every request it got (across its restarts), answers as a test tells it (a status,
//! or never), and can be killed as a crashed process would be.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

/// One request as the receiver got it.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Received {
    pub fn id(&self) -> String {
        self.headers
            .get("x-antre-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    }
}

/// What a receiver got, kept across its restarts.
#[derive(Debug, Default)]
pub struct Log {
    pub all: Vec<Received>,
    /// Requests per message id.
    pub seen: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
pub enum Reply {
    Status(u16, &'static str),
    /// Never answer.
    Hang,
}

/// How the receiver answers a request: given it and how many times its id came before.
pub type Behaviour = Arc<dyn Fn(&Received, usize) -> Reply + Send + Sync>;

pub fn always(status: u16) -> Behaviour {
    Arc::new(move |_, _| Reply::Status(status, "ok"))
}

/// A real HTTP/1.1 receiver on a loopback port. Killing it closes the listener and
/// every connection at once, as a crashed process would.
pub struct Receiver {
    pub addr: SocketAddr,
    pub got: Arc<Mutex<Log>>,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    pub async fn start(behaviour: Behaviour) -> Receiver {
        Receiver::start_at("127.0.0.1:0".parse().unwrap(), behaviour, Arc::default()).await
    }

    pub async fn start_at(
        addr: SocketAddr,
        behaviour: Behaviour,
        got: Arc<Mutex<Log>>,
    ) -> Receiver {
        let listener = TcpListener::bind(addr).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn({
            let got = got.clone();
            async move {
                // Dropped with the task: aborts every connection.
                let mut connections = JoinSet::new();
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let got = got.clone();
                    let behaviour = behaviour.clone();
                    connections.spawn(async move {
                        let service =
                            service_fn(move |req: axum::http::Request<hyper::body::Incoming>| {
                                let got = got.clone();
                                let behaviour = behaviour.clone();
                                async move {
                                    let (parts, body) = req.into_parts();
                                    let body =
                                        axum::body::to_bytes(axum::body::Body::new(body), 1 << 20)
                                            .await
                                            .unwrap_or_default();
                                    let received = Received {
                                        path: parts.uri.to_string(),
                                        headers: parts.headers,
                                        body: String::from_utf8_lossy(&body).into_owned(),
                                    };
                                    let reply = {
                                        let mut got = got.lock().unwrap();
                                        let seen = got.seen.entry(received.id()).or_default();
                                        let before = *seen;
                                        *seen += 1;
                                        got.all.push(received.clone());
                                        behaviour(&received, before)
                                    };
                                    match reply {
                                        Reply::Status(status, text) => {
                                            let mut response = axum::http::Response::new(
                                                axum::body::Body::from(text),
                                            );
                                            *response.status_mut() =
                                                axum::http::StatusCode::from_u16(status).unwrap();
                                            Ok::<_, std::convert::Infallible>(response)
                                        }
                                        Reply::Hang => std::future::pending().await,
                                    }
                                }
                            });
                        let _ = http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                    // Forget connections that ended.
                    while connections.try_join_next().is_some() {}
                }
            }
        });
        Receiver { addr, got, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().all.clone()
    }

    pub fn how_many(&self) -> usize {
        self.got.lock().unwrap().all.len()
    }

    /// How many times each message id came.
    pub fn counts(&self) -> HashMap<String, usize> {
        self.got.lock().unwrap().seen.clone()
    }

    /// Stops it as a crash would, and waits until its port is free.
    pub async fn kill(self) -> (SocketAddr, Arc<Mutex<Log>>) {
        self.task.abort();
        let _ = self.task.await;
        (self.addr, self.got)
    }
}
