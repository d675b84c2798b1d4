//! Variables → text for each shell and format (docs/design.md §2 `env`, §5). Quoting lives here:
//! every value is quoted so that nothing in it can run, whatever it holds.

use std::io::{self, Write};

use serde::Serialize;

use crate::cli::EnvFormat;
use crate::provider::Handover;

/// Inherited variables that could hand stale or other credentials, or the code, to the child (§5).
pub const UNSET: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_SESSION_EXPIRATION",
    "AWS_ACCESS_KEY",
    "AWS_SECRET_KEY",
    "AWS_DELEGATION_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    // The one-time code is spent once the credentials are here: no child needs it.
    "AWS_MFA_TOKEN_CODE",
];

/// The variables to set, in a stable order: the credentials, the region, the profile's SDK
/// settings (§5), the profile's name.
pub fn variables(handover: &Handover) -> Vec<(String, String)> {
    let c = &handover.credentials;
    let mut vars: Vec<(String, String)> = [
        ("AWS_ACCESS_KEY_ID", c.access_key_id.clone()),
        ("AWS_SECRET_ACCESS_KEY", c.secret_access_key.clone()),
        ("AWS_SESSION_TOKEN", c.session_token.clone()),
        ("AWS_CREDENTIAL_EXPIRATION", c.expiration_rfc3339()),
    ]
    .map(|(k, v)| (k.to_string(), v))
    .into();
    if let Some(region) = &handover.region {
        vars.push(("AWS_REGION".into(), region.clone()));
        vars.push(("AWS_DEFAULT_REGION".into(), region.clone()));
    }
    vars.extend(handover.sdk.iter().cloned());
    vars.extend(
        transport_variables(handover)
            .into_iter()
            .map(|(name, value)| (name.to_string(), value)),
    );
    vars.push(("AWS_MFA_PROFILE".into(), handover.profile.clone()));
    vars
}

/// The static credentials of `variables`, which `exec --server` neither sets nor lets
/// through: the command asks the endpoint instead.
pub const CREDENTIAL_VARIABLES: [&str; 4] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
];

/// `exec --server`'s variables: the endpoint and its token, then those of `variables`
/// but the credentials.
pub fn server_variables(handover: &Handover, uri: &str, token: &str) -> Vec<(String, String)> {
    let mut vars = vec![
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI".to_string(),
            uri.to_string(),
        ),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN".to_string(),
            token.to_string(),
        ),
    ];
    vars.extend(
        variables(handover)
            .into_iter()
            .filter(|(name, _)| !CREDENTIAL_VARIABLES.contains(&name.as_str())),
    );
    vars
}

/// The profile's CA bundle and retry settings, which the child cannot read from the
/// profile without AWS_PROFILE (§5): AWS_CA_BUNDLE, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE.
fn transport_variables(handover: &Handover) -> Vec<(&'static str, String)> {
    handover.transport.variables()
}

pub fn write_env(
    w: &mut impl Write,
    format: EnvFormat,
    set: &[(String, String)],
    unset: &[&str],
) -> io::Result<()> {
    match format {
        EnvFormat::Sh | EnvFormat::Bash | EnvFormat::Zsh => {
            writeln!(w, "unset {}", unset.join(" "))?;
            for (name, value) in set {
                writeln!(w, "export {name}={}", sh_quote(value))?;
            }
        }
        EnvFormat::Fish => {
            for name in unset {
                writeln!(w, "set -e {name}")?;
            }
            for (name, value) in set {
                writeln!(w, "set -gx {name} {}", fish_quote(value))?;
            }
        }
        EnvFormat::Powershell => {
            for name in unset {
                writeln!(
                    w,
                    "Remove-Item -Path Env:{name} -ErrorAction SilentlyContinue"
                )?;
            }
            for (name, value) in set {
                writeln!(w, "$Env:{name} = {}", powershell_quote(value))?;
            }
        }
        EnvFormat::Json => {
            // Variables to set as strings, variables to unset as null.
            let mut map = serde_json::Map::new();
            for (name, value) in set {
                map.insert(name.clone(), value.clone().into());
            }
            for name in unset {
                map.insert(name.to_string(), serde_json::Value::Null);
            }
            serde_json::to_writer_pretty(&mut *w, &map)?;
            writeln!(w)?;
        }
        EnvFormat::Dotenv => {
            // A .env file only sets; it has no way to unset.
            for (name, value) in set {
                writeln!(w, "{name}={}", dotenv_quote(value))?;
            }
        }
    }
    Ok(())
}

/// POSIX single quotes: nothing inside is special but the quote itself.
pub fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// fish single quotes: only `\` and `'` are special inside.
pub fn fish_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell single quotes; it also closes them on the typographic quotes, so double those too.
pub fn powershell_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Bare when plain, single quotes when that is literal, else double quotes with escapes.
pub fn dotenv_quote(value: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:+=@,%".contains(c);
    if value.chars().all(plain) {
        return value.to_string();
    }
    if !value.contains(['\'', '\n', '\r']) {
        return format!("'{value}'");
    }
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '\\' => out.push_str(r"\\"),
            '"' => out.push_str("\\\""),
            '$' => out.push_str(r"\$"),
            '`' => out.push_str(r"\`"),
            '\n' => out.push_str(r"\n"),
            '\r' => out.push_str(r"\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The AWS `credential_process` document, Version 1.
pub fn write_credential_process(w: &mut impl Write, handover: &Handover) -> io::Result<()> {
    #[derive(Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Document<'a> {
        version: u8,
        access_key_id: &'a str,
        secret_access_key: &'a str,
        session_token: &'a str,
        expiration: String,
    }
    let c = &handover.credentials;
    let document = Document {
        version: 1,
        access_key_id: &c.access_key_id,
        secret_access_key: &c.secret_access_key,
        session_token: &c.session_token,
        expiration: c.expiration_rfc3339(),
    };
    serde_json::to_writer(&mut *w, &document)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;

    fn handover() -> Handover {
        Handover {
            profile: "dev".into(),
            region: Some("eu-west-1".into()),
            sdk: vec![("AWS_USE_FIPS_ENDPOINT".into(), "true".into())],
            device: "arn:aws:iam::123456789012:mfa/alice".into(),
            credentials: Credentials {
                access_key_id: "ASIAEXAMPLE".into(),
                secret_access_key: "se/cr+et".into(),
                session_token: "to'ken".into(),
                expiration: 1_795_458_600,
            },
            transport: Default::default(),
        }
    }

    fn render(format: EnvFormat) -> String {
        let mut out = Vec::new();
        write_env(&mut out, format, &variables(&handover()), &["AWS_PROFILE"]).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sh_exports_quoted_values_and_unsets() {
        assert_eq!(
            render(EnvFormat::Sh),
            "unset AWS_PROFILE\n\
             export AWS_ACCESS_KEY_ID='ASIAEXAMPLE'\n\
             export AWS_SECRET_ACCESS_KEY='se/cr+et'\n\
             export AWS_SESSION_TOKEN='to'\\''ken'\n\
             export AWS_CREDENTIAL_EXPIRATION='2026-11-23T18:30:00Z'\n\
             export AWS_REGION='eu-west-1'\n\
             export AWS_DEFAULT_REGION='eu-west-1'\n\
             export AWS_USE_FIPS_ENDPOINT='true'\n\
             export AWS_MFA_PROFILE='dev'\n"
        );
    }

    #[test]
    fn fish_and_powershell_escape_their_quotes() {
        let fish = render(EnvFormat::Fish);
        assert!(fish.starts_with("set -e AWS_PROFILE\n"));
        assert!(fish.contains("set -gx AWS_SESSION_TOKEN 'to\\'ken'\n"));
        let ps = render(EnvFormat::Powershell);
        assert!(ps.contains("Remove-Item -Path Env:AWS_PROFILE -ErrorAction SilentlyContinue\n"));
        assert!(ps.contains("$Env:AWS_SESSION_TOKEN = 'to''ken'\n"));
        assert_eq!(powershell_quote("a\u{2019}b"), "'a\u{2019}\u{2019}b'");
        assert_eq!(fish_quote(r"a\b"), r"'a\\b'");
    }

    #[test]
    fn json_sets_strings_and_unsets_with_null() {
        let value: serde_json::Value = serde_json::from_str(&render(EnvFormat::Json)).unwrap();
        assert_eq!(value["AWS_SESSION_TOKEN"], "to'ken");
        assert!(value["AWS_PROFILE"].is_null());
    }

    #[test]
    fn dotenv_quotes_only_what_needs_it() {
        assert_eq!(dotenv_quote("ab/c+d="), "ab/c+d=");
        assert_eq!(dotenv_quote("a b"), "'a b'");
        assert_eq!(dotenv_quote("it's $x"), "\"it's \\$x\"");
        assert!(render(EnvFormat::Dotenv).contains("AWS_SESSION_TOKEN=\"to'ken\"\n"));
    }

    #[test]
    fn the_server_hands_the_endpoint_and_no_credentials() {
        let vars = server_variables(&handover(), "http://127.0.0.1:9/credentials", "t0k");
        let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
                "AWS_USE_FIPS_ENDPOINT",
                "AWS_MFA_PROFILE"
            ]
        );
        assert_eq!(vars[1].1, "t0k");
    }

    #[test]
    fn credential_process_document_has_version_1() {
        let mut out = Vec::new();
        write_credential_process(&mut out, &handover()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"Version\":1,\"AccessKeyId\":\"ASIAEXAMPLE\",\"SecretAccessKey\":\"se/cr+et\",\
             \"SessionToken\":\"to'ken\",\"Expiration\":\"2026-11-23T18:30:00Z\"}\n"
        );
    }
}
