//! The only module that talks to AWS: GetSessionToken, AssumeRole and the MFA device
//! lookup (GetCallerIdentity, then IAM ListMFADevices through src/iam.rs), and the
//! translation of their answers into one sentence each.
//!
//! The client is built from explicit keys and region: no default credential chain, no
//! IMDS probes. A current-thread tokio runtime is made here, and only here, so the
//! cache-hit path never builds one.

use std::time::Duration;

use aws_sdk_sts::Client;
use aws_sdk_sts::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::config::retry::RetryConfig;
use aws_sdk_sts::config::timeout::TimeoutConfig;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::endpoint::EndpointFuture;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};

use crate::credentials::{Credentials, now, rfc3339};
use crate::error::{Error, Result, bail};
use crate::log::debug;
use crate::profile::RolePlan;
use crate::sdk_settings::SdkSettings;
use crate::sdk_tls_retry::{RetryMode, TransportSettings};
use crate::settings::Origin;
use crate::settings::Sourced;

mod proxy;

/// The keys a call is signed with, and where they came from (for messages).
pub struct SigningKeys<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    /// Which section the keys came from, or "the cached MFA session".
    pub origin: &'a str,
}

pub struct Sts {
    config: aws_sdk_sts::config::Builder,
    runtime: tokio::runtime::Runtime,
    /// Endpoint and region, for messages.
    place: String,
    region: String,
    /// The proxy the SDK's client goes through to STS, by the same environment.
    route: Option<proxy::Route>,
    /// The endpoint variants IAM is asked with too, when it is asked for the device.
    fips: bool,
    dualstack: bool,
    /// The retry policy of calls without a code, and the HTTP client.
    retry: RetryConfig,
    http: SharedHttpClient,
    /// The CA bundle trusted besides the system roots, for messages.
    ca_bundle: Option<Sourced<String>>,
}

/// Where the STS call goes: a configured URL, else the SDK's endpoint rules for the region
/// with these variants (docs/design.md §5).
#[derive(Debug, Clone, Copy, Default)]
pub struct Endpoint<'a> {
    pub url: Option<&'a str>,
    pub url_origin: Option<&'a Origin>,
    /// FIPS, and where that was asked for.
    pub fips: Option<&'a Origin>,
    pub dualstack: bool,
    /// `sts_regional_endpoints = legacy`.
    pub legacy: bool,
}

impl<'a> Endpoint<'a> {
    /// Where the STS call of a profile with these SDK settings goes.
    pub fn of(sdk: &'a SdkSettings) -> Self {
        let on = |s: &Option<Sourced<bool>>| s.as_ref().is_some_and(|s| s.value);
        Endpoint {
            url: sdk.sts_endpoint.as_ref().map(Sourced::as_str),
            url_origin: sdk.sts_endpoint.as_ref().map(|s| &s.origin),
            fips: sdk.use_fips.as_ref().filter(|s| s.value).map(|s| &s.origin),
            dualstack: on(&sdk.use_dualstack),
            legacy: on(&sdk.sts_legacy),
        }
    }
}

impl Endpoint<'_> {
    /// An endpoint URL of one's own.
    #[cfg(test)]
    pub fn url(url: &str) -> Endpoint<'_> {
        Endpoint {
            url: Some(url),
            ..Endpoint::default()
        }
    }

    /// The SDKs refuse FIPS with a custom endpoint ("FIPS and custom endpoint are not
    /// supported"), as botocore does: said before any request, naming both settings.
    fn check(&self) -> Result<()> {
        if let (Some(url), Some(fips)) = (self.url, self.fips) {
            let from = self
                .url_origin
                .map_or_else(String::new, |o| format!(" (from {o})"));
            bail!(
                "FIPS (from {fips}) cannot be used with the endpoint {url}{from}, as for the AWS SDKs; turn one of them off"
            );
        }
        Ok(())
    }

    /// The variants into the SDK's config: its own endpoint rules choose the host.
    fn apply(&self, mut config: aws_sdk_sts::config::Builder) -> aws_sdk_sts::config::Builder {
        if let Some(url) = self.url {
            return config.endpoint_url(url);
        }
        config = config
            .use_fips(self.fips.is_some())
            .use_dual_stack(self.dualstack);
        if self.legacy {
            config = config.endpoint_resolver(LegacyGlobal(DefaultResolver::new()));
        }
        config
    }

    /// The host the SDK's rules choose, for messages and the proxy lookup.
    fn place(&self, region: &str) -> String {
        if let Some(url) = self.url {
            return url.to_string();
        }
        let fips = self.fips.is_some();
        if self.legacy
            && !fips
            && !self.dualstack
            && crate::sdk_settings::LEGACY_GLOBAL_REGIONS.contains(&region)
        {
            return "sts.amazonaws.com".to_string();
        }
        let name = if fips { "sts-fips" } else { "sts" };
        let domain = if self.dualstack {
            "api.aws"
        } else {
            "amazonaws.com"
        };
        format!("{name}.{region}.{domain}")
    }
}

/// The SDK's endpoint rules with `UseGlobalEndpoint` set, as `sts_regional_endpoints =
/// legacy` asks: the global endpoint in the legacy regions, signed for us-east-1.
#[derive(Debug)]
struct LegacyGlobal(DefaultResolver);

impl ResolveEndpoint for LegacyGlobal {
    fn resolve_endpoint<'a>(&'a self, params: &'a Params) -> EndpointFuture<'a> {
        let global = Params::builder()
            .set_region(params.region().map(str::to_string))
            .set_use_fips(params.use_fips())
            .set_use_dual_stack(params.use_dual_stack())
            .set_endpoint(params.endpoint().map(str::to_string))
            .use_global_endpoint(true)
            .build();
        match global {
            Ok(global) => EndpointFuture::new(Box::pin(async move {
                ResolveEndpoint::resolve_endpoint(&self.0, &global).await
            })),
            Err(e) => EndpointFuture::ready(Err(e.into())),
        }
    }
}

/// What a call was about, for translating its errors.
struct CallContext<'a> {
    /// The MFA device, when the request carries a code for it.
    device: Option<&'a str>,
    role: Option<&'a str>,
    duration: u32,
    access_key_id: &'a str,
    origin: &'a str,
}

impl Sts {
    pub fn new(region: &str, endpoint: &Endpoint, transport: &TransportSettings) -> Result<Self> {
        check_region(region)?;
        endpoint.check()?;
        let http = http_client(transport)?;
        let retry = retries(transport);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::new(format!("cannot start the network runtime: {e}")))?;
        let config = aws_sdk_sts::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .timeout_config(timeouts())
            .retry_config(retry.clone());
        let config = endpoint.apply(config).http_client(http.clone());
        let place = endpoint.place(region);
        let found = proxy::lookup(&place);
        for var in &found.ignored {
            debug!("{var} is set but is no proxy URL the AWS SDK can use: it is ignored");
        }
        match (&found.route, found.bypass) {
            (Some(route), _) => debug!(
                "STS at {place} is reached through the proxy {} (from {})",
                route.proxy, route.var
            ),
            (None, Some(var)) => debug!("{var} lets STS at {place} bypass the proxy"),
            (None, None) => {}
        }
        Ok(Self {
            config,
            runtime,
            place,
            region: region.to_string(),
            route: found.route,
            fips: endpoint.fips.is_some(),
            dualstack: endpoint.dualstack,
            retry,
            http,
            ca_bundle: transport.ca_bundle.clone(),
        })
    }

    pub fn get_session_token(
        &self,
        keys: &SigningKeys,
        device: &str,
        code: &str,
        duration: u32,
    ) -> Result<Credentials> {
        let context = CallContext {
            device: Some(device),
            role: None,
            duration,
            access_key_id: keys.access_key_id,
            origin: keys.origin,
        };
        debug!(
            "STS GetSessionToken at {} with device {device} for {duration} s, signed by {}",
            self.place, keys.origin
        );
        let call = self
            .client(keys)
            .get_session_token()
            .serial_number(device)
            .token_code(code)
            .duration_seconds(duration as i32)
            .customize()
            .config_override(send_once())
            .send();
        match self.runtime.block_on(call) {
            Ok(out) => self.convert(out.credentials(), &context),
            Err(e) => Err(self.translate(e, &context)),
        }
    }

    /// AssumeRole signed with `keys`; `mfa` is (device, code) when the role is assumed directly.
    pub fn assume_role(
        &self,
        keys: &SigningKeys,
        role: &RolePlan,
        duration: u32,
        mfa: Option<(&str, &str)>,
    ) -> Result<Credentials> {
        let context = CallContext {
            device: mfa.map(|(device, _)| device),
            role: Some(&role.arn),
            duration,
            access_key_id: keys.access_key_id,
            origin: keys.origin,
        };
        debug!(
            "STS AssumeRole {} as '{}' at {} for {duration} s, signed by {}{}",
            role.arn,
            role.session_name,
            self.place,
            keys.origin,
            if mfa.is_some() {
                " with an MFA code"
            } else {
                ""
            }
        );
        let mut call = self
            .client(keys)
            .assume_role()
            .role_arn(&role.arn)
            .role_session_name(&role.session_name)
            .duration_seconds(duration as i32)
            .set_external_id(role.external_id.clone());
        let sent = match mfa {
            Some((device, code)) => {
                call = call.serial_number(device).token_code(code);
                self.runtime
                    .block_on(call.customize().config_override(send_once()).send())
            }
            // Signed by the MFA session, no code: the standard retries.
            None => self.runtime.block_on(call.send()),
        };
        match sent {
            Ok(out) => self.convert(out.credentials(), &context),
            Err(e) => Err(self.translate(e, &context)),
        }
    }

    /// The MFA device of the IAM user the long-term keys belong to (docs/design.md §3.2):
    /// GetCallerIdentity, then IAM ListMFADevices for that user. `user` (`--user`) must be
    /// that user; when IAM denies it the listing, its device is taken to be named after it.
    pub fn discover_device(
        &self,
        keys: &SigningKeys,
        iam_endpoint: Option<&str>,
        user: Option<&str>,
    ) -> Result<String> {
        let context = CallContext {
            device: None,
            role: None,
            duration: 0,
            access_key_id: keys.access_key_id,
            origin: keys.origin,
        };
        let identity = self
            .runtime
            .block_on(self.client(keys).get_caller_identity().send())
            .map_err(|e| self.translate(e, &context))?;
        let arn = identity.arn().unwrap_or_default();
        // With --user, mfa_serial is overridden: only --device can name another device.
        let give = match user {
            Some(_) => "give the device with --device instead of --user",
            None => "give the device with --device or mfa_serial",
        };
        let Some((_, user_path)) = arn.split_once(":user/") else {
            return Err(Error::new(format!(
                "no MFA device is configured and the keys of {} belong to {arn}, not an IAM user; {give}",
                keys.origin
            )));
        };
        let owner = user_path.rsplit('/').next().unwrap_or(user_path);
        if let Some(named) = user
            && !named.eq_ignore_ascii_case(owner)
        {
            bail!(
                "the keys of {} belong to IAM user {owner}, not {named} (from --user), and STS takes only the MFA device of the keys' own user; pass --user {owner}, or leave --user out",
                keys.origin
            );
        }
        // The owner's own spelling: IAM user names ignore case, a lookup may not.
        let user_given = user.is_some();
        let user = owner;
        debug!("no MFA device configured; asking IAM for those of user {user}");
        let devices = match self.list_mfa_devices(keys, user, iam_endpoint) {
            Ok(devices) => devices,
            Err(denied) if user_given && denied.is_access_denied() => {
                // As iam-mfa's policy (`mfa/${aws:username}`) and aws-2fa-access-keys name it.
                let mut parts = arn.split(':');
                let partition = parts.nth(1).unwrap_or("aws");
                let account = parts.nth(2).unwrap_or_default();
                let device = format!("arn:{partition}:iam::{account}:mfa/{user}");
                debug!(
                    "IAM refused to list the MFA devices of user {user} (AccessDenied): using {device}, the device named after the user (--device gives another)"
                );
                return Ok(device);
            }
            Err(refused) => bail!(
                "no MFA device is configured and IAM did not list those of user {user} ({refused}); {give}"
            ),
        };
        match devices.as_slice() {
            [device] => Ok(device.to_string()),
            [] => Err(Error::new(format!(
                "IAM user {user} has no MFA device; assign one in IAM, or {give}"
            ))),
            several => Err(Error::new(format!(
                "IAM user {user} has {} MFA devices ({}); pick one with --device{}",
                several.len(),
                several.join(", "),
                if user_given { "" } else { " or mfa_serial" }
            ))),
        }
    }

    /// IAM ListMFADevices for `user`, signed by `keys`: the serial numbers listed (src/iam.rs).
    fn list_mfa_devices(
        &self,
        keys: &SigningKeys,
        user: &str,
        iam_endpoint: Option<&str>,
    ) -> std::result::Result<Vec<String>, crate::iam::IamError> {
        let request = crate::iam::Request {
            keys,
            user,
            region: &self.region,
            endpoint_url: iam_endpoint,
            fips: self.fips,
            dualstack: self.dualstack,
            http: self.http.clone(),
            retry: self.retry.clone(),
            timeouts: timeouts(),
        };
        crate::iam::list_mfa_devices(&self.runtime, &request)
    }

    /// STS's credentials, refused when an answer cut short left a part empty or the
    /// expiration missing (the XML reader fills those in rather than failing), or when a
    /// part holds a control character (the XML reader decodes `&#x0;`, `&#x1b;`, `&#10;`…):
    /// no environment, INI file or terminal carries those, so nothing of it is cached.
    fn convert(
        &self,
        credentials: Option<&aws_sdk_sts::types::Credentials>,
        call: &CallContext,
    ) -> Result<Credentials> {
        let unreadable = |what: &str| {
            Error::new(format!(
                "STS at {} sent an answer that cannot be read ({what}); {}",
                self.place,
                again(call)
            ))
        };
        let c = credentials.ok_or_else(|| unreadable("no credentials"))?;
        let parts = [
            ("access key id", c.access_key_id()),
            ("secret access key", c.secret_access_key()),
            ("session token", c.session_token()),
        ];
        if parts.iter().any(|(_, p)| p.is_empty()) {
            return Err(unreadable("a part of the credentials is empty"));
        }
        // The expiration is a parsed timestamp: only the three strings can carry one.
        if let Some((part, _)) = parts.iter().find(|(_, p)| p.chars().any(char::is_control)) {
            return Err(Error::new(format!(
                "STS at {} sent credentials whose {part} holds a control character, which no environment or file can carry: nothing was cached; {}",
                self.place,
                again(call)
            )));
        }
        let expiration = c.expiration().secs();
        if expiration <= now() {
            return Err(unreadable("no expiration in the future"));
        }
        Ok(Credentials {
            access_key_id: c.access_key_id().to_string(),
            secret_access_key: c.secret_access_key().to_string(),
            session_token: c.session_token().to_string(),
            expiration,
        })
    }

    fn client(&self, keys: &SigningKeys) -> Client {
        let credentials = aws_sdk_sts::config::Credentials::new(
            keys.access_key_id,
            keys.secret_access_key,
            keys.session_token.map(str::to_string),
            None,
            "aws-mfa",
        );
        Client::from_conf(
            self.config
                .clone()
                .credentials_provider(credentials)
                .build(),
        )
    }

    fn translate<E>(&self, err: SdkError<E, HttpResponse>, call: &CallContext) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match &err {
            // A success status whose body the SDK could not read: a malformed document, a
            // character XML does not allow, an expiration that is not a timestamp.
            SdkError::ServiceError(service) if service.raw().status().is_success() => {
                // The cause may quote a piece of the answer, a secret: it is never shown.
                let what = if innermost_cause(&err).contains("timestamp") {
                    "the expiration is not a timestamp"
                } else {
                    "not valid XML of the expected shape"
                };
                Error::new(format!(
                    "STS at {} sent an answer that cannot be read ({what}); {}",
                    self.place,
                    again(call)
                ))
            }
            SdkError::ServiceError(service) => {
                let e = service.err();
                let status = service.raw().status().as_u16();
                match e.code() {
                    // STS (or a proxy before it) failed: say so, whatever the error code.
                    code if status >= 500 => {
                        let code = code.map_or(String::new(), |c| format!(": {c}"));
                        Error::new(format!(
                            "STS at {} answered HTTP {status} (a server error{code}); {}",
                            self.place,
                            again_or(call, "try again later")
                        ))
                    }
                    Some(code) => {
                        let message = e.message().unwrap_or("");
                        let date = service.raw().headers().get("date");
                        match clock_off(code, message, date, now()) {
                            Some(off) => clock_error(off),
                            None => explain(code, message, call, &self.region),
                        }
                    }
                    // No AWS error document: an HTML page from a proxy, or a cut answer.
                    None => Error::new(format!(
                        "STS at {}{} answered HTTP {status} (an error) without an AWS error; {}{}",
                        self.place,
                        self.via(),
                        again_or(call, "try again later"),
                        self.route.as_ref().map_or(String::new(), |r| format!(
                            "; if the proxy sent it, check {} and NO_PROXY",
                            r.var
                        ))
                    )),
                }
            }
            // A connect timeout cannot be told from a read timeout here: taken as one that
            // may have reached STS.
            SdkError::TimeoutError(_) => self.too_slow(call),
            // No byte of the request goes out before the server's certificate is trusted.
            SdkError::DispatchFailure(_) if let Some(why) = untrusted_certificate(&err) => {
                self.untrusted(&why, call)
            }
            SdkError::DispatchFailure(failure) if failure.is_timeout() => self.too_slow(call),
            SdkError::DispatchFailure(failure)
                if failure.as_connector_error().is_some_and(connection_refused) =>
            {
                let not_sent = if call.device.is_some() {
                    "the MFA code was not sent; "
                } else {
                    ""
                };
                match &self.route {
                    // With a proxy, the only connection made is the one to the proxy.
                    Some(route) => Error::new(format!(
                        "cannot reach the proxy {} (from {}) on the way to STS at {}: {}; {not_sent}check {} and NO_PROXY",
                        route.proxy,
                        route.var,
                        self.place,
                        innermost_cause(&err),
                        route.var
                    )),
                    None => Error::new(format!(
                        "cannot reach STS at {} (region {}): {}; {not_sent}check the network, the region, or AWS_ENDPOINT_URL",
                        self.place,
                        self.region,
                        innermost_cause(&err),
                    )),
                }
            }
            // The proxy did not open the tunnel: no byte of the request went to STS.
            SdkError::DispatchFailure(_)
                if let Some(route) = &self.route
                    && let Some(why) = tunnel_failure(&err) =>
            {
                Error::new(format!(
                    "the proxy {} (from {}) did not open a connection to STS at {} ({why}); {}check {} and NO_PROXY",
                    route.proxy,
                    route.var,
                    self.place,
                    if call.device.is_some() {
                        "the MFA code was not sent; "
                    } else {
                        ""
                    },
                    route.var
                ))
            }
            // The request may have gone out before the connection broke.
            SdkError::DispatchFailure(_) if call.device.is_some() => Error::new(format!(
                "the connection to STS at {}{} (region {}) failed: {}; {}",
                self.place,
                self.via(),
                self.region,
                innermost_cause(&err),
                again(call)
            )),
            SdkError::DispatchFailure(_) => Error::new(format!(
                "cannot reach STS at {}{} (region {}): {}; {}",
                self.place,
                self.via(),
                self.region,
                innermost_cause(&err),
                self.what_to_check()
            )),
            SdkError::ResponseError(_) => Error::new(format!(
                "STS at {} sent an answer that cannot be read ({}); {}",
                self.place,
                innermost_cause(&err),
                again_or(call, "try again")
            )),
            _ => Error::new(format!(
                "the STS request failed: {}",
                DisplayErrorContext(&err)
            )),
        }
    }

    /// The server's certificate is not trusted: name the CA settings.
    fn untrusted(&self, why: &str, call: &CallContext) -> Error {
        let not_sent = if call.device.is_some() {
            "the MFA code was not sent; "
        } else {
            ""
        };
        let trusted = match &self.ca_bundle {
            Some(b) => format!(
                "no CA of the system nor of the bundle {} (from {}) signed it",
                b.value, b.origin
            ),
            None => "no CA of the system signed it".to_string(),
        };
        Error::new(format!(
            "the certificate of STS at {}{} is not trusted ({why}): {trusted}; {not_sent}if a proxy or firewall inspects TLS, point AWS_CA_BUNDLE or ca_bundle of the profile at its CA certificate (PEM)",
            self.place,
            self.via()
        ))
    }

    fn too_slow(&self, call: &CallContext) -> Error {
        let check = self.what_to_check();
        let next = if call.device.is_some() {
            format!(
                "the MFA code may have been used, so {check} and wait for the next code before trying again"
            )
        } else {
            format!("{check}, then try again")
        };
        Error::new(format!(
            "STS at {}{} did not answer in time (region {}): {next}",
            self.place,
            self.via(),
            self.region
        ))
    }

    /// ` through the proxy HOST:PORT (from HTTPS_PROXY)`, or nothing without a proxy.
    fn via(&self) -> String {
        self.route.as_ref().map_or(String::new(), |r| {
            format!(" through the proxy {} (from {})", r.proxy, r.var)
        })
    }

    fn what_to_check(&self) -> String {
        match &self.route {
            Some(r) => format!(
                "check the network, {} and NO_PROXY, the region, or AWS_ENDPOINT_URL",
                r.var
            ),
            None => "check the network, the region, or AWS_ENDPOINT_URL".to_string(),
        }
    }
}

/// A region as the AWS CLI (botocore) takes one: a host label, 1 to 63 letters, digits and
/// inner hyphens, not all digits. Checked before a code is asked for: the SDK would refuse
/// it only when building the request, with a dump of its internals.
pub fn check_region(region: &str) -> Result<()> {
    check_region_from(region, None)
}

/// [`check_region`], naming where the region came from when that is known.
pub fn check_region_from(region: &str, from: Option<&crate::settings::Origin>) -> Result<()> {
    let b = region.as_bytes();
    let valid = (1..=63).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-')
        && !b.iter().all(u8::is_ascii_digit);
    if valid {
        return Ok(());
    }
    let fix = from.map_or_else(
        || "--region, AWS_REGION, AWS_DEFAULT_REGION or the profile's region".to_string(),
        |origin| origin.to_string(),
    );
    bail!(
        "'{}' is not an AWS region: a region is a name such as us-east-1 or eu-west-1 (letters, digits and hyphens); fix {fix}",
        crate::text::escaped(region)
    )
}

/// Why the proxy did not open the tunnel to STS, when that is what failed.
fn tunnel_failure(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(err);
    while let Some(e) = next {
        // hyper-util's TunnelError, which aws-mfa cannot name: its text is all there is.
        if let Some(what) = e.to_string().strip_prefix("tunnel error: ") {
            return Some(match what {
                "proxy authorization required" => {
                    "it asks for proxy credentials: HTTP 407".to_string()
                }
                "unsuccessful" => "it refused the CONNECT request".to_string(),
                "unexpected end of file" => "it closed the connection".to_string(),
                _ => innermost_cause(e),
            });
        }
        next = e.source();
    }
    None
}

/// How far this computer's clock is from AWS's, when STS refused a request for its time.
#[derive(Debug, PartialEq, Eq)]
enum ClockOff {
    /// Seconds this clock is ahead of AWS's (negative: behind), and AWS's time then.
    By {
        ahead: i64,
        aws_time: i64,
    },
    Unknown,
}

/// Whether STS refused a request because of the time it was signed with, and by how much
/// the clock is off: from the message when it says so, else from the answer's `Date`.
fn clock_off(code: &str, message: &str, date: Option<&str>, now: i64) -> Option<ClockOff> {
    // "Signature expired: SIGNED is now earlier than LIMIT (AWS_NOW - 15 min.)", or
    // "Signature not yet current: SIGNED is still later than LIMIT (AWS_NOW + 15 min.)".
    let signature_time =
        message.contains("Signature expired") || message.contains("Signature not yet current");
    let time_code = matches!(
        code,
        "RequestExpired" | "RequestTimeTooSkewed" | "RequestInTheFuture"
    );
    if !signature_time && !time_code {
        return None;
    }
    let stamps: Vec<i64> = message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(amz_date)
        .collect();
    if let [signed, _, aws_time, ..] = stamps[..] {
        return Some(ClockOff::By {
            ahead: signed - aws_time,
            aws_time,
        });
    }
    let aws_time = date
        .and_then(|d| {
            aws_smithy_types::DateTime::from_str(d, aws_smithy_types::date_time::Format::HttpDate)
                .ok()
        })
        .map(|d| d.secs())
        // Within a minute, the Date cannot tell a clock that is off from a slow request.
        .filter(|aws_time| (now - aws_time).abs() >= 60);
    Some(match aws_time {
        Some(aws_time) => ClockOff::By {
            ahead: now - aws_time,
            aws_time,
        },
        None => ClockOff::Unknown,
    })
}

/// `20240101T003000Z`, the form of SigV4's X-Amz-Date.
fn amz_date(word: &str) -> Option<i64> {
    let b = word.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !digits(0..8) || !digits(9..15) {
        return None;
    }
    crate::credentials::parse_rfc3339(&format!(
        "{}-{}-{}T{}:{}:{}Z",
        &word[0..4],
        &word[4..6],
        &word[6..8],
        &word[9..11],
        &word[11..13],
        &word[13..15]
    ))
}

fn clock_error(off: ClockOff) -> Error {
    let how = match off {
        ClockOff::By { ahead, aws_time } => format!(
            "this computer's clock is {} {} AWS's (AWS's time was {})",
            span(ahead.unsigned_abs()),
            if ahead > 0 { "ahead of" } else { "behind" },
            rfc3339(aws_time)
        ),
        ClockOff::Unknown => "this computer's clock is off".to_string(),
    };
    Error::new(format!(
        "STS refused the request because {how}, and AWS takes a request only within 15 minutes of its own time; correct the clock (turn on automatic network time) and run again"
    ))
}

/// `2h05m`, `42m` (the time-left format), and `30s` under a minute.
fn span(seconds: u64) -> String {
    if seconds < 60 {
        return format!("{seconds}s");
    }
    crate::text::time_left(i64::try_from(seconds).unwrap_or(i64::MAX))
}

/// What to do after a failure once the request may have reached STS.
fn again(call: &CallContext) -> &'static str {
    again_or(call, "try again")
}

/// With a code in the request, wait for the next one (AWS accepts each code once);
/// without, `otherwise`.
fn again_or<'a>(call: &CallContext, otherwise: &'a str) -> &'a str {
    if call.device.is_some() {
        "the MFA code may have been used, so wait for the next code before trying again"
    } else {
        otherwise
    }
}

/// Whether the connection was refused: then no byte of the request left, and a retry
/// cannot spend a code.
fn connection_refused(error: &ConnectorError) -> bool {
    if !error.is_io() {
        return false;
    }
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = next {
        next = match e.downcast_ref::<std::io::Error>() {
            Some(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => return true,
            // An io::Error's source() skips its own payload.
            Some(io) => match io.get_ref() {
                Some(payload) => Some(payload),
                None => e.source(),
            },
            None => e.source(),
        };
    }
    false
}

/// The retry rule of a request carrying an MFA code: never again once it may have reached
/// STS (AWS accepts each code once, so a retry reads "already used" and hides the real
/// failure); a refused connection sent nothing and keeps the standard retries.
#[derive(Debug)]
struct SendTheCodeOnce;

impl ClassifyRetry for SendTheCodeOnce {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(e)) if e.as_connector_error().is_some_and(connection_refused) => {
                RetryAction::NoActionIndicated
            }
            Some(Err(_)) => RetryAction::RetryForbidden,
            Some(Ok(_)) | None => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "aws-mfa: send an MFA code once"
    }

    fn priority(&self) -> RetryClassifierPriority {
        // Last, over the standard classifiers; RetryForbidden ends the classification.
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

/// The per-operation config of a request carrying an MFA code.
fn send_once() -> aws_sdk_sts::config::Builder {
    aws_sdk_sts::Config::builder().retry_classifier(SendTheCodeOnce)
}

/// The last error in the source chain: "Connection refused (os error 111)", not the whole chain.
fn innermost_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .read_timeout(Duration::from_secs(10))
        .operation_attempt_timeout(Duration::from_secs(10))
        .operation_timeout(Duration::from_secs(25))
        .build()
}

/// The retry policy of a call without a code (one with a code adds `SendTheCodeOnce`).
fn retries(transport: &TransportSettings) -> RetryConfig {
    let base = match transport.retry_mode.as_ref().map(|m| m.value) {
        Some(RetryMode::Adaptive) => RetryConfig::adaptive(),
        Some(RetryMode::Standard | RetryMode::Legacy) | None => RetryConfig::standard(),
    };
    base.with_max_attempts(transport.attempts())
}

/// The SDK's default HTTPS client as the SDK builds it (rustls, the system's CAs, the
/// proxy variables), with ring for its crypto: aws-lc's C build cost a cold install about
/// a minute (README, Performance). A CA bundle is trusted besides the system's CAs.
fn http_client(transport: &TransportSettings) -> Result<SharedHttpClient> {
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
    use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig};
    let mut trust = TrustStore::default();
    if let Some(bundle) = &transport.ca_bundle {
        trust = trust.with_pem_certificate(read_ca_bundle(bundle)?);
        debug!(
            "trusting the CA bundle {} (from {}) besides the system's CAs",
            bundle.value, bundle.origin
        );
    }
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|e| Error::new(format!("cannot set up TLS: {e}")))?;
    let client = Builder::new().build_with_connector_fn(move |settings, components| {
        let mut connector = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .tls_context(context.clone());
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    });
    Ok(client)
}

/// The bundle's bytes, once each certificate in it is known to parse: the SDK's TLS layer
/// panics on one that does not.
fn read_ca_bundle(bundle: &Sourced<String>) -> Result<Vec<u8>> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let fix = "; point AWS_CA_BUNDLE or ca_bundle at a PEM file of CA certificates";
    let (path, origin) = (&bundle.value, &bundle.origin);
    let pem = std::fs::read(path).map_err(|e| {
        Error::new(format!(
            "cannot read the CA bundle {path} (from {origin}): {e}{fix}"
        ))
    })?;
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let added = cert
            .map_err(|e| e.to_string())
            .and_then(|c| roots.add(c).map_err(|e| e.to_string()));
        if let Err(e) = added {
            bail!(
                "cannot use the CA bundle {path} (from {origin}): a certificate in it does not parse ({e}){fix}"
            );
        }
    }
    if roots.is_empty() {
        bail!("the CA bundle {path} (from {origin}) holds no certificate{fix}");
    }
    Ok(pem)
}

/// Why the server's certificate was refused, when that is what failed.
fn untrusted_certificate(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(err);
    while let Some(e) = next {
        // rustls's Error::InvalidCertificate, behind the SDK's boxed connector errors.
        let text = e.to_string();
        if let Some(at) = text.find("invalid peer certificate") {
            return Some(text[at..].to_string());
        }
        next = e.source();
    }
    None
}

/// One sentence for each answer of STS a user can act on.
fn explain(code: &str, message: &str, call: &CallContext, region: &str) -> Error {
    let device = call.device.unwrap_or("the MFA device");
    let text = match code {
        "AccessDenied" if message.contains("invalid MFA one time pass code") => format!(
            "STS rejected the MFA code for {device}: it is wrong, expired or already used (AWS accepts each code once); wait for the next code and try again"
        ),
        "AccessDenied"
            if message.contains("MultiFactorAuthentication") || message.contains("MFA") =>
        {
            format!(
                "STS could not check the code against {device}: make sure it is the device assigned to this user (aws iam list-mfa-devices) and that the code is current"
            )
        }
        "AccessDenied" if call.role.is_some() => format!(
            "STS refused to let {} assume {}: check the role's trust policy (it must trust this user, with MFA) and the role ARN",
            call.origin,
            call.role.unwrap_or_default()
        ),
        "InvalidClientTokenId" => format!(
            "STS does not know access key {} from {}: it is wrong, deleted or inactive; check aws_access_key_id there",
            call.access_key_id, call.origin
        ),
        "SignatureDoesNotMatch" => format!(
            "the secret key from {} does not match access key {}; check aws_secret_access_key there",
            call.origin, call.access_key_id
        ),
        "ExpiredToken" => format!(
            "the credentials from {} have expired; run again with --refresh to enter a new code",
            call.origin
        ),
        "RegionDisabledException" => format!(
            "STS is not activated in region {region}: activate it in the IAM account settings or pass --region us-east-1"
        ),
        "ValidationError" if message.to_ascii_lowercase().contains("duration") => format!(
            "STS refused a duration of {} seconds ({}); pass a shorter --duration",
            call.duration,
            message.trim()
        ),
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" => format!(
            "STS is throttling requests from this account; {}",
            again_or(call, "wait a few seconds and try again")
        ),
        _ => format!("STS refused the request ({code}): {}", message.trim()),
    };
    Error::new(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call() -> CallContext<'static> {
        CallContext {
            device: Some("arn:aws:iam::123456789012:mfa/alice"),
            role: None,
            duration: 43200,
            access_key_id: "AKIAIOSFODNN7EXAMPLE",
            origin: "[dev-long-term]",
        }
    }

    #[test]
    fn each_sts_answer_gets_its_own_sentence() {
        let cases = [
            (
                "AccessDenied",
                "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
                "already used",
            ),
            (
                "AccessDenied",
                "MultiFactorAuthentication failed, unable to validate MFA code.",
                "assigned to this user",
            ),
            (
                "InvalidClientTokenId",
                "The security token included in the request is invalid.",
                "does not know access key AKIAIOSFODNN7EXAMPLE",
            ),
            (
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match",
                "does not match access key",
            ),
            (
                "RegionDisabledException",
                "STS is not activated in this region",
                "not activated in region eu-south-2",
            ),
            (
                "ValidationError",
                "1 validation error detected: Value '99' at 'durationSeconds' failed",
                "shorter --duration",
            ),
            ("Throttling", "Rate exceeded", "throttling"),
            ("Weird", "something new", "(Weird): something new"),
        ];
        for (code, message, expected) in cases {
            let text = explain(code, message, &call(), "eu-south-2").to_string();
            assert!(text.contains(expected), "{code}: {text}");
            assert!(!text.contains('\n'));
        }
    }

    #[test]
    fn a_region_is_a_host_label_as_for_the_aws_cli() {
        for good in [
            "us-east-1",
            "eu-west-1",
            "cn-north-1",
            "us-gov-west-1",
            "local",
            "x",
        ] {
            assert!(check_region(good).is_ok(), "{good}");
        }
        let long = "a".repeat(64);
        for bad in [
            "",
            " ",
            "not a region",
            "us-east-1/x",
            "-east-1",
            "east-",
            "eu_west_1",
            "us-east-1.",
            "caf\u{e9}",
            "12345",
            &long,
            "eu-west-1\n",
        ] {
            let text = check_region(bad).unwrap_err().to_string();
            assert!(
                text.starts_with(&format!(
                    "'{}' is not an AWS region",
                    crate::text::escaped(bad)
                )) && text.contains("us-east-1"),
                "{bad:?}: {text}"
            );
        }
    }

    #[test]
    fn a_request_refused_for_its_time_says_how_far_the_clock_is() {
        let now = 1_704_069_000; // 2024-01-01T00:30:00Z
        let by = |ahead, aws_time| Some(ClockOff::By { ahead, aws_time });
        let expired = "Signature expired: 20240101T000000Z is now earlier than 20240101T001500Z (20240101T003000Z - 15 min.)";
        assert_eq!(
            clock_off("SignatureDoesNotMatch", expired, None, now),
            by(-1800, now)
        );
        let future = "Signature not yet current: 20240101T010000Z is still later than 20240101T002000Z (20240101T000500Z + 15 min.)";
        assert_eq!(
            clock_off("InvalidSignatureException", future, None, now),
            by(3300, now - 1500)
        );
        // No times in the message: the answer's Date, when it is a minute off or more.
        let date = Some("Mon, 01 Jan 2024 00:00:00 GMT");
        assert_eq!(
            clock_off("RequestExpired", "Request has expired.", date, now),
            by(1800, now - 1800)
        );
        assert_eq!(
            clock_off("RequestExpired", "Request has expired.", date, now - 1790),
            Some(ClockOff::Unknown)
        );
        assert_eq!(
            clock_off("RequestTimeTooSkewed", "too skewed", Some("garbage"), now),
            Some(ClockOff::Unknown)
        );
        // Not about the time: the secret, or anything else.
        let wrong =
            "The request signature we calculated does not match the signature you provided.";
        assert_eq!(clock_off("SignatureDoesNotMatch", wrong, date, now), None);
        assert_eq!(clock_off("AccessDenied", "no", date, now), None);

        let text = clock_error(ClockOff::By {
            ahead: -1800,
            aws_time: now,
        })
        .to_string();
        assert!(
            text.contains("clock is 30m behind AWS's (AWS's time was 2024-01-01T00:30:00Z)")
                && text.contains("correct the clock"),
            "{text}"
        );
        let text = clock_error(ClockOff::By {
            ahead: 7230,
            aws_time: now,
        })
        .to_string();
        assert!(text.contains("2h00m ahead of AWS's"), "{text}");
        let text = clock_error(ClockOff::Unknown).to_string();
        assert!(
            text.contains("clock is off") && !text.contains("secret"),
            "{text}"
        );
        assert_eq!(
            (span(45), span(60), span(3599), span(3600 * 11 + 59 * 60)),
            ("45s".into(), "1m".into(), "59m".into(), "11h59m".into())
        );
    }

    #[test]
    fn a_refused_role_names_the_role() {
        let c = CallContext {
            role: Some("arn:aws:iam::123456789012:role/Admin"),
            device: None,
            ..call()
        };
        let text = explain(
            "AccessDenied",
            "User is not authorized to perform: sts:AssumeRole",
            &c,
            "us-east-1",
        )
        .to_string();
        assert!(
            text.contains("role/Admin") && text.contains("trust policy"),
            "{text}"
        );
    }

    fn sts_credentials(id: &str, secret: &str, token: &str) -> aws_sdk_sts::types::Credentials {
        aws_sdk_sts::types::Credentials::builder()
            .access_key_id(id)
            .secret_access_key(secret)
            .session_token(token)
            .expiration(aws_smithy_types::DateTime::from_secs(4_070_908_800))
            .build()
            .unwrap()
    }

    #[test]
    fn credentials_with_a_control_character_are_refused_naming_the_part() {
        let sts = Sts::new(
            "us-east-1",
            &Endpoint::url("http://127.0.0.1:9"),
            &TransportSettings::default(),
        )
        .unwrap();
        let good = sts_credentials("ASIAEXAMPLE", "secret", "token");
        assert!(sts.convert(Some(&good), &call()).is_ok());
        for c in [
            '\0', '\x1b', '\x01', '\x7f', '\u{85}', '\u{9b}', '\n', '\r', '\t',
        ] {
            let bad = format!("VALUE{c}VALUE");
            let cases = [
                ("access key id", sts_credentials(&bad, "secret", "token")),
                (
                    "secret access key",
                    sts_credentials("ASIAEXAMPLE", &bad, "token"),
                ),
                (
                    "session token",
                    sts_credentials("ASIAEXAMPLE", "secret", &bad),
                ),
            ];
            for (part, credentials) in cases {
                let text = sts
                    .convert(Some(&credentials), &call())
                    .unwrap_err()
                    .to_string();
                assert!(
                    text.contains(part) && text.contains("control character"),
                    "{c:?}: {text}"
                );
                assert!(text.contains("next code"), "{c:?}: {text}");
                assert!(!text.contains("VALUE"), "{c:?}: shows the value: {text}");
            }
        }
        // Not a control character: a space, a bidi mark, a non-ASCII letter pass.
        let odd = sts_credentials("ASIA EXAMPLE", "s\u{202e}cr\u{e9}t", "token");
        assert!(sts.convert(Some(&odd), &call()).is_ok());
    }

    #[test]
    fn only_a_refused_connection_counts_as_nothing_sent() {
        use std::io::{Error as IoError, ErrorKind};
        let refused = || IoError::from(ErrorKind::ConnectionRefused);
        assert!(connection_refused(&ConnectorError::io(Box::new(refused()))));
        // Wrapped, as hyper-util does ("tcp connect error"), and as an io::Error's payload.
        let wrapped = IoError::other(refused());
        assert!(connection_refused(&ConnectorError::io(Box::new(wrapped))));
        for kind in [
            ErrorKind::ConnectionReset,
            ErrorKind::BrokenPipe,
            ErrorKind::UnexpectedEof,
        ] {
            assert!(!connection_refused(&ConnectorError::io(Box::new(
                IoError::from(kind)
            ))));
        }
        assert!(!connection_refused(&ConnectorError::timeout(Box::new(
            refused()
        ))));
        assert!(!connection_refused(&ConnectorError::other(
            Box::new(refused()),
            None
        )));
    }
}
