use patterns::progress::{Store, Timestamp};
use std::fs::File;
use std::time::Instant;
fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::in_dir(dir.path());
    store
        .update(Timestamp(1), |r| r.set_current_block("cb", "a"))
        .unwrap();
    let n = 2000;
    let t = Instant::now();
    for _ in 0..n {
        let f = File::open(dir.path()).unwrap();
        f.lock().unwrap();
        drop(f);
    }
    let lock = t.elapsed() / n;
    let m = 200;
    let t = Instant::now();
    for i in 0..m {
        store
            .update(Timestamp(i as u64), |r| r.set_current_block("cb", "a"))
            .unwrap();
    }
    let update = t.elapsed() / m;
    println!(
        "lock+unlock: {lock:?} per save; whole update (read, change, fsync, rename): {update:?}"
    );
}
