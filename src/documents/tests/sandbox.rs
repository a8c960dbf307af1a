//! The template sandbox: no file outside the template set, no package, no symlink, and
//! warnings fail the render.

use super::{TempDir, options, sample_data};
use crate::documents::{RenderError, Renderer, Severity};

/// Renders `template` from a directory holding just that file, and returns the error.
fn render_error(name: &str, source: &str) -> RenderError {
    let dir = TempDir::new(name);
    dir.write(name, source);
    let renderer = Renderer::from_dir(&dir.0).expect("directory loads");
    renderer
        .render_pdf(name, &sample_data(), &options())
        .expect_err("the template must fail")
}

fn assert_refused(name: &str, source: &str, expected: &str) {
    let err = render_error(name, source);
    let message = err.to_string();
    assert!(matches!(err, RenderError::Compile { .. }), "{message}");
    assert!(message.contains(name), "template name missing: {message}");
    assert!(
        message.contains(expected),
        "expected {expected:?} in: {message}"
    );
    assert!(!message.contains("root:"), "file content leaked: {message}");
}

#[test]
fn absolute_paths_stay_inside_the_template_set() {
    assert_refused("abs.typ", "#read(\"/etc/passwd\")", "not found");
}

#[test]
fn parent_paths_cannot_escape() {
    assert_refused("rel.typ", "#read(\"../../etc/passwd\")", "escape");
    assert_refused(
        "img.typ",
        "#image(\"../../../../usr/share/pixmaps/debian-logo.png\")",
        "escape",
    );
}

#[test]
fn packages_are_refused() {
    assert_refused(
        "pkg.typ",
        "#import \"@preview/x:0.1.0\": *",
        "cannot use packages",
    );
}

#[test]
fn symlinks_in_a_template_directory_are_refused() {
    let dir = TempDir::new("symlink");
    dir.write("ok.typ", "Bonjour");
    std::os::unix::fs::symlink("/etc/passwd", dir.0.join("passwd.typ")).expect("symlink");
    let err = Renderer::from_dir(&dir.0)
        .err()
        .expect("a symlink must be refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
}

#[test]
fn a_warning_fails_the_render() {
    let err = render_error("font.typ", "#set text(font: \"Arial\")\nBonjour");
    let RenderError::Compile { diagnostics, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        diagnostics.iter().any(|d| d.severity == Severity::Warning),
        "{err}"
    );
    assert!(err.to_string().contains("unknown font family"), "{err}");
}

#[test]
fn a_directory_adds_and_overrides_templates() {
    let dir = TempDir::new("overlay");
    dir.write(
        "hello.typ",
        "#let data = json(\"/data.json\")\nBonjour #data.recipient.name",
    );
    let renderer = Renderer::from_dir(&dir.0).expect("directory loads");
    assert!(renderer.templates().contains(&"hello.typ"));
    // The embedded style is still there for templates that import it.
    assert!(renderer.templates().contains(&"relance-1.typ"));
    let pdf = renderer
        .render_pdf("hello.typ", &sample_data(), &options())
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn the_virtual_data_file_is_readable_but_not_executable() {
    let err = render_error("inc.typ", "#include \"/data.json\"");
    assert!(err.to_string().contains("not a Typst source"), "{err}");
}
