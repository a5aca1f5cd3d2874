//! Leaving the app cleanly: closing the window or a termination signal
//! (logout, `kill`, Ctrl+C in a terminal) first lets every account say
//! goodbye, so contacts see it go offline at once instead of after the
//! server's stream-resumption timeout.

use std::time::Duration;

use futures::SinkExt;
use iced::{Subscription, Task};

use super::model::Account;
use super::{App, Message};

/// How long the accounts get to close their connections.
const GRACE: Duration = Duration::from_secs(2);

/// Window close requests and termination signals, as `Message::Quit`.
pub fn requests() -> Subscription<Message> {
    let close = iced::window::close_requests().map(|_| Message::Quit);
    let signals = Subscription::run(|| {
        iced::stream::channel(1, async |mut out| {
            termination().await;
            let _ = out.send(Message::Quit).await;
            futures::future::pending::<()>().await;
        })
    });
    Subscription::batch([close, signals])
}

/// Waits for SIGTERM or SIGINT (Ctrl+C on Windows); never returns if the
/// handlers cannot be installed.
async fn termination() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => futures::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    {
        if tokio::signal::ctrl_c().await.is_err() {
            futures::future::pending::<()>().await;
        }
    }
}

/// First request: ask every running account to shut down and exit when all
/// have stopped (or after [`GRACE`]). A second request exits at once.
pub fn quit(app: &mut App) -> Task<Message> {
    if app.quitting {
        return iced::exit();
    }
    app.quitting = true;
    let mut asked = false;
    for a in app.accounts.iter_mut() {
        if let Account::Ok(live) = a {
            asked |= live.shutdown();
        }
    }
    if !asked {
        return iced::exit();
    }
    Task::future(async {
        tokio::time::sleep(GRACE).await;
        Message::Quit
    })
}

/// An account stopped; exits once none is running while quitting.
pub fn account_stopped(app: &App) -> Task<Message> {
    let running = app
        .accounts
        .iter()
        .any(|a| matches!(a, Account::Ok(live) if live.sender.is_some()));
    if app.quitting && !running {
        iced::exit()
    } else {
        Task::none()
    }
}
