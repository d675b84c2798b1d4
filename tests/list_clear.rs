//! `aws-mfa list` and `aws-mfa clear`: what they show and delete, with STS unreachable.

mod common;

use common::*;
use serde_json::Value;

const CODE: &str = "123456";

fn warm(sb: &Sandbox) {
    run(&mut sb.cmd(["exec", "-p", "admin", "--token-code", CODE, "--", "true"])).assert_success();
}

fn list_json(sb: &Sandbox) -> Vec<Value> {
    let r = run(sb
        .cmd(["list", "--json"])
        .env("AWS_ENDPOINT_URL", dead_endpoint()));
    r.assert_success();
    let v: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.dump()));
    v.as_array().expect("a JSON array").clone()
}

fn row<'a>(rows: &'a [Value], profile: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["profile"] == profile)
        .unwrap_or_else(|| panic!("no row for {profile} in {rows:?}"))
}

#[test]
fn list_shows_profiles_devices_roles_sources_and_time_left() {
    let sb = Sandbox::new();
    warm(&sb);
    let before = sb.proxy.total();
    let rows = list_json(&sb);
    let admin = row(&rows, "admin");
    assert_eq!(admin["device"], "arn:aws:iam::123456789012:mfa/alice");
    assert_eq!(admin["role"], "arn:aws:iam::123456789012:role/Admin");
    assert_eq!(admin["source"], "dev");
    let left = admin["seconds_left"].as_i64().expect("admin is cached");
    assert!((3000..=3600).contains(&left), "role session left: {left}");
    let dev = row(&rows, "dev");
    assert!(dev["role"].is_null());
    let left = dev["seconds_left"]
        .as_i64()
        .expect("the MFA session is cached");
    assert!(left > 11 * 3600, "session left: {left}");
    // readonly shares the session but its role credentials are not cached yet.
    assert!(row(&rows, "readonly")["seconds_left"].is_null());
    assert_eq!(sb.proxy.total(), before, "list made a call");

    let r = run(sb.cmd(["list"]).env("AWS_ENDPOINT_URL", dead_endpoint()));
    r.assert_success();
    let header = r.stdout.lines().next().unwrap_or_default();
    assert!(
        header.starts_with("PROFILE") && header.ends_with("CACHED"),
        "{}",
        r.dump()
    );
    let admin_line = r
        .stdout
        .lines()
        .find(|l| l.starts_with("admin "))
        .expect("admin row");
    assert!(
        admin_line.contains("role/Admin") && admin_line.trim_end().ends_with('m'),
        "{admin_line}"
    );

    let r = run(&mut sb.cmd(["list", "--names"]));
    r.assert_success();
    let names: Vec<&str> = r.stdout.lines().collect();
    assert!(
        names.contains(&"admin") && names.contains(&"dev") && names.contains(&"readonly"),
        "{names:?}"
    );
}

#[test]
fn clear_deletes_one_profile_or_everything() {
    let sb = Sandbox::new();
    warm(&sb);
    assert_eq!(sb.cache_entries().len(), 2, "session and role entries");

    let r = run(&mut sb.cmd(["clear", "-p", "admin"]));
    r.assert_success();
    assert!(r.stdout.contains("admin"), "{}", r.dump());
    assert_eq!(sb.cache_entries().len(), 1);
    // The MFA session stays: admin is assumed again with no code.
    run(&mut sb.cmd(["exec", "-p", "admin", "--", "true"])).assert_success();
    assert_eq!(sb.proxy.count("GetSessionToken"), 1);
    assert_eq!(sb.proxy.count("AssumeRole"), 2);

    let r = run(&mut sb.cmd(["clear", "--all"]));
    r.assert_success();
    assert!(
        r.stdout.contains("deleted 2 cached entries"),
        "{}",
        r.dump()
    );
    assert!(sb.cache_entries().is_empty(), "{:?}", sb.cache_files());
    // Now a code is needed again, and there is none.
    run(&mut sb.cmd(["exec", "-p", "admin", "--", "true"])).assert_code(1);

    // With neither -p nor --all, the profile exec would use: AWS_PROFILE, else default.
    let r = run(&mut sb.cmd(["clear"]));
    r.assert_success();
    assert_eq!(
        r.stdout,
        "no cached MFA session for 'default'\n",
        "{}",
        r.dump()
    );
    run(&mut sb.cmd(["clear", "-p", "dev", "--all"])).assert_code(2);
}
