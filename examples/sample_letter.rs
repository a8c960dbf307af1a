//! Renders the sample letter to a PDF file, to look at the letter style:
//! `cargo run --example sample_letter -- OUT.pdf [--data DATA.json] [--attach]`
//! (default data: `letter-templates/sample.json`).

use std::error::Error;

use relance::documents::{Attachment, RenderOptions, Renderer};

fn main() -> Result<(), Box<dyn Error>> {
    let usage = "usage: sample_letter OUT.pdf [--data DATA.json] [--attach]";
    let mut args = std::env::args().skip(1);
    let out = args.next().ok_or(usage)?;
    let mut attach = false;
    let mut data_text = include_str!("../letter-templates/sample.json").to_owned();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--attach" => attach = true,
            "--data" => data_text = std::fs::read_to_string(args.next().ok_or(usage)?)?,
            _ => return Err(usage.into()),
        }
    }

    let data: serde_json::Value = serde_json::from_str(&data_text)?;
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("date")?;
    let mut opts = RenderOptions::new(date, "REL-2026-0042");
    if attach {
        opts = opts.with_attachment(Attachment {
            name: "releve-de-creance.json".to_owned(),
            mime: "application/json".to_owned(),
            description: "Relevé de créance (JSON)".to_owned(),
            bytes: serde_json::to_vec_pretty(&data["invoices"])?,
        });
    }
    let pdf = Renderer::embedded().render_pdf("sample.typ", &data, &opts)?;
    std::fs::write(&out, pdf)?;
    Ok(())
}
