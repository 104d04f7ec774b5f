//! Who is looking at a page, for the templates: the header shows the signed-in user and a
//! logout button on every page. The guard sets it around the handling of each request, so page
//! handlers need no extra parameter.
//!
//! A request's handler future can be interleaved with other requests on the same worker
//! thread, so the value is set for the duration of each poll of that future only (the same
//! idea as tokio's task-local values), and restored afterwards.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use serde::Serialize;

use super::{Principal, Via};

#[derive(Debug, Clone, Serialize)]
pub struct Viewer {
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub is_admin: bool,
    /// The session's CSRF token (empty for a request authenticated by an API token).
    pub csrf_token: String,
    /// How many things wait on the user's desk («Việc của tôi»), for the header's badge
    /// (counted for pages only).
    pub desk_count: Option<usize>,
    /// On a form sent from a page (a write): the address of the form's page, for the link
    /// back on the error page when the form is refused before it can be shown again.
    pub form_page: Option<String>,
}

impl Viewer {
    pub fn of(p: &Principal) -> Viewer {
        Viewer {
            username: p.username.clone(),
            display_name: p.display_name.clone(),
            role: p.role.as_str(),
            role_label: p.role.label(),
            is_admin: p.role == super::Role::Admin,
            csrf_token: match &p.via {
                Via::Session { csrf_token, .. } => csrf_token.clone(),
                Via::Token { .. } => String::new(),
            },
            desk_count: None,
            form_page: None,
        }
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<Viewer>>> = const { RefCell::new(None) };
}

/// The viewer of the request being handled on this thread, if signed in.
pub fn current() -> Option<Rc<Viewer>> {
    CURRENT.with(|c| c.borrow().clone())
}

/// Restores the previous value when dropped (also on panic).
struct Restore(Option<Rc<Viewer>>);

impl Drop for Restore {
    fn drop(&mut self) {
        let prev = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = prev);
    }
}

fn set(v: Option<Rc<Viewer>>) -> Restore {
    Restore(CURRENT.with(|c| c.replace(v)))
}

/// Runs `f` with `viewer` as the current viewer.
pub fn with<T>(viewer: Option<Rc<Viewer>>, f: impl FnOnce() -> T) -> T {
    let _restore = set(viewer);
    f()
}

/// A future that sees `viewer` as the current viewer whenever it runs.
pub struct WithViewer<F> {
    viewer: Option<Rc<Viewer>>,
    inner: Pin<Box<F>>,
}

pub fn scope<F: Future>(viewer: Option<Rc<Viewer>>, f: F) -> WithViewer<F> {
    WithViewer {
        viewer,
        inner: Box::pin(f),
    }
}

impl<F: Future> Future for WithViewer<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let _restore = set(this.viewer.clone());
        this.inner.as_mut().poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(name: &str) -> Option<Rc<Viewer>> {
        Some(Rc::new(Viewer {
            username: name.into(),
            display_name: name.into(),
            role: "officer",
            role_label: "Cán bộ pháp chế",
            is_admin: false,
            csrf_token: String::new(),
            desk_count: None,
            form_page: None,
        }))
    }

    #[actix_web::test]
    async fn interleaved_requests_see_their_own_viewer() {
        let a = scope(viewer("a"), async {
            let before = current().map(|v| v.username.clone());
            // The other futures run in between.
            actix_web::rt::task::yield_now().await;
            (before, current().map(|v| v.username.clone()))
        });
        let b = scope(viewer("b"), async {
            actix_web::rt::task::yield_now().await;
            current().map(|v| v.username.clone())
        });
        let c = scope(None, async { current().is_none() });
        let (ra, rb, rc) = join3(a, b, c).await;
        assert_eq!(ra, (Some("a".into()), Some("a".into())));
        assert_eq!(rb, Some("b".into()));
        assert!(rc);
        assert!(current().is_none(), "restored after the futures ran");
        assert_eq!(
            with(viewer("x"), || current().map(|v| v.username.clone())),
            Some("x".into())
        );
        assert!(current().is_none());
    }

    /// Polls three futures in turn until all are done (a minimal join).
    async fn join3<A: Future, B: Future, C: Future>(
        a: A,
        b: B,
        c: C,
    ) -> (A::Output, B::Output, C::Output) {
        let mut a = Box::pin(a);
        let mut b = Box::pin(b);
        let mut c = Box::pin(c);
        let (mut ra, mut rb, mut rc) = (None, None, None);
        std::future::poll_fn(move |cx| {
            if ra.is_none() {
                if let Poll::Ready(v) = a.as_mut().poll(cx) {
                    ra = Some(v);
                }
            }
            if rb.is_none() {
                if let Poll::Ready(v) = b.as_mut().poll(cx) {
                    rb = Some(v);
                }
            }
            if rc.is_none() {
                if let Poll::Ready(v) = c.as_mut().poll(cx) {
                    rc = Some(v);
                }
            }
            if ra.is_some() && rb.is_some() && rc.is_some() {
                Poll::Ready((ra.take().unwrap(), rb.take().unwrap(), rc.take().unwrap()))
            } else {
                Poll::Pending
            }
        })
        .await
    }
}
