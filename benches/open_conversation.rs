//! Opening a conversation with a long history (issue 10, budget 5): the
//! click, the first page read from a store holding 100,000 messages of that
//! conversation, applied to the real GUI state, laid out and drawn (the
//! real `view`, rendered by tiny-skia through `iced_test`, as on a machine
//! without a GPU). The GUI holds at most a few pages (`WINDOW`), so only
//! those rows are laid out whatever the history's length.
//!
//! `cargo bench --bench open_conversation`; without `--bench` a small smoke run.

#[path = "support/history.rs"]
mod history;

use std::time::{Duration, Instant};

use iced::Theme;
use iced_test::Simulator;
use plausch::config::{AccountConfig, PasswordSource};
use plausch::profile::Profile;
use plausch::store::Store;
use plausch::ui::bench::OpenConversation;

const BOB: &str = "bob@localhost";

fn fill(store: &mut Store, n: usize) {
    history::fill(store, "alice@localhost", BOB, n, 3, |i| {
        format!(
            "Nachricht {i}: etwas längerer Text, wie er im Büro geschrieben wird, \
             manchmal über mehr als eine Zeile."
        )
    });
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (n, rounds) = if full { (100_000, 21) } else { (500, 3) };
    let dir = tempfile::tempdir().expect("temp dir");
    let profile = Profile::at(dir.path());
    let db = dir.path().join("history.sqlite");
    let mut store = Store::open(&db).expect("store");
    fill(&mut store, n);
    drop(store);
    let store = Store::open(&db).expect("store");
    let account = AccountConfig::new(
        "a",
        "alice@localhost",
        PasswordSource::Command("true".into()),
    );
    let mut gui = OpenConversation::new(profile, account);
    let size = iced::Size::new(1100.0, 720.0);
    // Once before timing: the font system loads the system's fonts at
    // start-up, not when a conversation is opened.
    gui.open(&store, BOB).expect("open");
    let mut sim = Simulator::with_size(Default::default(), size, gui.view());
    sim.snapshot(&Theme::Light).expect("render");
    drop(sim);

    let (mut reads, mut totals) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        let shown = gui.open(&store, BOB).expect("open");
        let read = start.elapsed();
        let mut sim = Simulator::with_size(Default::default(), size, gui.view());
        sim.snapshot(&Theme::Light).expect("render");
        totals.push(start.elapsed());
        reads.push(read);
        assert_eq!(shown, 50);
    }
    if !full {
        println!("open_conversation: smoke run (use `cargo bench --bench open_conversation`)");
    }
    println!(
        "open a conversation of {n} messages: first page read and applied {:.2} ms, \
         with layout and drawing (1100x720, tiny-skia) {:.2} ms (median of {rounds})",
        ms(median(reads)),
        ms(median(totals))
    );
}
