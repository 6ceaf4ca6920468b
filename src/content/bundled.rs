//! The modules shipped inside the binary, so an installed `patterns` works from any
//! directory. One line per file: adding a bundled file means adding it here (a test fails
//! when this list and `modules/` / `exercises/` disagree).
//!
//! Invariant: paths are relative to the crate root and use '/'.

/// A file embedded in the binary.
#[derive(Debug, Clone, Copy)]
pub struct BundledFile {
    /// Path relative to the content root, e.g. `modules/circuit-breaker/module.yaml`.
    pub path: &'static str,
    pub text: &'static str,
}

macro_rules! bundled {
    ($($path:literal),* $(,)?) => {
        &[$(BundledFile { path: $path, text: include_str!(concat!("../../", $path)) }),*]
    };
}

/// Every bundled content file.
pub const FILES: &[BundledFile] = bundled![
    "modules/circuit-breaker/module.yaml",
    "modules/circuit-breaker/cascade.md",
    "modules/circuit-breaker/mechanics.md",
    "modules/circuit-breaker/implementations.md",
    "modules/circuit-breaker/combining.md",
    "modules/circuit-breaker/tuning.md",
    "modules/circuit-breaker/checkout.md",
    "exercises/circuit-breaker.yaml",
    "modules/retry-backoff/module.yaml",
    "modules/retry-backoff/amplification.md",
    "modules/retry-backoff/backoff-and-jitter.md",
    "modules/retry-backoff/contention.md",
    "modules/retry-backoff/what-to-retry.md",
    "modules/retry-backoff/deadlines.md",
    "exercises/retry-backoff.yaml",
    "modules/retry-storms/module.yaml",
    "modules/retry-storms/anatomy.md",
    "modules/retry-storms/backoff-breakers.md",
    "modules/retry-storms/budgets.md",
    "modules/retry-storms/recovery.md",
    "modules/retry-storms/alerting.md",
    "exercises/retry-storms.yaml",
    "modules/rate-limiting/module.yaml",
    "modules/rate-limiting/algorithms.md",
    "modules/rate-limiting/deployed.md",
    "modules/rate-limiting/clients.md",
    "modules/rate-limiting/sizing.md",
    "modules/rate-limiting/public-api.md",
    "exercises/rate-limiting.yaml",
    "modules/bulkhead/module.yaml",
    "modules/bulkhead/littles-law.md",
    "modules/bulkhead/cascade.md",
    "modules/bulkhead/kinds.md",
    "modules/bulkhead/together.md",
    "modules/bulkhead/product-page.md",
    "exercises/bulkhead.yaml",
    "modules/timeouts-deadlines/module.yaml",
    "modules/timeouts-deadlines/why.md",
    "modules/timeouts-deadlines/retries.md",
    "modules/timeouts-deadlines/propagation.md",
    "modules/timeouts-deadlines/hedging.md",
    "modules/timeouts-deadlines/search.md",
    "exercises/timeouts-deadlines.yaml",
];

/// The bundled file at `path`, if any.
pub fn file(path: &str) -> Option<&'static str> {
    FILES.iter().find(|f| f.path == path).map(|f| f.text)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::FILES;

    fn walk(dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                let root = Path::new(env!("CARGO_MANIFEST_DIR"));
                let relative = path.strip_prefix(root).expect("inside the crate");
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    #[test]
    fn the_list_matches_the_files_on_disk() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = Vec::new();
        walk(&root.join("modules"), &mut on_disk);
        walk(&root.join("exercises"), &mut on_disk);
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|f| f.path.to_owned()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "update FILES in src/content/bundled.rs");
    }
}
