//! IAM ListMFADevices, the only IAM call (docs/design.md §3.2), without the IAM SDK: one
//! SigV4-signed query sent by the SDK's own orchestrator, so that it goes through the STS
//! client's HTTP stack (proxy variables, the CA bundle), timeouts and retry policy.
//!
//! The endpoint is IAM's global one of the region's partition, as the SDKs' endpoint rules
//! choose it (`iam.amazonaws.com`, signed for us-east-1), unless one is configured.

use std::fmt;
use std::time::SystemTime;

use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_smithy_runtime::client::orchestrator::operation::Operation;
use aws_smithy_runtime::client::retries::classifiers::{
    HttpStatusCodeClassifier, TransientErrorClassifier,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::{ErrorMetadata, ProvideErrorMetadata};
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use aws_smithy_xml::decode::{Document, ScopedDecoder, try_data};

use crate::log::debug;
use crate::sts::SigningKeys;

const VERSION: &str = "2010-05-08";

/// Why IAM did not list the devices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IamError {
    /// IAM answered AccessDenied: these keys may not call iam:ListMFADevices for the user.
    AccessDenied { message: String },
    /// IAM (or something before it) answered another error.
    Refused {
        code: Option<String>,
        message: String,
        status: u16,
    },
    /// No answer: the endpoint, the network, the proxy, TLS or a timeout.
    NoAnswer { url: String, cause: String },
    /// An answer that is not the ListMFADevices document, or a serial number no file holds.
    Unreadable { url: String, what: String },
}

impl IamError {
    /// `--user`'s fallback (the device named after the user) tells it from the rest.
    pub fn is_access_denied(&self) -> bool {
        matches!(self, IamError::AccessDenied { .. })
    }
}

impl fmt::Display for IamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IamError::AccessDenied { .. } => f.write_str("AccessDenied"),
            IamError::Refused {
                code: Some(code), ..
            } => f.write_str(code),
            IamError::Refused { status, .. } => write!(f, "HTTP {status} without an AWS error"),
            IamError::NoAnswer { url, cause } => write!(f, "no answer from {url}: {cause}"),
            IamError::Unreadable { url, what } => {
                write!(f, "{url} sent an answer that cannot be read: {what}")
            }
        }
    }
}

/// One ListMFADevices request: whose devices, signed by which keys, sent how.
pub struct Request<'a> {
    pub keys: &'a SigningKeys<'a>,
    pub user: &'a str,
    pub region: &'a str,
    /// A configured endpoint (`AWS_ENDPOINT_URL_IAM`, …): used as it is, signed for `region`.
    pub endpoint_url: Option<&'a str>,
    pub fips: bool,
    pub dualstack: bool,
    /// The STS client's HTTP client.
    pub http: SharedHttpClient,
    pub retry: RetryConfig,
    pub timeouts: TimeoutConfig,
}

/// Where the request goes and the region it is signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub url: String,
    pub signing_region: String,
}

/// The serial numbers of the user's MFA devices, in IAM's order.
pub fn list_mfa_devices(
    runtime: &tokio::runtime::Runtime,
    request: &Request,
) -> Result<Vec<String>, IamError> {
    let target = target(
        request.region,
        request.endpoint_url,
        request.fips,
        request.dualstack,
    );
    debug!(
        "IAM ListMFADevices for user {} at {}, signed for {}",
        request.user, target.url, target.signing_region
    );
    let keys = request.keys;
    let signer = Signer {
        identity: aws_credential_types::Credentials::new(
            keys.access_key_id,
            keys.secret_access_key,
            keys.session_token.map(str::to_string),
            None,
            "aws-mfa",
        )
        .into(),
        region: target.signing_region.clone(),
    };
    let mut builder = Operation::builder()
        .service_name("iam")
        .operation_name("ListMFADevices")
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&target.url)
        .timeout_config(request.timeouts.clone())
        .standard_retry(&request.retry)
        // The classifiers the SDK's clients use for a call without a code.
        .retry_classifier(HttpStatusCodeClassifier::default())
        .retry_classifier(TransientErrorClassifier::<ServiceError>::new())
        .retry_classifier(AwsErrorCodeClassifier::<ServiceError>::new())
        .no_auth()
        .interceptor(signer);
    builder = builder.http_client(request.http.clone());
    let operation = builder
        .serializer(|user: String| {
            let mut body = String::new();
            let mut writer =
                aws_smithy_query::QueryWriter::new(&mut body, "ListMFADevices", VERSION);
            writer.prefix("UserName").string(&user);
            writer.finish();
            let mut request = HttpRequest::new(SdkBody::from(body));
            request.set_method("POST")?;
            request.set_uri("/")?;
            request
                .headers_mut()
                .insert("content-type", "application/x-www-form-urlencoded");
            Ok(request)
        })
        .deserializer(deserialize)
        .build();
    let url = target.url;
    match runtime.block_on(operation.invoke(request.user.to_string())) {
        Ok(Ok(devices)) => Ok(devices),
        Ok(Err(what)) => Err(IamError::Unreadable { url, what }),
        Err(e) => Err(translate(e, url)),
    }
}

/// IAM's endpoint for a region, by the SDKs' endpoint rules for IAM (the Rust SDK's and
/// botocore's `endpoint-rule-set-1.json`), or the configured one. A configured endpoint
/// takes no variant, as before (the SDK refuses FIPS with one).
pub fn target(region: &str, configured: Option<&str>, fips: bool, dualstack: bool) -> Target {
    if let Some(url) = configured {
        return Target {
            url: url.to_string(),
            signing_region: region.to_string(),
        };
    }
    let p = partition(region);
    let at = |url: String, signing_region: &str| Target {
        url,
        signing_region: signing_region.to_string(),
    };
    // The partitions whose IAM endpoint the rules name (the global endpoint of each).
    let named = match (p.id, fips, dualstack) {
        ("aws", false, true) => Some(("https://iam.global.api.aws", "us-east-1")),
        ("aws", true, true) => Some(("https://iam-fips.global.api.aws", "us-east-1")),
        ("aws-cn", false, true) => Some((
            "https://iam.global.api.amazonwebservices.com.cn",
            "cn-north-1",
        )),
        ("aws-cn", false, false) => Some(("https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1")),
        ("aws-us-gov", _, true) => Some(("https://iam.us-gov.api.aws", "us-gov-west-1")),
        ("aws-us-gov", _, false) => Some(("https://iam.us-gov.amazonaws.com", "us-gov-west-1")),
        ("aws-iso", false, false) => {
            Some(("https://iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"))
        }
        ("aws-iso", true, false) => {
            Some(("https://iam-fips.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"))
        }
        ("aws-iso-b", false, false) => {
            Some(("https://iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"))
        }
        ("aws-iso-b", true, false) => Some((
            "https://iam-fips.us-isob-east-1.sc2s.sgov.gov",
            "us-isob-east-1",
        )),
        ("aws-iso-e", false, false) => Some((
            "https://iam.eu-isoe-west-1.cloud.adc-e.uk",
            "eu-isoe-west-1",
        )),
        ("aws-iso-f", false, false) => Some((
            "https://iam.us-isof-south-1.csp.hci.ic.gov",
            "us-isof-south-1",
        )),
        ("aws-eusc", false, false) => {
            Some(("https://iam.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"))
        }
        _ => None,
    };
    if let Some((url, signing_region)) = named {
        return at(url.to_string(), signing_region);
    }
    // The rules' generic forms (every partition of the table has FIPS and dual-stack).
    let global = p.implicit_global_region;
    match (fips, dualstack) {
        (true, true) => at(
            format!("https://iam-fips.{}", p.dual_stack_dns_suffix),
            global,
        ),
        (true, false) => at(format!("https://iam-fips.{}", p.dns_suffix), global),
        (false, true) => at(format!("https://iam.{}", p.dual_stack_dns_suffix), global),
        (false, false) => at(format!("https://iam.{}", p.dns_suffix), global),
    }
}

/// A partition of the SDK's partition table (aws-sdk-sts's `endpoint_lib`).
struct Partition {
    id: &'static str,
    /// The region prefix of its regex (`^PREFIX\-\w+\-\d+$`); "" for aws's.
    prefix: &'static str,
    /// Its `*-global` region, which no regex matches.
    global: &'static str,
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    implicit_global_region: &'static str,
}

const fn row(
    id: &'static str,
    prefix: &'static str,
    global: &'static str,
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    implicit_global_region: &'static str,
) -> Partition {
    Partition {
        id,
        prefix,
        global,
        dns_suffix,
        dual_stack_dns_suffix,
        implicit_global_region,
    }
}

/// In the table's order, which is the order its regexes are tried in.
#[rustfmt::skip]
const PARTITIONS: &[Partition] = &[
    row("aws", "", "aws-global", "amazonaws.com", "api.aws", "us-east-1"),
    row("aws-cn", "cn", "aws-cn-global", "amazonaws.com.cn", "api.amazonwebservices.com.cn", "cn-northwest-1"),
    row("aws-eusc", "eusc-de", "", "amazonaws.eu", "api.amazonwebservices.eu", "eusc-de-east-1"),
    row("aws-iso", "us-iso", "aws-iso-global", "c2s.ic.gov", "api.aws.ic.gov", "us-iso-east-1"),
    row("aws-iso-b", "us-isob", "aws-iso-b-global", "sc2s.sgov.gov", "api.aws.scloud", "us-isob-east-1"),
    row("aws-iso-e", "eu-isoe", "aws-iso-e-global", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "eu-isoe-west-1"),
    row("aws-iso-f", "us-isof", "aws-iso-f-global", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "us-isof-south-1"),
    row("aws-us-gov", "us-gov", "aws-us-gov-global", "amazonaws.com", "api.aws", "us-gov-west-1"),
];

/// The region's partition as the SDK's resolver finds it: a region the table names, else
/// the first whose regex matches, else `aws`. (Every region the table names but the
/// `*-global` ones matches its partition's regex.)
fn partition(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| p.global == region)
        .or_else(|| PARTITIONS.iter().find(|p| matches_regex(p.prefix, region)))
        .unwrap_or(&PARTITIONS[0])
}

/// The table's regexes: `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$` for aws (prefix ""),
/// `^PREFIX\-\w+\-\d+$` for the others.
fn matches_regex(prefix: &str, region: &str) -> bool {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let rest = if prefix.is_empty() {
        let Some((first, rest)) = region.split_once('-') else {
            return false;
        };
        if !["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"].contains(&first) {
            return false;
        }
        rest
    } else {
        match region
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('-'))
        {
            Some(rest) => rest,
            None => return false,
        }
    };
    matches!(rest.split_once('-'), Some((w, d)) if word(w) && digits(d))
}

/// Signs each attempt with SigV4 once its endpoint is set, as the SDK's signer does.
#[derive(Debug)]
struct Signer {
    identity: Identity,
    region: String,
}

impl Intercept for Signer {
    fn name(&self) -> &'static str {
        "aws-mfa: SigV4 for IAM"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let time = runtime_components
            .time_source()
            .map_or_else(SystemTime::now, |t| t.now());
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&self.identity)
            .region(&self.region)
            .name("iam")
            .time(time)
            .settings(SigningSettings::default())
            .build()?
            .into();
        let request = context.request_mut();
        let body = request.body().bytes().unwrap_or_default();
        let signable = SignableRequest::new(
            request.method(),
            request.uri(),
            request.headers().iter(),
            SignableBody::Bytes(body),
        )?;
        let (instructions, _) = sign(signable, &params)?.into_parts();
        let (headers, _) = instructions.into_parts();
        for header in headers {
            request
                .headers_mut()
                .insert(header.name(), header.value().to_string());
        }
        Ok(())
    }
}

/// An error answer of IAM: its code and message, when it is an AWS error document.
#[derive(Debug)]
pub struct ServiceError {
    meta: ErrorMetadata,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.meta.code().unwrap_or("no AWS error"),
            self.meta.message().unwrap_or("")
        )
    }
}

impl std::error::Error for ServiceError {}

impl ProvideErrorMetadata for ServiceError {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

/// The answer: the serial numbers (or why the document cannot be read), or IAM's error.
type Answer = Result<Vec<String>, String>;

fn deserialize(response: &HttpResponse) -> Result<Answer, OrchestratorError<ServiceError>> {
    let body = response.body().bytes().unwrap_or_default();
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8".to_string());
    if response.status().is_success() {
        return Ok(text.and_then(devices));
    }
    let mut meta = ErrorMetadata::builder();
    if let Some((code, message)) = text.ok().and_then(error_document) {
        meta = meta.code(code).message(message);
    }
    Err(OrchestratorError::operation(ServiceError {
        meta: meta.build(),
    }))
}

/// The `Error` of an `ErrorResponse` document: (Code, Message).
fn error_document(text: &str) -> Option<(String, String)> {
    let mut doc = Document::new(text);
    let mut root = doc.root_element().ok()?;
    if !root.start_el().matches("ErrorResponse") {
        return None;
    }
    while let Some(mut tag) = root.next_tag() {
        if !tag.start_el().matches("Error") {
            continue;
        }
        let (mut code, mut message) = (None, String::new());
        while let Some(mut field) = tag.next_tag() {
            if field.start_el().matches("Code") {
                code = try_data(&mut field).ok().map(|c| c.trim().to_string());
            } else if field.start_el().matches("Message") {
                message = try_data(&mut field)
                    .map(|m| m.trim().to_string())
                    .unwrap_or_default();
            }
        }
        return code.filter(|c| !c.is_empty()).map(|c| (c, message));
    }
    None
}

/// The serial numbers of a `ListMFADevicesResponse`, each of IAM's own form: it is
/// remembered in a file, sent to STS and named in messages.
fn devices(text: &str) -> Answer {
    let unreadable = |e: aws_smithy_xml::decode::XmlDecodeError| format!("not valid XML ({e})");
    // The reader takes a document cut short at its end as whole.
    if !text.trim_end().ends_with("</ListMFADevicesResponse>") {
        return Err("not a whole ListMFADevices answer".to_string());
    }
    let mut doc = Document::new(text);
    let mut root = doc.root_element().map_err(unreadable)?;
    if !root.start_el().matches("ListMFADevicesResponse") {
        return Err("not a ListMFADevices answer".to_string());
    }
    let mut found = None;
    while let Some(mut result) = root.next_tag() {
        if !result.start_el().matches("ListMFADevicesResult") {
            continue;
        }
        while let Some(mut list) = result.next_tag() {
            if list.start_el().matches("MFADevices") {
                found = Some(members(&mut list)?);
            }
        }
    }
    let found = found.ok_or_else(|| "no MFADevices in it".to_string())?;
    if let Some(bad) = found.iter().find(|s| !is_serial_number(s)) {
        return Err(format!(
            "'{}' is no serial number IAM gives (9 to 256 of A-Z a-z 0-9 +=/:,.@_-)",
            crate::text::escaped(bad)
        ));
    }
    Ok(found)
}

/// IAM's pattern for a serial number, `[\w+=/:,.@-]{9,256}`.
fn is_serial_number(serial: &str) -> bool {
    (9..=256).contains(&serial.len())
        && serial
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=/:,.@_-".contains(c))
}

fn members(list: &mut ScopedDecoder) -> Answer {
    let mut serials = Vec::new();
    while let Some(mut member) = list.next_tag() {
        if !member.start_el().matches("member") {
            continue;
        }
        let mut serial = None;
        while let Some(mut field) = member.next_tag() {
            if field.start_el().matches("SerialNumber") {
                let data = try_data(&mut field).map_err(|e| format!("not valid XML ({e})"))?;
                serial = Some(data.trim().to_string());
            }
        }
        serials.push(serial.ok_or_else(|| "a device without a SerialNumber".to_string())?);
    }
    Ok(serials)
}

fn translate(err: SdkError<ServiceError, HttpResponse>, url: String) -> IamError {
    match &err {
        SdkError::ServiceError(service) => {
            let meta = &service.err().meta;
            let message = meta.message().unwrap_or_default().to_string();
            match meta.code() {
                Some("AccessDenied") => IamError::AccessDenied { message },
                code => IamError::Refused {
                    code: code.map(str::to_string),
                    message,
                    status: service.raw().status().as_u16(),
                },
            }
        }
        SdkError::TimeoutError(_) => IamError::NoAnswer {
            url,
            cause: "it did not answer in time".to_string(),
        },
        SdkError::ResponseError(_) => IamError::Unreadable {
            url,
            what: innermost_cause(&err),
        },
        _ => IamError::NoAnswer {
            url,
            cause: innermost_cause(&err),
        },
    }
}

/// The last error in the source chain: "Connection refused (os error 111)".
fn innermost_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(url: &str, signing_region: &str) -> Target {
        Target {
            url: url.to_string(),
            signing_region: signing_region.to_string(),
        }
    }

    /// The endpoint and signing region botocore 1.43 resolves for IAM (its endpoint rules,
    /// sending a request) for each region and variant, and the SDK's rules give the same.
    #[test]
    fn the_endpoint_is_the_partitions_global_one_as_botocore_resolves_it() {
        #[rustfmt::skip]
        let cases = [
            // (region, fips, dualstack, url, signing region)
            ("us-east-1", false, false, "https://iam.amazonaws.com", "us-east-1"),
            ("eu-west-1", false, false, "https://iam.amazonaws.com", "us-east-1"),
            ("ap-southeast-7", false, false, "https://iam.amazonaws.com", "us-east-1"),
            ("mx-central-1", false, false, "https://iam.amazonaws.com", "us-east-1"),
            ("aws-global", false, false, "https://iam.amazonaws.com", "us-east-1"),
            // Not a known region: the default partition, as the SDK's resolver does.
            ("local", false, false, "https://iam.amazonaws.com", "us-east-1"),
            ("eu-west-1", true, false, "https://iam-fips.amazonaws.com", "us-east-1"),
            ("eu-west-1", false, true, "https://iam.global.api.aws", "us-east-1"),
            ("eu-west-1", true, true, "https://iam-fips.global.api.aws", "us-east-1"),
            ("cn-north-1", false, false, "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            ("cn-northwest-1", false, false, "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            ("cn-northwest-1", true, false, "https://iam-fips.amazonaws.com.cn", "cn-northwest-1"),
            ("cn-north-1", false, true, "https://iam.global.api.amazonwebservices.com.cn", "cn-north-1"),
            ("us-gov-west-1", false, false, "https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
            ("us-gov-east-1", false, false, "https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
            ("us-gov-east-1", true, false, "https://iam.us-gov.amazonaws.com", "us-gov-west-1"),
            ("us-gov-west-1", true, true, "https://iam.us-gov.api.aws", "us-gov-west-1"),
            ("us-iso-east-1", false, false, "https://iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
            ("us-iso-west-1", true, false, "https://iam-fips.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"),
            ("us-isob-east-1", false, false, "https://iam.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"),
            ("eu-isoe-west-1", false, false, "https://iam.eu-isoe-west-1.cloud.adc-e.uk", "eu-isoe-west-1"),
            ("us-isof-east-1", false, false, "https://iam.us-isof-south-1.csp.hci.ic.gov", "us-isof-south-1"),
            ("eusc-de-east-1", false, false, "https://iam.eusc-de-east-1.amazonaws.eu", "eusc-de-east-1"),
            // The rules' generic forms.
            ("cn-north-1", true, true, "https://iam-fips.api.amazonwebservices.com.cn", "cn-northwest-1"),
            ("us-iso-east-1", false, true, "https://iam.api.aws.ic.gov", "us-iso-east-1"),
            ("eusc-de-east-1", true, false, "https://iam-fips.amazonaws.eu", "eusc-de-east-1"),
        ];
        for (region, fips, dualstack, url, signing_region) in cases {
            assert_eq!(
                target(region, None, fips, dualstack),
                at(url, signing_region),
                "{region} fips={fips} dualstack={dualstack}"
            );
        }
    }

    #[test]
    fn a_configured_endpoint_is_used_as_it_is_and_signed_for_the_region() {
        assert_eq!(
            target("eu-west-1", Some("http://127.0.0.1:5000"), true, true),
            at("http://127.0.0.1:5000", "eu-west-1")
        );
    }

    #[test]
    fn regions_fall_in_the_partition_the_sdks_table_gives() {
        for (region, id) in [
            ("us-east-1", "aws"),
            ("il-central-1", "aws"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("us-isof-south-1", "aws-iso-f"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("cn-north-1", "aws-cn"),
            ("aws-cn-global", "aws-cn"),
            ("eusc-de-east-1", "aws-eusc"),
            ("eusc-fr-east-1", "aws"),
            ("xx-east-1", "aws"),
            ("us-east-1a", "aws"),
            ("us-east", "aws"),
        ] {
            assert_eq!(partition(region).id, id, "{region}");
        }
        assert!(!matches_regex("", "us-east-1a"));
        assert!(!matches_regex("", "us-gov-west-1"));
        assert!(matches_regex("us-gov", "us-gov-west-1"));
        assert!(!matches_regex("us-gov", "us-gov-west-x"));
    }

    const LISTED: &str = r#"<ListMFADevicesResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ListMFADevicesResult>
    <IsTruncated>false</IsTruncated>
    <MFADevices>
      <member>
        <UserName>alice</UserName>
        <SerialNumber>arn:aws:iam::123456789012:mfa/alice</SerialNumber>
        <EnableDate>2024-01-01T00:00:00Z</EnableDate>
      </member>
      <member>
        <SerialNumber>GAHT12345678</SerialNumber>
        <UserName>alice</UserName>
      </member>
    </MFADevices>
  </ListMFADevicesResult>
  <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
</ListMFADevicesResponse>"#;

    #[test]
    fn the_answer_is_read_for_its_serial_numbers() {
        assert_eq!(
            devices(LISTED),
            Ok(vec![
                "arn:aws:iam::123456789012:mfa/alice".to_string(),
                "GAHT12345678".to_string()
            ])
        );
        let none = "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices/>\
            <IsTruncated>false</IsTruncated></ListMFADevicesResult></ListMFADevicesResponse>";
        assert_eq!(devices(none), Ok(vec![]));
        // An entity decodes.
        let escaped = LISTED.replace("mfa/alice", "mfa/a&#x2B;b");
        assert_eq!(
            devices(&escaped).unwrap()[0],
            "arn:aws:iam::123456789012:mfa/a+b"
        );
    }

    #[test]
    fn an_answer_of_another_shape_or_with_control_characters_is_refused() {
        for bad in [
            "",
            "not xml",
            "<html><body>proxy login</body></html>",
            "<ListMFADevicesResponse><ListMFADevicesResult></ListMFADevicesResult></ListMFADevicesResponse>",
            "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices><member><UserName>a</UserName></member></MFADevices></ListMFADevicesResult></ListMFADevicesResponse>",
            "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices><member><SerialNumber></SerialNumber></member></MFADevices></ListMFADevicesResult></ListMFADevicesResponse>",
            "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices><member><SerialNumber>a&#x1b;[31m</SerialNumber></member></MFADevices></ListMFADevicesResult></ListMFADevicesResponse>",
            "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices><member><SerialNumber>a&#10;b</SerialNumber></member></MFADevices></ListMFADevicesResult></ListMFADevicesResponse>",
            "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices><member><SerialNumber>arn:aws:iam::1:mfa/a b</SerialNumber></member></MFADevices></ListMFADevicesResult></ListMFADevicesResponse>",
            "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices><member><SerialNumber>short</SerialNumber></member></MFADevices></ListMFADevicesResult></ListMFADevicesResponse>",
            "<ListMFADevicesResponse><ListMFADevicesResult><MFADevices><member><SerialNumber>cut",
            &LISTED[..LISTED.len() / 2],
        ] {
            assert!(devices(bad).is_err(), "{bad:?}: {:?}", devices(bad));
        }
    }

    #[test]
    fn an_error_answer_gives_its_code_and_message() {
        let denied = r#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/alice is not authorized to perform: iam:ListMFADevices</Message>
  </Error><RequestId>x</RequestId></ErrorResponse>"#;
        let (code, message) = error_document(denied).unwrap();
        assert_eq!(code, "AccessDenied");
        assert!(message.ends_with("iam:ListMFADevices"), "{message}");
        assert_eq!(error_document("<html>502 Bad Gateway</html>"), None);
        assert_eq!(
            error_document("<ErrorResponse><Error></Error></ErrorResponse>"),
            None
        );
    }

    #[test]
    fn access_denied_is_told_from_the_other_failures() {
        let denied = IamError::AccessDenied {
            message: "not authorized".into(),
        };
        assert!(denied.is_access_denied());
        assert_eq!(denied.to_string(), "AccessDenied");
        for other in [
            IamError::Refused {
                code: Some("NoSuchEntity".into()),
                message: "The user with name x cannot be found.".into(),
                status: 404,
            },
            IamError::NoAnswer {
                url: "https://iam.amazonaws.com".into(),
                cause: "Connection refused (os error 111)".into(),
            },
        ] {
            assert!(!other.is_access_denied(), "{other}");
        }
    }
}
