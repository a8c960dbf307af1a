//! Problems found in user input: each names the file, the field, the value and what is wrong.
//!
//! Loaders never stop at the first problem: they collect every [`Problem`] and return them
//! together as [`Problems`], so a user fixes a file in one pass.

use std::fmt;

/// One thing wrong with one value of one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user named it (`dossier.toml`, `legal-rules/ecb/mro.toml`).
    pub file: String,
    /// The field path, `invoices[2].amount` (indices start at 0), or empty for the whole file.
    pub field: String,
    /// The offending value as written, when there is one.
    pub value: Option<String>,
    /// What is wrong and, where possible, what to write instead.
    pub message: String,
    /// 1-based line in the file, when the parser gives it.
    pub line: Option<usize>,
}

impl Problem {
    pub fn new(file: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_string(),
            field: field.into(),
            value: None,
            message: message.into(),
            line: None,
        }
    }

    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }
}

impl fmt::Display for Problem {
    /// `dossier.toml: invoices[2].amount: "12,50": expected a decimal with a dot (line 14)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.file)?;
        if !self.field.is_empty() {
            write!(f, " {}:", self.field)?;
        }
        if let Some(value) = &self.value {
            write!(f, " {}:", quote(value))?;
        }
        write!(f, " {}", self.message)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        Ok(())
    }
}

/// Quotes a value for a message, escaping what would make the message ambiguous and
/// cutting very long values so a hostile file cannot flood the terminal.
pub fn quote(value: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::from("\"");
    for (i, c) in value.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every problem found in one or more input files, in the order found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    pub fn push(&mut self, problem: Problem) {
        self.0.push(problem);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// `Ok(value)` when nothing was found, else every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

impl From<Problem> for Problems {
    fn from(problem: Problem) -> Self {
        Problems(vec![problem])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_follows_the_spec_shape() {
        let p = Problem::new(
            "dossier.toml",
            "invoices[2].amount",
            "expected a decimal with a dot, e.g. \"12.50\"",
        )
        .with_value("12,50");
        assert_eq!(
            p.to_string(),
            "dossier.toml: invoices[2].amount: \"12,50\": expected a decimal with a dot, e.g. \"12.50\""
        );
        assert_eq!(
            p.at_line(Some(14)).to_string(),
            "dossier.toml: invoices[2].amount: \"12,50\": expected a decimal with a dot, e.g. \"12.50\" (line 14)"
        );
    }

    #[test]
    fn quote_escapes_controls_and_cuts_long_values() {
        assert_eq!(quote("a\"b\n"), "\"a\\\"b\\n\"");
        let long = "x".repeat(200);
        assert!(quote(&long).chars().count() < 90);
    }
}
