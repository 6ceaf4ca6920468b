//! Finding and reading content: the bundled files, content roots (`--modules-dir`,
//! `PATTERNS_MODULES`), module folders and single files; and the [`Library`] the rest of
//! the program reads modules from.
//!
//! Invariant: every file read here is at most [`MAX_FILE_BYTES`], valid UTF-8, and (for
//! Markdown) inside its module's folder after resolving symlinks.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::bundled;
use super::diagnostic::Diagnostic;
use super::model::{Bank, Exercise, Module};
use super::validate::{self, Depth};

/// The largest content file accepted (YAML or Markdown).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The environment variable that adds content roots (a path list, like `PATH`).
pub const MODULES_ENV: &str = "PATTERNS_MODULES";

/// Where a module came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Embedded in the binary.
    Bundled,
    /// A folder on disk (the module's folder).
    Dir(PathBuf),
}

/// Where a module's Markdown files are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocSource {
    /// Bundled files under this prefix (`modules/<folder>/`).
    Bundled(String),
    /// The module's folder on disk.
    Dir(PathBuf),
}

/// A module file to load: its text and where its Markdown lives.
#[derive(Debug, Clone)]
pub struct ModuleInput {
    /// The path shown in diagnostics.
    pub display: String,
    pub text: String,
    /// The folder's name, which must equal the module id.
    pub folder: String,
    pub docs: DocSource,
}

/// An exercise bank to load.
#[derive(Debug, Clone)]
pub struct BankInput {
    pub display: String,
    pub text: String,
    /// The file name without `.yaml`, which must equal the module id.
    pub stem: String,
}

/// Content gathered from one place, not yet parsed.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub modules: Vec<ModuleInput>,
    pub banks: Vec<BankInput>,
    /// Problems met while finding and reading files.
    pub diagnostics: Vec<Diagnostic>,
    /// Stems of banks that exist but could not be read (references to them are not
    /// reported again).
    pub broken_banks: Vec<String>,
}

impl Input {
    /// The bundled modules and banks.
    pub fn bundled() -> Self {
        let mut input = Input::default();
        for file in bundled::FILES {
            let path = Path::new(file.path);
            let display = format!("<bundled>/{}", file.path);
            if let Some(folder) = bundled_module_folder(file.path) {
                input.modules.push(ModuleInput {
                    display,
                    text: file.text.to_owned(),
                    folder: folder.to_owned(),
                    docs: DocSource::Bundled(format!("modules/{folder}/")),
                });
            } else if file.path.starts_with("exercises/") {
                input.banks.push(BankInput {
                    display,
                    text: file.text.to_owned(),
                    stem: stem(path),
                });
            }
        }
        input
    }

    /// Content under `path`: a content root (holding `modules/` and/or `exercises/`), one
    /// module's folder, or one file. A module folder or file brings its companion (the bank
    /// at `../../exercises/<id>.yaml`, or the module at `../modules/<id>/module.yaml`).
    pub fn from_path(path: &Path) -> Self {
        let mut input = Input::default();
        let display = display_path(path);
        let Ok(meta) = fs::metadata(path) else {
            input.diagnostics.push(
                Diagnostic::error(&display, None, "no such file or folder")
                    .hint("give a content root, a module folder or a .yaml file"),
            );
            return input;
        };
        if meta.is_file() {
            input.add_file(path);
        } else if path.join("module.yaml").is_file() {
            input.add_module_dir(path);
            if let Some(root) = path.parent().and_then(Path::parent) {
                input.add_bank_if_present(&root.join("exercises"), &stem(path));
            }
        } else if path.join("modules").is_dir() || path.join("exercises").is_dir() {
            input.add_root(path);
        } else {
            input.diagnostics.push(
                Diagnostic::error(
                    &display,
                    None,
                    "not a content root, a module folder or a content file",
                )
                .hint("a content root holds 'modules/' and/or 'exercises/'; a module folder holds 'module.yaml'"),
            );
        }
        input
    }

    fn add_root(&mut self, root: &Path) {
        for dir in sorted_entries(&root.join("modules")) {
            if dir.is_dir() {
                if dir.join("module.yaml").is_file() {
                    self.add_module_dir(&dir);
                } else {
                    self.diagnostics.push(
                        Diagnostic::warning(
                            &display_path(&dir),
                            None,
                            "module folder without a 'module.yaml'; ignored",
                        )
                        .hint("run 'patterns new <id>' to scaffold one"),
                    );
                }
            }
        }
        for file in sorted_entries(&root.join("exercises")) {
            if file.extension() == Some(OsStr::new("yaml")) {
                self.add_bank(&file);
            }
        }
    }

    fn add_file(&mut self, path: &Path) {
        let is_module = path.file_name() == Some(OsStr::new("module.yaml"));
        if is_module {
            if let Some(dir) = path.parent() {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                self.add_module_dir(dir);
                if let Some(root) = dir.parent().and_then(Path::parent) {
                    let id = folder_name(dir);
                    self.add_bank_if_present(&root.join("exercises"), &id);
                }
            }
            return;
        }
        self.add_bank(path);
        if let Some(root) = path.parent().and_then(Path::parent) {
            let module_dir = root.join("modules").join(stem(path));
            if module_dir.join("module.yaml").is_file() {
                self.add_module_dir(&module_dir);
            }
        }
    }

    fn add_module_dir(&mut self, dir: &Path) {
        let file = dir.join("module.yaml");
        let display = display_path(&file);
        match read_text(&file, &display) {
            Ok(text) => self.modules.push(ModuleInput {
                display,
                text,
                folder: folder_name(dir),
                docs: DocSource::Dir(dir.to_path_buf()),
            }),
            Err(diagnostic) => self.diagnostics.push(diagnostic),
        }
    }

    fn add_bank_if_present(&mut self, exercises: &Path, id: &str) {
        let file = exercises.join(format!("{id}.yaml"));
        if file.is_file() {
            self.add_bank(&file);
        }
    }

    fn add_bank(&mut self, file: &Path) {
        let display = display_path(file);
        match read_text(file, &display) {
            Ok(text) => self.banks.push(BankInput {
                display,
                text,
                stem: stem(file),
            }),
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                self.broken_banks.push(stem(file));
            }
        }
    }

    /// Adds everything from `other`.
    pub fn extend(&mut self, other: Input) {
        self.modules.extend(other.modules);
        self.banks.extend(other.banks);
        self.diagnostics.extend(other.diagnostics);
        self.broken_banks.extend(other.broken_banks);
    }
}

fn bundled_module_folder(path: &str) -> Option<&str> {
    path.strip_prefix("modules/")?
        .strip_suffix("/module.yaml")
        .filter(|folder| !folder.contains('/'))
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn folder_name(dir: &Path) -> String {
    let name = dir.file_name().map(|s| s.to_string_lossy().into_owned());
    match name {
        Some(name) => name,
        // `.` or `..`: the real folder's name.
        None => fs::canonicalize(dir)
            .ok()
            .and_then(|d| d.file_name().map(|s| s.to_string_lossy().into_owned()))
            .unwrap_or_default(),
    }
}

/// The path as the user would write it: without a leading `./`.
pub fn display_path(path: &Path) -> String {
    // Collapse `dir/..` lexically, so a companion file reads 'exercises/x.yaml'.
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match (component, parts.last()) {
            (Component::ParentDir, Some(Component::Normal(_))) => {
                parts.pop();
            }
            (Component::CurDir, Some(_)) => {}
            _ => parts.push(component),
        }
    }
    let collapsed: PathBuf = parts.iter().collect();
    let collapsed = if collapsed.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        collapsed
    };
    let text = collapsed.to_string_lossy().replace('\\', "/");
    match text.strip_prefix("./") {
        Some(rest) if !rest.is_empty() => rest.to_owned(),
        _ => text,
    }
}

/// Reads a content file: at most [`MAX_FILE_BYTES`], UTF-8.
pub fn read_text(path: &Path, display: &str) -> Result<String, Diagnostic> {
    let file = fs::File::open(path)
        .map_err(|error| Diagnostic::error(display, None, format!("cannot read it: {error}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| Diagnostic::error(display, None, format!("cannot read it: {error}")))?;
    text_from_bytes(bytes, display)
}

/// A content file's bytes as text: refused when larger than [`MAX_FILE_BYTES`] or not
/// UTF-8. [`read_text`] reads through it; the fuzz targets feed it bytes directly.
pub fn text_from_bytes(bytes: Vec<u8>, display: &str) -> Result<String, Diagnostic> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            display,
            None,
            "the file is larger than 1 MiB, the limit for content files",
        )
        .hint("split it into smaller files"));
    }
    String::from_utf8(bytes).map_err(|error| {
        Diagnostic::error(
            display,
            None,
            format!(
                "not valid UTF-8 (at byte {})",
                error.utf8_error().valid_up_to()
            ),
        )
        .hint("save the file as UTF-8")
    })
}

/// Why a Markdown file name in a module is refused, if it is.
pub fn markdown_name_problem(name: &str) -> Option<&'static str> {
    let path = Path::new(name);
    if name.trim().is_empty() {
        return Some("the file name is empty");
    }
    if path.is_absolute() || name.starts_with('/') || name.starts_with('\\') {
        return Some("an absolute path; Markdown files must be inside the module's folder");
    }
    if name.contains('\\') {
        return Some("use '/' to separate folders");
    }
    if path
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
    {
        return Some("'..' leaves the module's folder; Markdown files must be inside it");
    }
    if path.extension() != Some(OsStr::new("md")) {
        return Some("not a Markdown file name (it must end in '.md')");
    }
    None
}

/// Reads Markdown file `name` of a module. Errors are messages for a diagnostic.
pub fn read_markdown(docs: &DocSource, name: &str) -> Result<String, String> {
    if let Some(problem) = markdown_name_problem(name) {
        return Err(problem.to_owned());
    }
    match docs {
        DocSource::Bundled(prefix) => bundled::file(&format!("{prefix}{name}"))
            .map(super::sanitize::sanitize)
            .ok_or_else(|| format!("no file '{name}' in the module's folder")),
        DocSource::Dir(dir) => {
            let path = dir.join(name);
            if !path.exists() {
                return Err(format!("no file '{name}' in the module's folder"));
            }
            let inside = match (fs::canonicalize(&path), fs::canonicalize(dir)) {
                (Ok(file), Ok(dir)) => file.starts_with(dir),
                _ => false,
            };
            if !inside {
                return Err(format!(
                    "'{name}' resolves to a place outside the module's folder (a symlink?)"
                ));
            }
            read_text(&path, name)
                .map(|text| super::sanitize::sanitize(&text))
                .map_err(|d| format!("'{name}': {}", d.message))
        }
    }
}

/// A module ready to teach: its definition, its exercise bank and its Markdown.
#[derive(Debug, Clone)]
pub struct LoadedModule {
    pub module: Module,
    /// The exercise bank (empty when the module has none).
    pub bank: Bank,
    pub origin: Origin,
    /// Markdown files by the name the module uses (sanitized).
    pub docs: BTreeMap<String, String>,
}

impl LoadedModule {
    /// The module's id.
    pub fn id(&self) -> &str {
        &self.module.id
    }

    /// The exercise with `id` from the module's bank.
    pub fn exercise(&self, id: &str) -> Option<&Exercise> {
        self.bank.exercises.iter().find(|e| e.id == id)
    }

    /// A Markdown file named by the module (`concept`, `brief`).
    pub fn markdown(&self, name: &str) -> Option<&str> {
        self.docs.get(name).map(String::as_str)
    }

    /// Total minutes: the blocks plus the integration challenge.
    pub fn minutes(&self) -> u32 {
        let blocks: u32 = self.module.blocks.iter().map(|b| b.minutes).sum();
        blocks + self.module.integration.as_ref().map_or(0, |i| i.minutes)
    }

    /// Items the exam can draw from: pool items (distinct) plus generators.
    pub fn exam_items(&self) -> usize {
        let mut ids: Vec<&str> = self
            .module
            .exam
            .pools
            .iter()
            .flat_map(|p| p.items.iter().map(String::as_str))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len() + self.module.exam.generators.len()
    }
}

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
    fn markdown_names_stay_inside() {
        assert!(markdown_name_problem("concept.md").is_none());
        assert!(markdown_name_problem("notes/concept.md").is_none());
        assert!(markdown_name_problem("../x.md").is_some());
        assert!(markdown_name_problem("a/../../x.md").is_some());
        assert!(markdown_name_problem("/etc/passwd.md").is_some());
        assert!(markdown_name_problem("concept.txt").is_some());
    }

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

    #[test]
    fn bytes_become_text_only_when_small_and_utf8() {
        assert_eq!(
            text_from_bytes(b"id: x".to_vec(), "m.yaml"),
            Ok("id: x".to_owned())
        );
        let error = text_from_bytes(vec![b'a', 0xff], "m.yaml").expect_err("not UTF-8");
        assert!(error.message.contains("at byte 1"), "{error:?}");
        let big = vec![b' '; usize::try_from(MAX_FILE_BYTES).expect("small") + 1];
        let error = text_from_bytes(big, "m.yaml").expect_err("too large");
        assert!(error.message.contains("larger than 1 MiB"), "{error:?}");
    }

    #[test]
    fn display_drops_dot_slash() {
        assert_eq!(display_path(Path::new("./modules/x")), "modules/x");
        assert_eq!(display_path(Path::new(".")), ".");
    }
}
