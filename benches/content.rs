//! Content budgets (DESIGN §7): loading and checking 200 modules under 200 ms. Generates
//! 200 copies of the bundled circuit-breaker module (with their banks and Markdown) in a
//! temporary content root, then loads them the way `patterns list` does and checks them
//! the way `patterns check` does (engine-backed items re-run).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use patterns::content::bundled::FILES;
use patterns::content::load::Library;
use patterns::content::source::Input;
use patterns::content::validate::{Depth, validate};

const MODULES: usize = 200;

fn generate(root: &Path) {
    for n in 0..MODULES {
        let id = format!("module-{n:03}");
        for file in FILES
            .iter()
            .filter(|file| file.path.contains("circuit-breaker"))
        {
            let text = file.text.replace("circuit-breaker", &id);
            let path = root.join(file.path.replace("circuit-breaker", &id));
            std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
    }
}

fn content(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    generate(dir.path());
    let root = dir.path().to_path_buf();
    let checked = validate(&Input::from_path(&root), Depth::Full);
    assert!(!checked.has_errors(), "{:#?}", checked.diagnostics.first());
    assert_eq!(checked.modules.len(), MODULES);

    let mut group = c.benchmark_group("content");
    group.sample_size(20);
    group.bench_function("check 200 modules", |b| {
        b.iter(|| black_box(validate(&Input::from_path(black_box(&root)), Depth::Full)));
    });
    group.bench_function("load 200 modules (list)", |b| {
        b.iter(|| black_box(Library::load(std::slice::from_ref(black_box(&root)))));
    });
    group.bench_function("load bundled (list)", |b| {
        b.iter(|| black_box(Library::load(&[])));
    });
    group.finish();
}

criterion_group!(benches, content);
criterion_main!(benches);
