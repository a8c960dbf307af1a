//! `relance serve`: requests sent to the router in-process (`tower::ServiceExt::oneshot`),
//! no socket. Every page and API route on the test dossiers; the statement API is
//! `relance compute --format json` byte for byte; forms write through the record code;
//! a POST without CSRF token is 403 and writes nothing; traversal is 404; concurrent posts
//! lose nothing; hostile strings come out escaped.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use relance::rules::Rules;
use relance::serve::{App, Config, router};
use tower::ServiceExt;

const CSRF: &str = "test-csrf-0123456789abcdef";
const AS_OF: &str = "2026-06-30";

/// A copy of the example and the test dossiers in a fresh folder.
fn served_folder(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("relance-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).unwrap();
    copy_dir(
        &root.join("examples/atelier-martin"),
        &tmp.join("atelier-martin"),
    );
    for entry in std::fs::read_dir(root.join("tests/dossiers")).unwrap() {
        let p = entry.unwrap().path();
        copy_dir(&p, &tmp.join("tests").join(p.file_name().unwrap()));
    }
    tmp
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

fn config(root: &Path, token: Option<&str>) -> Config {
    let date: chrono::NaiveDate = AS_OF.parse().unwrap();
    Config {
        root: root.to_path_buf(),
        batch_out: root.join("sorties"),
        rules: Rules::embedded(),
        rule_files: Rules::embedded_files()
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
        rules_overlay: None,
        rules_base: None,
        today: Arc::new(move || date),
        token: token.map(str::to_string),
        csrf: CSRF.to_string(),
    }
}

fn app(root: &Path) -> Arc<App> {
    App::new(config(root, None))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(app: &Arc<App>, request: Request<Body>) -> Answer {
    let response = router(Arc::clone(app)).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

async fn get(app: &Arc<App>, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn post_form(app: &Arc<App>, uri: &str, fields: &[(&str, &str)]) -> Answer {
    let body: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                k,
                percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    send(
        app,
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

const BOUNDARY: &str = "relance-test-boundary";

/// A multipart body: text fields, then files as `(field, file name, bytes)`.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (k, name, bytes) in files {
        body.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(*bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_multipart(app: &Arc<App>, uri: &str, body: Vec<u8>) -> Answer {
    send(
        app,
        Request::post(uri)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

fn relance(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_relance"))
        .args(args)
        .output()
        .unwrap()
}

const KEYS: [&str; 24] = [
    "atelier-martin",
    "tests/agence-contractuel",
    "tests/b2c-metz",
    "tests/b2g-ccag",
    "tests/b2g-commune",
    "tests/b2g-refere",
    "tests/c2x-particulier",
    "tests/echeancier-automatique",
    "tests/echeancier-echu",
    "tests/echeancier-frais",
    "tests/echeancier-impaye",
    "tests/echeancier-particulier",
    "tests/echeancier-propose",
    "tests/facture-contestee",
    "tests/invalide",
    "tests/json-principal-first",
    "tests/redressement",
    "tests/relances-seules",
    "tests/sci-debiteur",
    "tests/tae-lyon",
    "tests/tae-paris",
    "tests/tae-villeurbanne",
    "tests/tc-toulouse",
    "tests/tj-strasbourg",
];

fn seg(key: &str) -> String {
    relance::serve::keys::url_segment(key)
}

#[tokio::test]
async fn every_page_answers_on_the_test_dossiers() {
    let root = served_folder("pages");
    let app = app(&root);
    for uri in [
        "/".to_string(),
        format!("/?as_of={AS_OF}&sort=total&dir=desc"),
        format!("/?as_of={AS_OF}&q=dupont&only=due"),
        "/new".to_string(),
        "/import".to_string(),
        "/rules".to_string(),
        "/batch".to_string(),
        "/static/app.css".to_string(),
        format!("/api/dossiers?as_of={AS_OF}"),
    ] {
        let a = get(&app, &uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.text());
    }
    for key in KEYS {
        let a = get(&app, &format!("/dossiers/{}?as_of={AS_OF}", seg(key))).await;
        assert_eq!(a.status, StatusCode::OK, "{key}: {}", a.text());
        assert!(a.text().contains("<html"), "{key}");
    }
    // The portfolio lists every dossier and the one that does not load, with its problems.
    let page = get(&app, &format!("/?as_of={AS_OF}")).await.text();
    assert!(page.contains("DOS-2026-0042") && page.contains("Dossiers qui ne se chargent pas"));
    assert!(page.contains("<svg class=\"aging\""), "the aging chart");
    let broken = get(&app, &format!("/dossiers/{}", seg("tests/invalide")))
        .await
        .text();
    assert!(broken.contains("ne se charge pas"), "{broken}");
    // A document and a preview.
    let a = get(
        &app,
        &format!("/dossiers/atelier-martin?as_of={AS_OF}&preview=mise-en-demeure"),
    )
    .await;
    assert!(a.text().contains("id=\"apercu\""), "{}", a.text());
}

#[tokio::test]
async fn statement_api_is_compute_json_byte_for_byte() {
    let root = served_folder("api");
    let app = app(&root);
    for key in KEYS {
        let a = get(
            &app,
            &format!("/api/dossiers/{}/statement?as_of={AS_OF}", seg(key)),
        )
        .await;
        let dir = root.join(key);
        let cli = relance(&[
            "compute",
            dir.to_str().unwrap(),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ]);
        if cli.status.success() {
            assert_eq!(a.status, StatusCode::OK, "{key}");
            assert_eq!(a.body, cli.stdout, "{key}: the API and the CLI differ");
        } else {
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{key}");
        }
    }
    // The list: one entry per dossier, figures as the statement's.
    let list: serde_json::Value = serde_json::from_slice(
        &get(&app, &format!("/api/dossiers?as_of={AS_OF}"))
            .await
            .body,
    )
    .unwrap();
    let items = list["dossiers"].as_array().unwrap();
    assert_eq!(items.len(), KEYS.len());
    let example = items.iter().find(|i| i["key"] == "atelier-martin").unwrap();
    let statement: serde_json::Value = serde_json::from_slice(
        &get(
            &app,
            &format!("/api/dossiers/atelier-martin/statement?as_of={AS_OF}"),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(example["total_due"], statement["totals"]["total_due"]);
    assert_eq!(
        example["principal_outstanding"],
        statement["totals"]["outstanding"]
    );
    assert!(
        items
            .iter()
            .any(|i| i["key"] == "tests/invalide" && i["error"].is_string())
    );
}

/// The amounts of the text statement, in order: what the HTML table must show too.
fn amounts(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(i) = rest.find('€') {
            let before = &rest[..i];
            let start = before
                .rfind(|c: char| {
                    !(c.is_ascii_digit() || c == ',' || c == '\u{202f}' || c == '\u{a0}')
                })
                .map_or(0, |j| j + before[j..].chars().next().unwrap().len_utf8());
            out.push(before[start..].trim().to_string());
            rest = &rest[i + '€'.len_utf8()..];
        }
    }
    out.retain(|a| !a.is_empty());
    out
}

#[tokio::test]
async fn the_page_statement_has_the_figures_of_compute() {
    let root = served_folder("table");
    let app = app(&root);
    for key in [
        "atelier-martin",
        "tests/b2g-commune",
        "tests/redressement",
        "tests/b2c-metz",
    ] {
        let cli = relance(&[
            "compute",
            root.join(key).to_str().unwrap(),
            "--as-of",
            AS_OF,
        ]);
        let text = String::from_utf8(cli.stdout).unwrap();
        let page = get(&app, &format!("/dossiers/{}?as_of={AS_OF}", seg(key)))
            .await
            .text();
        let table = &page[page.find("id=\"statement\"").expect(key)..];
        let table = &table[..table.find("</table>").unwrap()];
        // The statement's part of the CLI output: up to the rules it used.
        let cli_part = text.split("Taux, montants").next().unwrap();
        let cli_amounts = amounts(cli_part);
        // Each period line shows base × rate, hence the € of its base in both.
        assert_eq!(amounts(table), cli_amounts, "{key}");
        assert!(!cli_amounts.is_empty(), "{key}");
    }
}

#[tokio::test]
async fn a_payment_posted_changes_the_file_and_the_next_statement() {
    let root = served_folder("payment");
    let app = app(&root);
    let file = root.join("atelier-martin/dossier.toml");
    let before = std::fs::read_to_string(&file).unwrap();
    let statement = |a: Answer| -> serde_json::Value { serde_json::from_slice(&a.body).unwrap() };
    let uri = format!("/api/dossiers/atelier-martin/statement?as_of={AS_OF}");
    let s0 = statement(get(&app, &uri).await);
    let a = post_form(
        &app,
        "/dossiers/atelier-martin/payments",
        &[
            ("csrf", CSRF),
            ("as_of", AS_OF),
            ("date", "2026-06-15"),
            ("amount", "100.00"),
            ("invoice", "F-2026-007"),
            ("reference", "VIR 15/06"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(
        after.starts_with(&before[..200]),
        "comments and layout kept"
    );
    assert!(after.contains("VIR 15/06") && after.contains("amount = \"100.00\""));
    let s1 = statement(get(&app, &uri).await);
    assert_ne!(s0["totals"]["total_due"], s1["totals"]["total_due"]);
    assert_eq!(s1["totals"]["paid"], "600.00");
    // The CLI sees the same file and the same figures.
    let cli = relance(&[
        "compute",
        root.join("atelier-martin").to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    ]);
    assert_eq!(
        get(&app, &uri).await.body,
        cli.stdout,
        "API and CLI after the write"
    );
    // A bad amount is shown beside its field with the CLI's message, nothing written.
    let a = post_form(
        &app,
        "/dossiers/atelier-martin/payments",
        &[("csrf", CSRF), ("date", "2026-06-16"), ("amount", "12,5")],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        a.text()
            .contains("expected a decimal with a dot, e.g. &quot;12.50&quot;"),
        "{}",
        a.text()
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
    // An unknown invoice: the loader's problem, beside the invoice field.
    let a = post_form(
        &app,
        "/dossiers/atelier-martin/payments",
        &[
            ("csrf", CSRF),
            ("date", "2026-06-16"),
            ("amount", "1.00"),
            ("invoice", "F-NOPE"),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("F-NOPE"), "{}", a.text());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), after);
}

#[tokio::test]
async fn an_event_with_an_uploaded_proof_is_recorded() {
    let root = served_folder("event");
    let app = app(&root);
    let body = multipart(
        &[
            ("csrf", CSRF),
            ("as_of", AS_OF),
            ("date", "2026-06-20"),
            ("kind", "acknowledgment"),
            ("invoice", "F-2026-012"),
            ("channel", "email"),
        ],
        &[(
            "piece",
            "reconnaissance.eml",
            b"From: dupont\r\n\r\nJe reconnais devoir.",
        )],
    );
    let a = post_multipart(&app, "/dossiers/atelier-martin/events", body).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    let text = std::fs::read_to_string(root.join("atelier-martin/dossier.toml")).unwrap();
    assert!(
        text.contains("kind = \"acknowledgment\"") && text.contains("pieces/reconnaissance.eml")
    );
    assert!(
        root.join("atelier-martin/pieces/reconnaissance.eml")
            .is_file()
    );
}

#[tokio::test]
async fn a_post_without_csrf_is_403_and_writes_nothing() {
    let root = served_folder("csrf");
    let app = app(&root);
    let file = root.join("atelier-martin/dossier.toml");
    let before = std::fs::read(&file).unwrap();
    let payment = [("date", "2026-06-15"), ("amount", "100.00")];
    for csrf in [None, Some("wrong"), Some("")] {
        let mut fields = payment.to_vec();
        if let Some(c) = csrf {
            fields.push(("csrf", c));
        }
        let a = post_form(&app, "/dossiers/atelier-martin/payments", &fields).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{csrf:?}");
        let body = multipart(
            &[
                ("date", "2026-06-20"),
                ("kind", "dispute"),
                ("csrf", csrf.unwrap_or("")),
            ],
            &[("piece", "x.pdf", b"%PDF")],
        );
        let a = post_multipart(&app, "/dossiers/atelier-martin/events", body).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        let a = post_form(
            &app,
            "/new",
            &[("reference", "X-1"), ("csrf", csrf.unwrap_or(""))],
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        let a = post_form(
            &app,
            "/batch",
            &[("as_of", AS_OF), ("csrf", csrf.unwrap_or(""))],
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
        let body = multipart(
            &[("kind", "csv"), ("csrf", csrf.unwrap_or(""))],
            &[("file", "f.csv", b"x")],
        );
        assert_eq!(
            post_multipart(&app, "/import", body).await.status,
            StatusCode::FORBIDDEN
        );
        let a = post_form(
            &app,
            "/import/confirm",
            &[("staged", "1"), ("csrf", csrf.unwrap_or(""))],
        )
        .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(std::fs::read(&file).unwrap(), before);
    assert!(!root.join("atelier-martin/pieces/x.pdf").exists());
    assert!(!root.join("X-1").exists() && !root.join("sorties").exists());
}

#[tokio::test]
async fn keys_that_are_not_dossiers_are_404_whatever_their_encoding() {
    let root = served_folder("traversal");
    // A symlink out of the folder, and a dossier file that is a symlink out of it.
    let outside = served_folder("traversal-outside");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.join("atelier-martin"), root.join("lien")).unwrap();
        std::fs::create_dir_all(root.join("faux")).unwrap();
        std::os::unix::fs::symlink(
            outside.join("atelier-martin/dossier.toml"),
            root.join("faux/dossier.toml"),
        )
        .unwrap();
    }
    std::fs::create_dir_all(root.join("atelier-martin/sous")).unwrap();
    std::fs::copy(
        root.join("tests/b2c-metz/dossier.toml"),
        root.join("atelier-martin/sous/dossier.toml"),
    )
    .unwrap();
    let app = app(&root);
    let abs = root.join("atelier-martin").display().to_string();
    for key in [
        "..",
        "%2e%2e",
        "%2E%2E%2F",
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2fatelier-martin",
        "tests%2F..%2Fatelier-martin",
        "tests%2F.%2Fb2c-metz",
        ".",
        "%2F",
        &seg(&abs),
        "%2Fetc%2Fpasswd",
        "tests",
        "tests%2F",
        "%2Ftests%2Fb2c-metz",
        "tests%5Cb2c-metz",
        "tests%2F%2Fb2c-metz",
        "atelier-martin%00",
        "atelier-martin%2Fpieces",
        "atelier-martin%2Fsous",
        "lien",
        "faux",
        "nope",
        "%FF%FE",
        "-",
    ] {
        for uri in [
            format!("/dossiers/{key}"),
            format!("/dossiers/{key}/documents/decompte.pdf?as_of={AS_OF}"),
            format!("/dossiers/{key}/bundle.zip?as_of={AS_OF}"),
            format!("/api/dossiers/{key}/statement?as_of={AS_OF}"),
        ] {
            let a = get(&app, &uri).await;
            assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}: {}", a.text());
        }
        let a = post_form(
            &app,
            &format!("/dossiers/{key}/payments"),
            &[("csrf", CSRF), ("date", "2026-06-15"), ("amount", "1.00")],
        )
        .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{key}");
    }
    assert!(
        !std::fs::read_to_string(outside.join("atelier-martin/dossier.toml"))
            .unwrap()
            .contains("2026-06-15")
    );
    #[cfg(unix)]
    assert!(
        get(&app, "/")
            .await
            .text()
            .contains("resolves outside the served folder"),
        "the portfolio names the dossier file that leaves the folder"
    );
    // The real ones are there.
    assert_eq!(
        get(&app, "/dossiers/tests%2Fb2c-metz").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, "/dossiers/nope/documents/x.pdf").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/dossiers/atelier-martin/documents/nope.pdf")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn concurrent_posts_lose_nothing() {
    let root = served_folder("concurrent");
    let app = app(&root);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let app = Arc::clone(&app);
        tasks.push(tokio::spawn(async move {
            let reference = format!("VIR-CONC-{i:02}");
            post_form(
                &app,
                "/dossiers/atelier-martin/payments",
                &[
                    ("csrf", CSRF),
                    ("date", "2026-06-10"),
                    ("amount", "1.00"),
                    ("reference", &reference),
                ],
            )
            .await
            .status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    let text = std::fs::read_to_string(root.join("atelier-martin/dossier.toml")).unwrap();
    for i in 0..12 {
        assert!(
            text.contains(&format!("VIR-CONC-{i:02}")),
            "payment {i} lost"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_and_bundle_are_those_of_the_cli() {
    let root = served_folder("documents");
    let app = app(&root);
    let a = get(
        &app,
        &format!("/dossiers/atelier-martin/documents/mise-en-demeure.pdf?as_of={AS_OF}"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/pdf");
    let out = root.join("med.pdf");
    let cli = relance(&[
        "render",
        root.join("atelier-martin").to_str().unwrap(),
        "--doc",
        "mise-en-demeure",
        "--as-of",
        AS_OF,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(cli.status.success());
    assert_eq!(
        a.body,
        std::fs::read(&out).unwrap(),
        "same PDF bytes as render"
    );
    let zip = get(
        &app,
        &format!("/dossiers/atelier-martin/bundle.zip?as_of={AS_OF}"),
    )
    .await;
    assert_eq!(zip.status, StatusCode::OK);
    let out = root.join("b.zip");
    let cli = relance(&[
        "bundle",
        root.join("atelier-martin").to_str().unwrap(),
        "--as-of",
        AS_OF,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(cli.status.success());
    assert_eq!(
        zip.body,
        std::fs::read(&out).unwrap(),
        "same bundle as relance bundle"
    );
    // A refusal: a rate missing from the rules on that date, with the CLI's message.
    let a = get(
        &app,
        "/dossiers/atelier-martin/documents/relance-1.pdf?as_of=2026-07-01",
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "a missing rate");
    assert!(a.text().contains("missing law"), "{}", a.text());
}

#[tokio::test]
async fn a_new_dossier_from_the_form_remembers_the_creditor() {
    let root = served_folder("new");
    let app = app(&root);
    let mut fields = vec![
        ("csrf", CSRF),
        ("reference", "DOS-NEW-1"),
        ("creditor.kind", "company"),
        ("creditor.name", "Atelier Martin SARL"),
        ("creditor.siren", "732829320"),
        ("creditor.address", "12 rue des Lilas\n69003 Lyon"),
        ("creditor.signatory", "Jeanne Martin, gérante"),
        ("debtor.kind", "company"),
        ("debtor.name", "Client Nouveau SAS"),
        ("debtor.address", "1 rue Neuve\n75002 Paris"),
        ("invoices[0].number", "F-9"),
        ("invoices[0].issued", "2026-03-01"),
        ("invoices[0].due", "2026-03-31"),
        ("invoices[0].amount", "12,5"),
    ];
    let a = post_form(&app, "/new", &fields).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = a.text();
    assert!(
        page.contains("invoices[0].amount: &quot;12,5&quot;: expected a decimal with a dot"),
        "{page}"
    );
    assert!(!root.join("DOS-NEW-1").exists());
    fields.retain(|(k, _)| *k != "invoices[0].amount");
    fields.push(("invoices[0].amount", "12.50"));
    let a = post_form(&app, "/new", &fields).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "{}", a.text());
    assert!(root.join("DOS-NEW-1/dossier.toml").is_file());
    let page = get(&app, "/new").await.text();
    assert!(
        page.contains("value=\"732829320\""),
        "the creditor is remembered"
    );
    let check = relance(&["check", root.join("DOS-NEW-1").to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // A second dossier in the same folder is refused beside the folder field.
    let a = post_form(&app, "/new", &fields).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(a.text().contains("already exists"));
}

#[tokio::test]
async fn an_import_shows_its_report_then_writes_on_confirmation() {
    let root = served_folder("import");
    let app = app(&root);
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/import");
    let csv = std::fs::read(here.join("factures.csv")).unwrap();
    let creditor = std::fs::read(here.join("relance.toml")).unwrap();
    let body = multipart(
        &[("csrf", CSRF), ("kind", "csv")],
        &[
            ("file", "factures.csv", &csv),
            ("creditor", "relance.toml", &creditor),
        ],
    );
    let a = post_multipart(&app, "/import", body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    let page = a.text();
    assert!(page.contains("Rapport d'import"), "{page}");
    let staged = page
        .split("name=\"staged\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a confirmation form")
        .to_string();
    let before = dossier_count(&root);
    let a = post_form(
        &app,
        "/import/confirm",
        &[("csrf", CSRF), ("staged", &staged)],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert!(root.join("import-report.json").is_file());
    assert!(dossier_count(&root) > before);
}

fn dossier_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            if p.is_dir() {
                dossier_count(&p)
            } else {
                usize::from(p.file_name().is_some_and(|n| n == "dossier.toml"))
            }
        })
        .sum()
}

/// Strings made of HTML's and Typst's special characters, in every field a page prints.
const HOSTILE: [&str; 6] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "'onmouseover='alert(3)",
    "{{ 1300+37 }}{% if 1 %}X{% endif %}",
    "#eval(\"1\") $x$ <b id=\"z\">",
    "</textarea><svg onload=alert(4)>",
];

#[tokio::test]
async fn hostile_strings_come_out_escaped_on_every_page() {
    let root = served_folder("hostile");
    let dir = root.join("hostile");
    std::fs::create_dir_all(&dir).unwrap();
    let h = |i: usize| {
        HOSTILE[i % HOSTILE.len()]
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
    };
    let text = format!(
        r#"reference = "R{0}"
[creditor]
kind = "company"
name = "C{1}"
siren = "732829320"
address = ["{2}", "69003 Lyon {3}"]
signatory = "{4}"
[debtor]
kind = "company"
name = "D{5}"
address = ["{0}", "75011 Paris {1}"]
[[invoices]]
number = "N{2}"
issued = 2026-01-15
due = 2026-02-14
amount = "100.00"
description = "{3}"
[[payments]]
date = 2026-03-01
amount = "10.00"
reference = "{4}"
"#,
        h(0),
        h(1),
        h(2),
        h(3),
        h(4),
        h(5)
    );
    std::fs::write(dir.join("dossier.toml"), &text).unwrap();
    let check = relance(&["check", dir.to_str().unwrap()]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let app = app(&root);
    // A refused form sends the values back: hostile ones too.
    let refused = post_form(
        &app,
        "/dossiers/hostile/payments",
        &[
            ("csrf", CSRF),
            ("date", HOSTILE[0]),
            ("amount", HOSTILE[1]),
            ("reference", HOSTILE[5]),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let pages = [
        get(&app, &format!("/?as_of={AS_OF}")).await.text(),
        get(&app, &format!("/?as_of={AS_OF}&q={}", seg(HOSTILE[0])))
            .await
            .text(),
        get(&app, &format!("/dossiers/hostile?as_of={AS_OF}"))
            .await
            .text(),
        get(
            &app,
            &format!("/dossiers/hostile?as_of={AS_OF}&preview=relance-1"),
        )
        .await
        .text(),
        refused.text(),
    ];
    for (i, page) in pages.iter().enumerate() {
        for bad in [
            "<script",
            "<img",
            "<svg onload",
            "<b id",
            "onmouseover='",
            "</textarea><",
        ] {
            assert!(!page.contains(bad), "page {i} holds {bad}");
        }
        assert!(
            !page.contains("1337"),
            "page {i}: a template expression was evaluated"
        );
    }
    assert!(pages[2].contains("&lt;script&gt;"), "shown, escaped");
}

#[tokio::test]
async fn beyond_loopback_every_request_needs_the_token() {
    let root = served_folder("token");
    let token = "s3cret-token-0123456789";
    let app = App::new(config(&root, Some(token)));
    assert_eq!(get(&app, "/").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        get(&app, "/api/dossiers").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&app, "/?token=wrong").await.status,
        StatusCode::UNAUTHORIZED
    );
    let a = get(&app, &format!("/?as_of={AS_OF}&token={token}")).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    assert_eq!(a.headers[header::LOCATION], format!("/?as_of={AS_OF}"));
    let cookie = a.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let with_cookie = Request::get("/")
        .header(header::COOKIE, format!("relance_token={token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, with_cookie).await.status, StatusCode::OK);
    let bearer = Request::get("/api/dossiers")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, bearer).await.status, StatusCode::OK);
    // On loopback, a page reached under another host name is refused (DNS rebinding).
    let app = app_loopback(&root);
    let evil = Request::get("/")
        .header(header::HOST, "evil.example:8080")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, evil).await.status, StatusCode::FORBIDDEN);
    let local = Request::get("/")
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::empty())
        .unwrap();
    let a = send(&app, local).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(
        a.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
}

fn app_loopback(root: &Path) -> Arc<App> {
    app(root)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_batch_button_produces_what_is_due_with_links() {
    let root = served_folder("batch");
    let app = app(&root);
    let a = post_form(&app, "/batch", &[("csrf", CSRF), ("as_of", AS_OF)]).await;
    assert_eq!(a.status, StatusCode::SEE_OTHER);
    let mut page = String::new();
    for _ in 0..600 {
        page = get(&app, "/batch").await.text();
        if page.contains("id=\"batch-done\"") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(page.contains("id=\"batch-done\""), "{page}");
    assert!(root.join(format!("sorties/{AS_OF}/summary.json")).is_file());
    let link = page
        .split("href=\"/batch/files/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a link to a file")
        .to_string();
    let a = get(&app, &format!("/batch/files/{link}")).await;
    assert_eq!(a.status, StatusCode::OK, "{link}");
    assert_eq!(
        get(&app, "/batch/files/..%2F..%2Fatelier-martin%2Fdossier.toml")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_rules_form_adds_a_value_into_the_overlay_and_puts_it_in_force() {
    let root = served_folder("rules-form");
    let overlay = root.join("surcouche");
    let mut c = config(&root, None);
    c.rules_overlay = Some(overlay.clone());
    let app = App::new(c);
    let day: chrono::NaiveDate = "2026-09-01".parse().unwrap();
    let ecb = |app: &Arc<App>| {
        app.law()
            .rules
            .rule("ecb-mro")
            .unwrap()
            .value_at(day)
            .map(|v| v.value)
    };
    assert_eq!(ecb(&app), None);
    let page = get(&app, "/rules?as_of=2026-09-01").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("name=\"source\""), "the form is shown");
    let fields = [
        ("csrf", CSRF),
        ("as_of", "2026-09-01"),
        ("id", "ecb-mro"),
        ("from", "2026-02-06"),
        ("to", "2026-12-01"),
        ("value", "2.15"),
        (
            "source",
            "https://data.ecb.europa.eu/main-figures/ecb-interest-rates-and-exchange-rates/key-ecb-interest-rates",
        ),
        ("note", "MRO rate unchanged"),
        ("checked", "2026-12-01"),
    ];
    // Without the CSRF token: 403, nothing written.
    let no_csrf = post_form(&app, "/rules", &fields[1..]).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    assert!(!overlay.exists());
    // A comma decimal is refused with its reason, nothing written, the fields kept.
    let mut comma = fields;
    comma[5] = ("value", "2,15");
    let refused = post_form(&app, "/rules", &comma).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains("with a point"),
        "{}",
        refused.text()
    );
    assert!(refused.text().contains("MRO rate unchanged"));
    assert!(!overlay.exists());
    // Added: the file is in the overlay and the value in force for every page.
    let added = post_form(&app, "/rules", &fields).await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.text());
    assert!(added.text().contains("added ecb-mro"), "{}", added.text());
    let file = overlay.join("bce/taux-refinancement.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("value = \"2.15\"") && text.contains("last_checked = 2026-12-01"),
        "{text}"
    );
    assert_eq!(ecb(&app), Some("2.15".parse().unwrap()));
    // The same dates again overlap: refused, the file unchanged.
    let again = post_form(&app, "/rules", &fields).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    // A server started without an overlay says how to get one.
    let plain = App::new(config(&root, None));
    let none = post_form(&plain, "/rules", &fields).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.text().contains("--rules-overlay"));
    let _ = std::fs::remove_dir_all(&root);
}
