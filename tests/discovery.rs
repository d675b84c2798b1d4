//! MFA device discovery (docs/design.md §3.2) against moto's IAM: a user with no device
//! configured gets the one IAM lists for them; several are listed; the answer is
//! remembered so that a cache hit needs no network.

mod common;

use common::*;
use serde_json::Value;

/// An IAM user with `devices` virtual MFA devices; returns (access key id, secret, serials).
fn user_with_devices(sb: &Sandbox, user: &str, devices: usize) -> (String, String, Vec<String>) {
    moto_admin_aws(sb, &["iam", "create-user", "--user-name", user]);
    let key = moto_admin_aws(sb, &["iam", "create-access-key", "--user-name", user]);
    let id = key["AccessKey"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let secret = key["AccessKey"]["SecretAccessKey"]
        .as_str()
        .unwrap()
        .to_string();
    let mut serials = Vec::new();
    for i in 0..devices {
        let name = format!("{user}-{i}");
        let seed = sb.root.join(format!("{name}.seed"));
        let device = moto_admin_aws(
            sb,
            &[
                "iam",
                "create-virtual-mfa-device",
                "--virtual-mfa-device-name",
                &name,
                "--outfile",
                &seed.to_string_lossy(),
                "--bootstrap-method",
                "Base32StringSeed",
            ],
        );
        let serial = device["VirtualMFADevice"]["SerialNumber"]
            .as_str()
            .unwrap()
            .to_string();
        moto_admin_aws(
            sb,
            &[
                "iam",
                "enable-mfa-device",
                "--user-name",
                user,
                "--serial-number",
                &serial,
                "--authentication-code1",
                "123456",
                "--authentication-code2",
                "654321",
            ],
        );
        serials.push(serial);
    }
    (id, secret, serials)
}

fn sandbox_for(id: &str, secret: &str) -> Sandbox {
    let sb = Sandbox::empty();
    sb.write_credentials(&format!(
        "[disc]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"
    ));
    sb.write_config("[profile disc]\nregion = eu-west-1\n");
    sb
}

#[test]
fn the_one_device_iam_lists_is_used_and_remembered() {
    let setup = Sandbox::empty();
    let (id, secret, serials) = user_with_devices(&setup, "discovery-one", 1);
    let sb = sandbox_for(&id, &secret);

    let r = run(&mut sb.cmd(["exec", "-p", "disc", "--token-code", CODE, "--", "true"]));
    r.assert_success();
    assert_eq!(
        sb.proxy.count("ListMFADevices"),
        1,
        "{}",
        sb.proxy.summary()
    );
    let calls = sb.proxy.requests_for("GetSessionToken");
    assert_eq!(calls.len(), 1, "{}", sb.proxy.summary());
    assert_eq!(calls[0].param("SerialNumber"), Some(serials[0].as_str()));

    // A cache hit afterwards needs neither IAM nor STS.
    let r = run(sb
        .cmd(["exec", "-p", "disc", "--", "true"])
        .env("AWS_ENDPOINT_URL", dead_endpoint()));
    r.assert_success();
    let r = run(&mut sb.cmd(["list", "--json"]));
    let rows: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(rows[0]["device"], serials[0].as_str(), "{}", r.dump());
}

#[test]
fn several_devices_are_listed_with_a_hint() {
    let setup = Sandbox::empty();
    let (id, secret, serials) = user_with_devices(&setup, "discovery-two", 2);
    let sb = sandbox_for(&id, &secret);
    let r = run(&mut sb.cmd(["exec", "-p", "disc", "--token-code", CODE, "--", "true"]));
    r.assert_code(1).assert_one_line_error();
    for serial in &serials {
        assert!(r.stderr.contains(serial.as_str()), "{}", r.dump());
    }
    assert!(r.stderr.contains("--device"), "{}", r.dump());
    assert_eq!(sb.proxy.count("GetSessionToken"), 0);

    // Picking one works.
    let r = run(&mut sb.cmd([
        "exec",
        "-p",
        "disc",
        "--device",
        &serials[1],
        "--token-code",
        CODE,
        "--",
        "true",
    ]));
    r.assert_success();
}

#[test]
fn a_user_without_a_device_is_told_so() {
    let setup = Sandbox::empty();
    let (id, secret, _) = user_with_devices(&setup, "discovery-none", 0);
    let sb = sandbox_for(&id, &secret);
    let r = run(&mut sb.cmd(["exec", "-p", "disc", "--token-code", CODE, "--", "true"]));
    r.assert_code(1).assert_one_line_error();
    assert!(
        r.stderr.contains("discovery-none has no MFA device"),
        "{}",
        r.dump()
    );
}

/// Parallel cold runs ask IAM once: discovery runs under a lock and looks again once it
/// has it (issue 9's item 9).
#[test]
fn parallel_cold_runs_discover_the_device_once() {
    let setup = Sandbox::empty();
    let (id, secret, _) = user_with_devices(&setup, "discovery-parallel", 1);
    let sb = sandbox_for(&id, &secret);
    let running: Vec<Running> = (0..10)
        .map(|_| spawn(&mut sb.cmd(["exec", "-p", "disc", "--token-code", CODE, "--", "true"])))
        .collect();
    for r in running {
        r.finish(DEFAULT_TIMEOUT).assert_success();
    }
    assert_eq!(
        (
            sb.proxy.count("GetCallerIdentity"),
            sb.proxy.count("ListMFADevices"),
            sb.proxy.count("GetSessionToken")
        ),
        (1, 1, 1),
        "{}",
        sb.proxy.summary()
    );
}

#[test]
fn verbose_says_a_remembered_device_is_used_and_clear_all_forgets_it() {
    let setup = Sandbox::empty();
    let (id, secret, serials) = user_with_devices(&setup, "discovery-remembered", 1);
    let sb = sandbox_for(&id, &secret);
    run(&mut sb.cmd(["exec", "-p", "disc", "--token-code", CODE, "--", "true"])).assert_success();

    let r = run(&mut sb.cmd(["exec", "-v", "-p", "disc", "--", "true"]));
    r.assert_success();
    let said = format!(
        "MFA device {}, remembered from an earlier IAM lookup",
        serials[0]
    );
    assert!(r.stderr.contains(&said), "{}", r.dump());

    let r = run(&mut sb.cmd(["clear", "--all"]));
    r.assert_success();
    assert_eq!(
        r.stdout,
        "deleted 1 cached entry and 1 remembered MFA device\n",
        "{}",
        r.dump()
    );
    let left: Vec<_> = sb
        .cache_files()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "device" || e == "json"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The next run asks IAM again.
    run(&mut sb.cmd(["exec", "-p", "disc", "--token-code", CODE, "--", "true"])).assert_success();
    assert_eq!(
        sb.proxy.count("ListMFADevices"),
        2,
        "{}",
        sb.proxy.summary()
    );
}
