//! The set of files letter templates may read: the embedded `letter-templates/`, optionally
//! overlaid by a directory chosen at run time.
//!
//! The whole set is read and parsed when a renderer is built, so that compiling a letter
//! never touches the disk: the set is the sandbox. A template can only reach files in the
//! set, whatever path it asks for (absolute, `..`, symlink), because the world answers
//! from this table and nothing else.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};

use super::render::RenderError;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));
}

/// File types a template may use; the same list as in `build.rs`, so that a customised
/// directory is read exactly as the embedded set is.
const EXTENSIONS: &[&str] = &["typ", "svg", "png", "jpg", "jpeg"];

/// One file of the set.
pub(crate) struct TemplateFile {
    pub(crate) bytes: Bytes,
    /// The parsed source for `.typ` files; `None` for images and for invalid UTF-8,
    /// which the world reports when a template imports such a file.
    pub(crate) source: Option<Source>,
}

/// Files by interned id, and template names (virtual paths without the leading slash)
/// in sorted order.
pub(crate) struct TemplateSet {
    files: HashMap<FileId, TemplateFile>,
    names: BTreeMap<String, FileId>,
}

impl TemplateSet {
    /// The templates compiled into the binary.
    pub(crate) fn embedded() -> Self {
        let mut set = Self {
            files: HashMap::new(),
            names: BTreeMap::new(),
        };
        for (vpath, bytes) in generated::EMBEDDED {
            set.insert(vpath, Bytes::new(*bytes))
                .expect("build.rs only embeds valid virtual paths");
        }
        set
    }

    /// The embedded templates, with every template file found under `dir` added or
    /// replacing the embedded file of the same relative path.
    ///
    /// # Errors
    /// [`RenderError::TemplateDir`] if `dir` or a file under it cannot be read, if it
    /// holds a symbolic link (a link could point outside the set), or if a file name is
    /// not UTF-8.
    pub(crate) fn with_dir(dir: &Path) -> Result<Self, RenderError> {
        let mut set = Self::embedded();
        let mut found = Vec::new();
        collect(dir, dir, &mut found)?;
        for (vpath, real) in found {
            let bytes = fs::read(&real).map_err(|e| dir_error(&real, e.to_string()))?;
            set.insert(&vpath, Bytes::new(bytes))
                .map_err(|reason| dir_error(&real, reason))?;
        }
        Ok(set)
    }

    /// Interns the file's id. The set is bounded (one id per file, interned once per
    /// path and process), which keeps Typst's global table of 65,535 file ids safe.
    fn insert(&mut self, vpath: &str, bytes: Bytes) -> Result<(), String> {
        let virtual_path = VirtualPath::new(vpath).map_err(|e| e.to_string())?;
        let id = RootedPath::new(VirtualRoot::Project, virtual_path).intern();
        let source = if vpath.ends_with(".typ") {
            std::str::from_utf8(&bytes)
                .ok()
                .map(|text| Source::new(id, text.to_owned()))
        } else {
            None
        };
        let name = vpath.trim_start_matches('/').to_owned();
        self.names.insert(name, id);
        self.files.insert(id, TemplateFile { bytes, source });
        Ok(())
    }

    /// The id of a main template, by name (`"mise-en-demeure.typ"`).
    pub(crate) fn main_id(&self, name: &str) -> Option<FileId> {
        if !name.ends_with(".typ") {
            return None;
        }
        self.names.get(name).copied()
    }

    pub(crate) fn get(&self, id: FileId) -> Option<&TemplateFile> {
        self.files.get(&id)
    }

    /// Names of the `.typ` files, sorted.
    pub(crate) fn typ_names(&self) -> impl Iterator<Item = &str> {
        self.names
            .keys()
            .map(String::as_str)
            .filter(|n| n.ends_with(".typ"))
    }
}

fn dir_error(path: &Path, reason: String) -> RenderError {
    RenderError::TemplateDir {
        path: path.to_path_buf(),
        reason,
    }
}

/// Collects `(virtual path, real path)` of the template files under `dir`, refusing links.
fn collect(root: &Path, dir: &Path, found: &mut Vec<(String, PathBuf)>) -> Result<(), RenderError> {
    let entries = fs::read_dir(dir).map_err(|e| dir_error(dir, e.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|e| dir_error(dir, e.to_string()))?;
        let path = entry.path();
        // `file_type` does not follow links, so a link is seen as a link.
        let file_type = entry
            .file_type()
            .map_err(|e| dir_error(&path, e.to_string()))?;
        if file_type.is_symlink() {
            return Err(dir_error(
                &path,
                "symbolic links are not allowed in a template directory".to_owned(),
            ));
        }
        if file_type.is_dir() {
            // Fonts are compiled in; a `fonts/` folder beside the templates is ignored,
            // as it is for the embedded set.
            if path != root.join("fonts") {
                collect(root, &path, found)?;
            }
            continue;
        }
        let allowed = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e));
        if file_type.is_file() && allowed {
            let relative = path.strip_prefix(root).expect("walked from root");
            let mut vpath = String::new();
            for component in relative.components() {
                let part = component
                    .as_os_str()
                    .to_str()
                    .ok_or_else(|| dir_error(&path, "file name is not UTF-8".to_owned()))?;
                vpath.push('/');
                vpath.push_str(part);
            }
            found.push((vpath, path));
        }
    }
    Ok(())
}
