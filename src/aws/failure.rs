//! AWS failures: what went wrong in an SDK call, reduced to what a person can act on (the AWS
//! error code, AWS's message, the HTTP status), and the one mapping from that to what the user
//! sees: the message, the HTTP status Grafana reports, and whose fault it is. Secrets of the
//! data source are scrubbed from everything that leaves.

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_sdk_sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use http::StatusCode;

use crate::config::settings::Settings;
use crate::network::problem::{classify, Answer};
use crate::observability::meters::CallOutcome;
use crate::query::Failure;

/// The source chain of an error on one line, from `Display` only: the SDK's own
/// `DisplayErrorContext` appends the `Debug` form, which carries raw HTTP responses (an STS
/// body can hold credentials), so it must never reach a message or a log line.
pub fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = Some(err);
    while let Some(e) = cur {
        let text = e.to_string();
        // Wrappers often repeat their source's text; keep each piece once.
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = e.source();
    }
    parts.join(": ")
}

/// How a call failed when no answer came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoAnswer {
    /// The connection or the answer took too long.
    TimedOut,
    /// AWS could not be reached, or its answer could not be read.
    Unreachable,
}

/// An AWS call that failed, reduced to what a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFailure {
    /// The AWS error code (`SignatureDoesNotMatch`, `AccessDenied`, ...), when known.
    pub code: Option<String>,
    /// AWS's message, or the SDK's description of a transport failure.
    pub message: String,
    /// AWS's HTTP status, or why there was no answer.
    pub answer: Result<StatusCode, NoAnswer>,
    /// The fix, when the failure's cause is known (an explained credentials source).
    pub fix: Option<String>,
}

/// A credentials source's failure explained (`aws::explain`): what the user reads and how it
/// is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The source, where it looked, and what happened.
    pub message: String,
    /// The fix, in a sentence or two.
    pub fix: String,
    /// AWS's error code, when an AWS endpoint sent one.
    pub code: Option<String>,
    /// The endpoint's refusal, or why there was no answer.
    pub answer: Result<StatusCode, NoAnswer>,
}

/// The error a credentials provider returns once its failure is explained: its `Display` is
/// the message, its source the SDK's own error (for the debug log).
#[derive(Debug)]
pub struct Explained {
    /// The explanation.
    pub explanation: Explanation,
    cause: CredentialsError,
}

impl Explained {
    /// Explains `cause`.
    pub fn new(explanation: Explanation, cause: CredentialsError) -> Explained {
        Explained { explanation, cause }
    }
}

impl std::fmt::Display for Explained {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.explanation.message)
    }
}

impl std::error::Error for Explained {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.cause)
    }
}

/// Error codes of AWS throttling its callers.
const THROTTLING: [&str; 5] = [
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "LimitExceededException",
];

/// Error codes of credentials AWS does not accept or an identity it refuses.
const REFUSED: [&str; 9] = [
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
];

impl AwsFailure {
    /// A failure that happened before any request left (no credentials, no region, ...).
    pub fn local(message: impl Into<String>) -> AwsFailure {
        let message = with_network_problem(message.into(), None);
        AwsFailure {
            code: code_from_message(&message).map(str::to_string),
            message,
            answer: Err(NoAnswer::Unreachable),
            fix: None,
        }
    }

    /// The HTTP status AWS answered with, if it answered.
    pub fn http_status(&self) -> Option<StatusCode> {
        self.answer.ok()
    }

    /// Whether AWS throttled the call (after the SDK's retries).
    pub fn is_throttling(&self) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| THROTTLING.contains(&c))
            || self.answer == Ok(StatusCode::TOO_MANY_REQUESTS)
    }

    /// How the call counts in the metrics.
    pub fn call_outcome(&self) -> CallOutcome {
        if self.is_throttling() {
            CallOutcome::Throttled
        } else {
            CallOutcome::Error
        }
    }

    /// The HTTP status Grafana reports for a query or editor lookup that failed this way.
    pub fn user_status(&self) -> StatusCode {
        let refused = self.code.as_deref().is_some_and(|c| REFUSED.contains(&c));
        match self.answer {
            _ if self.is_throttling() => StatusCode::TOO_MANY_REQUESTS,
            _ if refused => StatusCode::FORBIDDEN,
            Ok(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) => StatusCode::FORBIDDEN,
            // AWS refused the request as written: a bad expression, an unknown metric, ...
            Ok(s) if s.is_client_error() => StatusCode::BAD_REQUEST,
            Ok(_) | Err(NoAnswer::Unreachable) => StatusCode::BAD_GATEWAY,
            Err(NoAnswer::TimedOut) => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// What to do about it, when the code says.
    pub fn advice(&self) -> Option<&'static str> {
        if self.is_throttling() {
            return Some("AWS throttled the calls even after retries with backoff; load fewer panels at once, lower GF_PLUGIN_STRATUS_MAX_CONCURRENT_CALLS, or ask AWS for a higher API quota.");
        }
        match self.code.as_deref()? {
            "ServiceUnavailable" | "InternalFailure" | "InternalError" => {
                Some("AWS kept failing after retries; try again shortly.")
            }
            _ => None,
        }
    }

    /// What the user sees when `operation` (e.g. "CloudWatch GetMetricData") failed this way:
    /// the one mapping from an AWS failure to a message, an HTTP status and a fault. AWS
    /// failures are never Stratus's fault.
    pub fn report(&self, operation: &str, settings: &Settings) -> Failure {
        let code = self
            .code
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        let advice = self
            .fix
            .as_deref()
            .or(self.advice())
            .map(|a| format!(" {a}"))
            .unwrap_or_default();
        Failure::downstream(
            self.user_status(),
            scrub(
                &format!("{operation} failed{code}: {}{advice}", self.message),
                settings,
            ),
        )
    }
}

/// Infers the code from well-known messages when the endpoint did not send one.
fn code_from_message(message: &str) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    if m.contains("signature we calculated does not match") {
        Some("SignatureDoesNotMatch")
    } else if m.contains("security token included in the request is invalid") {
        Some("InvalidClientTokenId")
    } else if m.contains("security token included in the request is expired") {
        Some("ExpiredToken")
    } else if m.contains("not authorized to perform") || m.contains("access denied") {
        Some("AccessDenied")
    } else {
        None
    }
}

/// Puts a proxy or TLS problem's plain words before the SDK's text, when it is one.
fn with_network_problem(message: String, answer: Option<Answer>) -> String {
    match classify(&message, answer) {
        Some(problem) => format!("{problem} ({message})"),
        None => message,
    }
}

/// What a proxy's refusal would show in an HTTP answer.
fn answer_of(raw: &HttpResponse) -> Answer {
    let basic = |name: &str| {
        raw.headers()
            .get(name)
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("basic"))
    };
    Answer {
        status: raw.status().as_u16(),
        basic_challenge: basic("proxy-authenticate") || basic("www-authenticate"),
    }
}

/// The text between `<tag>` and `</tag>` in an XML error body. moto nests its STS errors in
/// a way the SDK's awsQuery parser does not read, so the code and message are taken straight
/// from the body.
fn xml_tag<'a>(body: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let len = body[start..].find(&format!("</{tag}>"))?;
    Some(body[start..start + len].trim()).filter(|s| !s.is_empty())
}

/// Describes a failed SDK call.
pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> AwsFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let SdkError::ServiceError(ctx) = err {
        let raw = ctx.raw();
        let body = raw
            .body()
            .bytes()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let message = ctx
            .err()
            .message()
            .map(str::to_string)
            .or_else(|| xml_tag(&body, "Message").map(str::to_string))
            .unwrap_or_else(|| chain(err));
        let code = ctx
            .err()
            .code()
            .map(str::to_string)
            .or_else(|| xml_tag(&body, "Code").map(str::to_string))
            .or_else(|| code_from_message(&message).map(str::to_string));
        let status = StatusCode::from_u16(raw.status().as_u16())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return AwsFailure {
            code,
            message: with_network_problem(message, Some(answer_of(raw))),
            answer: Ok(status),
            fix: None,
        };
    }
    let detail = chain(err);
    // A proxy refusing a plain-HTTP call answers 407 and may hang up before the body is read.
    if let Some(problem) = classify(&detail, err.raw_response().map(answer_of)) {
        return AwsFailure {
            code: None,
            message: format!("{problem} ({detail})"),
            answer: Err(NoAnswer::Unreachable),
            fix: None,
        };
    }
    let (answer, message) = match err {
        SdkError::TimeoutError(_) => (NoAnswer::TimedOut, format!("AWS did not answer in time ({detail}). Check the endpoint and the network path from the Grafana server to AWS.")),
        SdkError::DispatchFailure(d) if d.is_timeout() => (NoAnswer::TimedOut, format!("Timed out reaching AWS ({detail}). Check the endpoint and the network path from the Grafana server to AWS.")),
        SdkError::DispatchFailure(_) => (NoAnswer::Unreachable, format!("Could not reach AWS: {detail}. Check the endpoint URL, DNS, proxy and firewall.")),
        SdkError::ResponseError(_) => (NoAnswer::Unreachable, format!("The response from AWS was cut off or unreadable: {detail}.")),
        _ => (NoAnswer::Unreachable, detail),
    };
    AwsFailure {
        code: code_from_message(&message).map(str::to_string),
        message,
        answer: Err(answer),
        fix: None,
    }
}

/// Finds the credentials error in an SDK error's source chain, if resolving the credentials
/// is what failed.
pub fn credentials_error<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a CredentialsError> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        cur = e.source();
    }
    None
}

/// Describes a credential resolution failure: the explanation of the source that failed
/// when there is one (a base source under an Assume Role ARN included), else the STS call
/// behind an AssumeRole or web identity provider when that is what failed.
pub fn from_credentials(err: &CredentialsError) -> AwsFailure {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(explained) = e.downcast_ref::<Explained>() {
            let x = &explained.explanation;
            return AwsFailure {
                code: x.code.clone(),
                message: x.message.clone(),
                answer: x.answer,
                fix: Some(x.fix.clone()),
            };
        }
        cur = e.source();
    }
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(sdk) = e.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>() {
            return from_sdk(sdk);
        }
        if let Some(sdk) =
            e.downcast_ref::<SdkError<AssumeRoleWithWebIdentityError, HttpResponse>>()
        {
            return from_sdk(sdk);
        }
        cur = e.source();
    }
    if let CredentialsError::ProviderTimedOut(t) = err {
        return AwsFailure {
            code: None,
            message: format!("resolving the credentials did not finish within {}s, the limit (GF_PLUGIN_STRATUS_CREDENTIALS_TIMEOUT)", t.timeout_duration().as_secs_f64()),
            answer: Err(NoAnswer::TimedOut),
            fix: None,
        };
    }
    AwsFailure::local(chain(err))
}

/// Describes a failed SDK call; when resolving the credentials is what failed, describes that.
pub fn describe<E>(err: &SdkError<E, HttpResponse>) -> AwsFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match credentials_error(err) {
        Some(c) => from_credentials(c),
        None => from_sdk(err),
    }
}

/// The protocol CloudWatch answers in, as its `smithy-protocol` response header names it.
const CLOUDWATCH_PROTOCOL: &str = "rpc-v2-cbor";

/// Describes a failed CloudWatch call. CloudWatch speaks Smithy RPC v2 CBOR; an endpoint that
/// answers in anything else (an emulator or CloudWatch-compatible service that speaks only the
/// older awsQuery protocol, a proxy's 404 or HTML page) leaves the SDK with an answer it cannot
/// read and no error code, so the failure says what the endpoint answered and names the protocol.
pub fn describe_cloudwatch<E>(err: &SdkError<E, HttpResponse>) -> AwsFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let failure = describe(err);
    // The SDK reads a code only from a CBOR error (or AWS's x-amzn-query-error header).
    let (raw, sdk_code) = match err {
        SdkError::ServiceError(ctx) => (ctx.raw(), ctx.err().code()),
        SdkError::ResponseError(ctx) => (ctx.raw(), None),
        _ => return failure,
    };
    if sdk_code.is_some()
        || speaks_cbor(raw)
        || classify(&failure.message, Some(answer_of(raw))).is_some()
    {
        return failure;
    }
    not_cbor(raw)
}

/// Whether an answer is in CloudWatch's protocol.
fn speaks_cbor(raw: &HttpResponse) -> bool {
    let header = |name: &str| raw.headers().get(name).map(str::to_ascii_lowercase);
    header("smithy-protocol").as_deref() == Some(CLOUDWATCH_PROTOCOL)
        || header("content-type").is_some_and(|c| c.starts_with("application/cbor"))
}

/// The failure of an endpoint that answered, but not in CloudWatch's protocol.
fn not_cbor(raw: &HttpResponse) -> AwsFailure {
    let status = raw.status().as_u16();
    let kind = raw
        .headers()
        .get("content-type")
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    let cause = if raw.status().is_server_error() {
        "a proxy or load balancer on the way failed, or the endpoint does not speak CloudWatch's current protocol"
    } else {
        "the endpoint does not speak CloudWatch's current protocol"
    };
    AwsFailure {
        code: None,
        message: format!("The CloudWatch endpoint answered HTTP {status}{kind}, not Smithy RPC v2 CBOR (smithy-protocol: rpc-v2-cbor): {cause}."),
        answer: Err(NoAnswer::Unreachable),
        fix: Some("Leave the endpoint empty for AWS, or point it at an AWS endpoint, a VPC endpoint or an emulator that serves CloudWatch in Smithy RPC v2 CBOR (AWS's default since December 2025; LocalStack serves it since September 2025). Emulators and proxies that speak only awsQuery cannot answer the current AWS SDKs.".to_string()),
    }
}

/// Shortest value treated as a secret when scrubbing: AWS secret keys are 40 characters and
/// session tokens longer, and replacing a stray short value would garble every message.
const MIN_SCRUB_LEN: usize = 8;

/// Removes the data source's secrets from text that leaves the plugin (AWS messages can echo
/// request content).
pub fn scrub(text: &str, settings: &Settings) -> String {
    let mut out = text.to_string();
    for secret in settings.secrets() {
        if secret.expose().len() >= MIN_SCRUB_LEN {
            out = out.replace(secret.expose(), "[redacted]");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::settings::for_test;

    fn failure(code: Option<&str>, answer: Result<StatusCode, NoAnswer>) -> AwsFailure {
        AwsFailure {
            code: code.map(str::to_string),
            message: "m".into(),
            answer,
            fix: None,
        }
    }

    #[test]
    fn xml_fallback_reads_nested_errors() {
        let body = "<ErrorResponse><Errors><Error><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></Errors></ErrorResponse>";
        assert_eq!(xml_tag(body, "Code"), Some("InvalidClientTokenId"));
        assert_eq!(
            xml_tag(body, "Message"),
            Some("The security token included in the request is invalid.")
        );
        assert_eq!(xml_tag(body, "Nope"), None);
        assert_eq!(xml_tag("<Code></Code>", "Code"), None);
    }

    #[derive(Debug)]
    struct Outer(Inner);
    #[derive(Debug)]
    struct Inner;
    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("dispatch failure")
        }
    }
    impl std::fmt::Display for Inner {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("connection refused")
        }
    }
    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    impl std::error::Error for Inner {}

    /// A CBOR error as CloudWatch writes it, encoded by the SDK's own encoder.
    fn cbor_error(code: &str, message: &str) -> &'static [u8] {
        crate::aws::recorded::cbor_of(
            &serde_json::json!({ "__type": code, "message": message }).to_string(),
        )
    }

    async fn list_metrics_failure(
        status: u16,
        headers: &'static [(&'static str, &'static str)],
        body: &'static [u8],
    ) -> AwsFailure {
        let client = crate::aws::recorded::cloudwatch_answering(status, headers, body);
        let err = client.list_metrics().send().await.expect_err("refused");
        describe_cloudwatch(&err)
    }

    #[tokio::test]
    async fn cbor_errors_are_read_with_and_without_a_namespace_or_the_query_header() {
        use crate::aws::recorded::CBOR;
        let throttled = list_metrics_failure(
            400,
            CBOR,
            cbor_error("com.amazonaws.cloudwatch#Throttling", "Rate exceeded"),
        )
        .await;
        assert_eq!(throttled.code.as_deref(), Some("Throttling"));
        assert_eq!(throttled.message, "Rate exceeded");
        assert!(throttled.is_throttling());
        assert_eq!(throttled.user_status(), StatusCode::TOO_MANY_REQUESTS);

        // The query-compatible code in x-amzn-query-error wins over `__type`.
        const QUERY: &[(&str, &str)] = &[
            ("content-type", "application/cbor"),
            ("smithy-protocol", "rpc-v2-cbor"),
            ("x-amzn-query-error", "AccessDenied;Sender"),
        ];
        let denied = list_metrics_failure(
            403,
            QUERY,
            cbor_error(
                "com.amazon.coral.service#AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/bob is not authorized to perform: cloudwatch:ListMetrics",
            ),
        )
        .await;
        assert_eq!(denied.code.as_deref(), Some("AccessDenied"));
        assert_eq!(denied.user_status(), StatusCode::FORBIDDEN);

        let failed =
            list_metrics_failure(500, CBOR, cbor_error("InternalFailure", "Internal failure"))
                .await;
        assert_eq!(failed.code.as_deref(), Some("InternalFailure"));
        assert_eq!(failed.user_status(), StatusCode::BAD_GATEWAY);
        assert!(failed.advice().is_some());

        let invalid = list_metrics_failure(
            400,
            CBOR,
            cbor_error(
                "com.amazonaws.cloudwatch#InvalidParameterValueException",
                "The value for parameter Namespace is invalid.",
            ),
        )
        .await;
        assert_eq!(
            invalid.code.as_deref(),
            Some("InvalidParameterValueException")
        );
        assert_eq!(invalid.user_status(), StatusCode::BAD_REQUEST);
    }

    #[tokio::test]
    async fn an_answer_not_in_cbor_names_the_protocol() {
        const HTML: &[(&str, &str)] = &[("content-type", "text/html; charset=utf-8")];
        let page = b"<!doctype html><title>404 Not Found</title><h1>Not Found</h1>";
        let old = list_metrics_failure(404, HTML, page).await;
        assert_eq!(old.code, None);
        assert!(
            old.message.starts_with("The CloudWatch endpoint answered HTTP 404 (text/html; charset=utf-8), not Smithy RPC v2 CBOR"),
            "{}",
            old.message
        );
        assert!(old.fix.as_deref().unwrap().contains("LocalStack"));
        assert_eq!(old.user_status(), StatusCode::BAD_GATEWAY);

        let bad_gateway = list_metrics_failure(502, HTML, page).await;
        assert!(
            bad_gateway
                .message
                .contains("a proxy or load balancer on the way failed"),
            "{}",
            bad_gateway.message
        );

        // An awsQuery error from an emulator that speaks only XML: its code is not trusted
        // as CloudWatch's, the protocol is named.
        const XML: &[(&str, &str)] = &[("content-type", "text/xml")];
        let xml = list_metrics_failure(
            400,
            XML,
            b"<ErrorResponse><Error><Code>InvalidAction</Code><Message>no</Message></Error></ErrorResponse>",
        )
        .await;
        assert!(
            xml.message.contains("not Smithy RPC v2 CBOR"),
            "{}",
            xml.message
        );

        // A proxy's refusal keeps its own explanation.
        const PROXY: &[(&str, &str)] = &[("proxy-authenticate", "Basic realm=\"proxy\"")];
        let proxy = list_metrics_failure(407, PROXY, b"").await;
        assert!(
            !proxy.message.contains("Smithy RPC v2 CBOR"),
            "{}",
            proxy.message
        );
    }

    #[test]
    fn chain_uses_display_only() {
        assert_eq!(chain(&Outer(Inner)), "dispatch failure: connection refused");
    }

    #[test]
    fn codes_from_messages() {
        assert_eq!(
            code_from_message(
                "The request signature we calculated does not match the signature you provided."
            ),
            Some("SignatureDoesNotMatch")
        );
        assert_eq!(
            code_from_message(
                "User: arn:aws:iam::1:user/u is not authorized to perform: sts:AssumeRole"
            ),
            Some("AccessDenied")
        );
        assert_eq!(code_from_message("connection refused"), None);
    }

    #[test]
    fn one_mapping_from_failure_to_status() {
        let cases = [
            (
                failure(Some("Throttling"), Ok(StatusCode::BAD_REQUEST)),
                StatusCode::TOO_MANY_REQUESTS,
            ),
            (
                failure(None, Ok(StatusCode::TOO_MANY_REQUESTS)),
                StatusCode::TOO_MANY_REQUESTS,
            ),
            (
                failure(Some("AccessDenied"), Ok(StatusCode::FORBIDDEN)),
                StatusCode::FORBIDDEN,
            ),
            (
                failure(Some("ExpiredToken"), Ok(StatusCode::BAD_REQUEST)),
                StatusCode::FORBIDDEN,
            ),
            (
                failure(None, Ok(StatusCode::UNAUTHORIZED)),
                StatusCode::FORBIDDEN,
            ),
            (
                failure(Some("InvalidParameterValue"), Ok(StatusCode::BAD_REQUEST)),
                StatusCode::BAD_REQUEST,
            ),
            (
                failure(
                    Some("InternalFailure"),
                    Ok(StatusCode::INTERNAL_SERVER_ERROR),
                ),
                StatusCode::BAD_GATEWAY,
            ),
            (
                failure(None, Err(NoAnswer::Unreachable)),
                StatusCode::BAD_GATEWAY,
            ),
            (
                failure(None, Err(NoAnswer::TimedOut)),
                StatusCode::GATEWAY_TIMEOUT,
            ),
        ];
        for (f, want) in cases {
            assert_eq!(f.user_status(), want, "{f:?}");
        }
        assert_eq!(
            failure(Some("ThrottlingException"), Ok(StatusCode::BAD_REQUEST)).call_outcome(),
            CallOutcome::Throttled
        );
        assert_eq!(
            failure(Some("AccessDenied"), Ok(StatusCode::FORBIDDEN)).call_outcome(),
            CallOutcome::Error
        );
    }

    #[test]
    fn reports_name_the_operation_code_and_advice_and_are_scrubbed() {
        let s = for_test(
            r#"{"authType":"keys"}"#,
            &[("accessKey", "AK"), ("secretKey", "S3CR3T-S3CR3T")],
        );
        let mut f = failure(Some("Throttling"), Ok(StatusCode::BAD_REQUEST));
        f.message = "Rate exceeded for S3CR3T-S3CR3T".into();
        let r = f.report("CloudWatch GetMetricData", &s);
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.source, crate::query::ErrorSource::Downstream);
        assert!(r.message.starts_with("CloudWatch GetMetricData failed (Throttling): Rate exceeded for [redacted] AWS throttled"), "{}", r.message);
    }

    #[test]
    fn a_credentials_timeout_is_a_timeout() {
        let f = from_credentials(&CredentialsError::provider_timed_out(
            std::time::Duration::from_secs(10),
        ));
        assert_eq!(f.answer, Err(NoAnswer::TimedOut));
        assert_eq!(f.user_status(), StatusCode::GATEWAY_TIMEOUT);
        assert!(f.message.contains("within 10s"), "{}", f.message);
    }

    #[test]
    fn scrub_removes_secrets() {
        let keys = r#"{"authType":"keys"}"#;
        let s = for_test(
            keys,
            &[
                ("accessKey", "AK"),
                ("secretKey", "S3CR3T-S3CR3T"),
                ("sessionToken", "T0KEN-T0KEN"),
            ],
        );
        assert_eq!(
            scrub("a S3CR3T-S3CR3T b T0KEN-T0KEN", &s),
            "a [redacted] b [redacted]"
        );
        assert_eq!(scrub("plain", &for_test("{}", &[])), "plain");
        // A value too short to be a real secret is left alone rather than garbling the text.
        let s = for_test(keys, &[("accessKey", "AK"), ("secretKey", "S")]);
        assert_eq!(scrub("STS said", &s), "STS said");
    }
}
