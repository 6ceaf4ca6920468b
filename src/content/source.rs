//! Finding and reading content: the bundled files, content roots (`--modules-dir`,
//! `PATTERNS_MODULES`), module folders and single files, as the [`Input`] that `validate`
//! checks; and the [`LoadedModule`] it yields. The [`Library`](super::load::Library) façade
//! is built on top, in `load`.
//!
//! Invariant: every file read here is a regular file of at most [`MAX_FILE_BYTES`] (checked
//! before reading), valid UTF-8, and inside its folder after resolving symlinks (Markdown and
//! `module.yaml` in the module's folder, a found bank in `exercises/`); module folders in a
//! content root are real folders, not symlinks. Only a path the user names is followed.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::bundled;
use super::diagnostic::Diagnostic;
use super::model::{Bank, Exercise, Module};

/// The largest content file accepted (YAML or Markdown).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

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
    /// Folder names of modules whose `module.yaml` exists but could not be read (their
    /// banks are not reported as banks without a module).
    pub broken_modules: Vec<String>,
    /// Ids of modules installed elsewhere (`--modules-dir`, `PATTERNS_MODULES`) while other
    /// paths are checked: `prerequisites` and `related` may name them; they are not checked.
    pub installed_elsewhere: Vec<String>,
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

    /// Records the ids of the modules under `path` (a content root or a module folder) as
    /// valid reference targets, from folder names alone: nothing is read or checked.
    pub fn know_modules_under(&mut self, path: &Path) {
        let folders = if path.join("module.yaml").is_file() {
            vec![path.to_path_buf()]
        } else {
            sorted_entries(&path.join("modules"))
        };
        for dir in folders {
            if dir.join("module.yaml").is_file() {
                self.installed_elsewhere.push(folder_name(&dir));
            }
        }
    }

    fn add_root(&mut self, root: &Path) {
        for dir in sorted_entries(&root.join("modules")) {
            if fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
                // Refused, not followed: what a content root holds must be inside it. A
                // folder the user names themselves (`--modules-dir <folder>`) is followed.
                self.diagnostics.push(
                    Diagnostic::error(
                        &display_path(&dir),
                        None,
                        "a symlink; module folders in a content root must be real folders",
                    )
                    .hint("copy the folder here, or pass its real path with '--modules-dir'"),
                );
                self.broken_modules.push(folder_name(&dir));
                continue;
            }
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
        let exercises = root.join("exercises");
        for file in sorted_entries(&exercises) {
            if file.extension() == Some(OsStr::new("yaml")) {
                self.add_bank_in(&file, Some(&exercises));
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
        let is_yaml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
        if !is_yaml {
            // A module's Markdown (`docs/intro.md`) is checked with its module, never read
            // as YAML.
            let module = path.ancestors().skip(1).take(3).find(|dir| {
                let dir = if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                };
                dir.join("module.yaml").is_file()
            });
            match module {
                Some(dir) => self.add_file(&dir.join("module.yaml")),
                None => self.diagnostics.push(
                    Diagnostic::error(
                        &display_path(path),
                        None,
                        "not a content file: modules and exercise banks are YAML (.yaml)",
                    )
                    .hint(
                        "give a content root, a module folder, its module.yaml or an exercise \
                         bank; a module's Markdown is checked with its module",
                    ),
                ),
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
        match read_inside(&file, dir, &display) {
            Ok(text) => self.modules.push(ModuleInput {
                display,
                text,
                folder: folder_name(dir),
                docs: DocSource::Dir(dir.to_path_buf()),
            }),
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                self.broken_modules.push(folder_name(dir));
            }
        }
    }

    fn add_bank_if_present(&mut self, exercises: &Path, id: &str) {
        let file = exercises.join(format!("{id}.yaml"));
        if file.is_file() {
            self.add_bank_in(&file, Some(exercises));
        }
    }

    /// A bank the user named: read wherever it is.
    fn add_bank(&mut self, file: &Path) {
        self.add_bank_in(file, None);
    }

    /// A bank, which must resolve to a place inside `folder` when one is given.
    fn add_bank_in(&mut self, file: &Path, folder: Option<&Path>) {
        let display = display_path(file);
        let text = match folder {
            Some(folder) => read_inside(file, folder, &display),
            None => read_text(file, &display),
        };
        match text {
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

    /// Adds everything from `other` that is not already here. A file reached twice — a
    /// module folder and its bank named together (each brings the other), or one path
    /// written two ways — is kept once, so it is not reported as its own duplicate.
    pub fn extend(&mut self, other: Input) {
        let mut seen: BTreeSet<PathBuf> = self
            .modules
            .iter()
            .map(|m| file_identity(&m.display))
            .chain(self.banks.iter().map(|b| file_identity(&b.display)))
            .collect();
        for module in other.modules {
            if seen.insert(file_identity(&module.display)) {
                self.modules.push(module);
            }
        }
        for bank in other.banks {
            if seen.insert(file_identity(&bank.display)) {
                self.banks.push(bank);
            }
        }
        for diagnostic in other.diagnostics {
            if !self.diagnostics.contains(&diagnostic) {
                self.diagnostics.push(diagnostic);
            }
        }
        for stem in other.broken_banks {
            if !self.broken_banks.contains(&stem) {
                self.broken_banks.push(stem);
            }
        }
        for folder in other.broken_modules {
            if !self.broken_modules.contains(&folder) {
                self.broken_modules.push(folder);
            }
        }
        self.installed_elsewhere.extend(other.installed_elsewhere);
    }
}

/// What makes two displayed paths the same file: the real path when the file exists (a
/// bundled file's `<bundled>/…` name does not, and stays as written).
fn file_identity(display: &str) -> PathBuf {
    fs::canonicalize(display).unwrap_or_else(|_| PathBuf::from(display))
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

/// Reads a content file: a regular file of at most [`MAX_FILE_BYTES`], UTF-8. The size is
/// checked before reading (a 100 MB file costs one `stat`), and a FIFO or device is refused
/// before it is opened (opening a FIFO would block).
pub fn read_text(path: &Path, display: &str) -> Result<String, Diagnostic> {
    let cannot = |error: std::io::Error| {
        Diagnostic::error(display, None, format!("cannot read it: {error}"))
    };
    let meta = fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Diagnostic::error(
            display,
            None,
            "not a regular file (a FIFO, a device or a folder?)",
        )
        .hint("content files are plain text files"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(display, meta.len()));
    }
    let file = fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    // The file may grow between the check and the read: never read past the limit.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    text_from_bytes(bytes, display)
}

/// A content file's bytes as text: refused when larger than [`MAX_FILE_BYTES`] or not
/// UTF-8 (with the line and column of the first bad byte). [`read_text`] reads through it;
/// the fuzz targets feed it bytes directly.
pub fn text_from_bytes(bytes: Vec<u8>, display: &str) -> Result<String, Diagnostic> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(display, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let loc = utf8_error_loc(valid);
        Diagnostic::error(
            display,
            Some(loc),
            format!(
                "not valid UTF-8 at byte {} (line {}, column {})",
                valid.len(),
                loc.line,
                loc.col
            ),
        )
        .hint("save the file as UTF-8")
    })
}

/// The refusal of a file of `size` bytes, over [`MAX_FILE_BYTES`].
fn too_large(display: &str, size: u64) -> Diagnostic {
    // Display only: a rounded figure is what a person reads.
    #[expect(
        clippy::cast_precision_loss,
        reason = "a size shown rounded to 0.1 MiB"
    )]
    let mib = size as f64 / (1024.0 * 1024.0);
    Diagnostic::error(
        display,
        None,
        format!("the file is {mib:.1} MiB ({size} bytes), over the 1 MiB limit for content files"),
    )
    .hint("split it into smaller files")
}

/// The line and column (in characters, 1-based) just after `valid`, the valid UTF-8 prefix of
/// a file: where the first invalid byte is.
fn utf8_error_loc(valid: &[u8]) -> super::yaml::Loc {
    let line_start = valid
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
    // The prefix is valid UTF-8, so counting non-continuation bytes counts characters.
    let col = valid[line_start..]
        .iter()
        .filter(|&&b| b & 0xc0 != 0x80)
        .count()
        + 1;
    super::yaml::Loc {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        col: u32::try_from(col).unwrap_or(u32::MAX),
    }
}

/// [`read_text`] for a file found inside `dir` (a module's `module.yaml`, a bank in
/// `exercises/`): refused when it resolves (through a symlink) to a place outside `dir`, so a
/// content root can never make `patterns` read, and quote, a file elsewhere.
fn read_inside(path: &Path, dir: &Path, display: &str) -> Result<String, Diagnostic> {
    if !is_inside(path, dir) {
        return Err(Diagnostic::error(
            display,
            None,
            "a symlink to a place outside its folder; content files must be inside the content root",
        )
        .hint("replace the symlink with the file itself"));
    }
    read_text(path, display)
}

/// Whether `path` resolves (symlinks followed) to a place inside `dir`.
fn is_inside(path: &Path, dir: &Path) -> bool {
    match (fs::canonicalize(path), fs::canonicalize(dir)) {
        (Ok(file), Ok(dir)) => file.starts_with(dir),
        _ => false,
    }
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
        if name.split(['/', '\\']).any(|part| part == "..") {
            return Some(
                "'..' leaves the module's folder (and use '/', not '\\', to separate folders)",
            );
        }
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

/// Reads Markdown file `name` of a module. Errors say what is wrong with the file; the
/// caller names the file and the field that refers to it.
pub fn read_markdown(docs: &DocSource, name: &str) -> Result<String, String> {
    if let Some(problem) = markdown_name_problem(name) {
        return Err(problem.to_owned());
    }
    match docs {
        DocSource::Bundled(prefix) => {
            let text = bundled::file(&format!("{prefix}{name}"))
                .map(super::sanitize::sanitize)
                .ok_or_else(|| "no such file in the module's folder".to_owned())?;
            match markdown_nesting_problem(&text) {
                Some(problem) => Err(problem),
                None => Ok(text),
            }
        }
        DocSource::Dir(dir) => {
            let path = dir.join(name);
            if fs::symlink_metadata(&path).is_err() {
                return Err("no such file in the module's folder".to_owned());
            }
            // Checked before anything is read, so no byte of an outside file is ever shown.
            if !is_inside(&path, dir) {
                return Err(
                    "it resolves to a place outside the module's folder (a symlink?)".to_owned(),
                );
            }
            let text = read_text(&path, name)
                .map(super::sanitize::sanitize_owned)
                .map_err(|d| d.message)?;
            match markdown_nesting_problem(&text) {
                Some(problem) => Err(problem),
                None => Ok(text),
            }
        }
    }
}

/// The deepest nesting of block quotes and list items a Markdown file may have. Real
/// documents use a few levels; thousands (`- - - - …`) would make every rendered line cost
/// as much as the nesting is deep.
pub const MAX_MARKDOWN_DEPTH: usize = 16;

/// Why Markdown `text` nests too deeply, if it does: where the limit is passed.
pub fn markdown_nesting_problem(text: &str) -> Option<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    // Each level of nesting takes at least one column in front of the line that opens it
    // (a '>', a marker or indentation), so text without a line starting with that many
    // such columns cannot nest that deep: most files need no parse.
    let deep_prefix = text.lines().any(|line| {
        line.chars()
            .take_while(|c| {
                matches!(
                    c,
                    ' ' | '\t' | '>' | '-' | '*' | '+' | '.' | ')' | '0'..='9'
                )
            })
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum::<usize>()
            > MAX_MARKDOWN_DEPTH
    });
    if !deep_prefix {
        return None;
    }
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::Item) => {
                depth += 1;
                if depth > MAX_MARKDOWN_DEPTH {
                    let line = text
                        .get(..range.start)
                        .map_or(0, |t| t.matches('\n').count())
                        + 1;
                    return Some(format!(
                        "lists and block quotes nest more than {MAX_MARKDOWN_DEPTH} levels deep (line {line})"
                    ));
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::Item) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
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
    fn the_first_invalid_byte_is_located_in_characters() {
        assert_eq!(
            utf8_error_loc(b""),
            super::super::yaml::Loc { line: 1, col: 1 }
        );
        let loc = utf8_error_loc("ab\nc\u{e9}".as_bytes());
        assert_eq!(loc, super::super::yaml::Loc { line: 2, col: 3 });
    }

    #[test]
    fn markdown_nesting_is_limited() {
        assert!(markdown_nesting_problem("- a\n  - b\n    > c\n").is_none());
        let fine = "- ".repeat(MAX_MARKDOWN_DEPTH) + "x";
        assert!(markdown_nesting_problem(&fine).is_none(), "{fine}");
        let deep = format!("# T\n\n{}x", "- ".repeat(MAX_MARKDOWN_DEPTH + 1));
        assert_eq!(
            markdown_nesting_problem(&deep).as_deref(),
            Some("lists and block quotes nest more than 16 levels deep (line 3)")
        );
        let quotes = ">".repeat(MAX_MARKDOWN_DEPTH + 1) + " x";
        assert!(markdown_nesting_problem(&quotes).is_some());
        // Deep indentation alone (a code block) is not nesting.
        let code = format!("{}code", " ".repeat(40));
        assert!(markdown_nesting_problem(&code).is_none());
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
        assert!(error.message.contains("over the 1 MiB limit"), "{error:?}");
    }

    #[test]
    fn display_drops_dot_slash() {
        assert_eq!(display_path(Path::new("./modules/x")), "modules/x");
        assert_eq!(display_path(Path::new(".")), ".");
    }
}
