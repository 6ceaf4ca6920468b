//! The [`Library`] the rest of the program reads modules from: the bundled modules and
//! those of extra content roots, each validated at [`Depth::Structure`]
//! (`source ← validate ← library`).

use std::ffi::OsStr;
use std::path::PathBuf;

use super::diagnostic::Diagnostic;
use super::source::{Input, LoadedModule, Origin, display_path};
use super::validate::{self, Depth};

/// The environment variable that adds content roots (a path list, like `PATH`).
pub const MODULES_ENV: &str = "PATTERNS_MODULES";

/// All modules available: bundled ones, then those of extra content roots.
#[derive(Debug, Clone, Default)]
pub struct Library {
    modules: Vec<LoadedModule>,
}

/// A library and what happened while loading it.
#[derive(Debug, Default)]
pub struct Loaded {
    pub library: Library,
    /// Problems in content; modules with errors are left out of the library.
    pub diagnostics: Vec<Diagnostic>,
    /// Notices for the user, e.g. a module overriding a bundled one.
    pub notices: Vec<String>,
}

impl Library {
    /// Loads the bundled modules and those under `roots` (content roots, module folders).
    /// A module from `roots` with a bundled module's id replaces it, with a notice.
    /// Engine-backed checks are skipped (that is `patterns check`'s job).
    pub fn load(roots: &[PathBuf]) -> Loaded {
        let mut loaded = Loaded::default();
        let bundled = validate::validate(&Input::bundled(), Depth::Structure);
        loaded.diagnostics.extend(bundled.diagnostics);
        loaded.library.modules = bundled.modules;
        for root in roots {
            let result = validate::validate(&Input::from_path(root), Depth::Structure);
            loaded.diagnostics.extend(result.diagnostics);
            for module in result.modules {
                let position = loaded
                    .library
                    .modules
                    .iter()
                    .position(|m| m.id() == module.id());
                match position {
                    Some(index) => {
                        loaded.notices.push(format!(
                            "module '{}' from '{}' overrides the {} one",
                            module.id(),
                            display_path(root),
                            match loaded.library.modules[index].origin {
                                Origin::Bundled => "bundled",
                                Origin::Dir(_) => "earlier",
                            }
                        ));
                        loaded.library.modules[index] = module;
                    }
                    None => loaded.library.modules.push(module),
                }
            }
        }
        loaded
    }

    /// The modules, bundled first.
    pub fn modules(&self) -> &[LoadedModule] {
        &self.modules
    }

    /// The module with `id`.
    pub fn get(&self, id: &str) -> Option<&LoadedModule> {
        self.modules.iter().find(|m| m.id() == id)
    }
}

/// The bundled module `id`, for tests across the crate.
#[cfg(test)]
pub(crate) fn bundled_module(id: &str) -> LoadedModule {
    Library::load(&[])
        .library
        .get(id)
        .cloned()
        .expect("a bundled module")
}

/// The extra content roots: `--modules-dir` values, then the entries of `PATTERNS_MODULES`
/// (given as `env`, a path list as `std::env::split_paths` reads it).
pub fn extra_roots(dirs: &[PathBuf], env: Option<&OsStr>) -> Vec<PathBuf> {
    let mut roots = dirs.to_vec();
    if let Some(value) = env {
        roots.extend(std::env::split_paths(value).filter(|p| !p.as_os_str().is_empty()));
    }
    roots
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_paths_are_split() {
        let joined = std::env::join_paths(["/a", "/b"]).expect("joinable");
        let roots = extra_roots(&[PathBuf::from("/c")], Some(&joined));
        assert_eq!(
            roots,
            vec![
                PathBuf::from("/c"),
                PathBuf::from("/a"),
                PathBuf::from("/b")
            ]
        );
    }
}
