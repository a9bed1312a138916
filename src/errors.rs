//! Turning AWS SDK errors into what a user can act on: the AWS error code, its message and
//! the HTTP status, with any of the data source's secrets scrubbed out.

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_sdk_sts::operation::assume_role_with_web_identity::AssumeRoleWithWebIdentityError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::settings::Settings;

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

/// An AWS call that failed, reduced to what a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsFailure {
    /// The AWS error code (`SignatureDoesNotMatch`, `AccessDenied`, ...), when known.
    pub code: Option<String>,
    /// AWS's message, or the SDK's description of a transport failure.
    pub message: String,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
}

/// The text between `<tag>` and `</tag>` in an XML error body. AWS-compatible endpoints
/// (moto among them) nest errors in ways the SDK's parser does not read, so the code and
/// message are taken straight from the body.
fn xml_tag<'a>(body: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let len = body[start..].find(&format!("</{tag}>"))?;
    Some(body[start..start + len].trim()).filter(|s| !s.is_empty())
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

/// Describes a failed SDK call.
pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> AwsFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match err {
        SdkError::ServiceError(ctx) => {
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
            AwsFailure {
                code,
                message,
                status: Some(raw.status().as_u16()),
            }
        }
        other => {
            let detail = chain(other);
            let message = match other {
                SdkError::TimeoutError(_) => format!("AWS did not answer in time ({detail}). Check the endpoint and the network path from the Grafana server to AWS."),
                SdkError::DispatchFailure(d) if d.is_timeout() => format!("Timed out reaching AWS ({detail}). Check the endpoint and the network path from the Grafana server to AWS."),
                SdkError::DispatchFailure(_) => format!("Could not reach AWS: {detail}. Check the endpoint URL, DNS, proxy and firewall."),
                SdkError::ResponseError(_) => format!("The response from AWS was cut off or unreadable: {detail}."),
                _ => detail,
            };
            AwsFailure {
                code: code_from_message(&message).map(str::to_string),
                message,
                status: None,
            }
        }
    }
}

/// What to do about an AWS error code that comes back after the SDK's retries.
pub fn advice(code: &str) -> Option<&'static str> {
    match code {
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" | "TooManyRequestsException" => Some(
            "AWS throttled the calls even after retries with backoff; load fewer panels at once, lower GF_PLUGIN_STRATUS_MAX_CONCURRENT_CALLS, or ask AWS for a higher CloudWatch API quota.",
        ),
        "ServiceUnavailable" | "InternalFailure" | "InternalError" => Some("AWS kept failing after retries; try again shortly."),
        _ => None,
    }
}

/// Describes a failed SDK call; when resolving the credentials is what failed, describes that.
pub fn describe<E>(err: &SdkError<E, HttpResponse>) -> AwsFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match crate::auth::credentials_error(err) {
        Some(c) => from_credentials(c),
        None => from_sdk(err),
    }
}

/// The AWS error code of a failure, for metrics.
pub fn code(failure: &AwsFailure) -> Option<&str> {
    failure.code.as_deref()
}

/// Describes a credential resolution failure, reaching into the STS call behind an
/// AssumeRole or web identity provider when that is what failed.
pub fn from_credentials(err: &CredentialsError) -> AwsFailure {
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
    let message = chain(err);
    AwsFailure {
        code: code_from_message(&message).map(str::to_string),
        message,
        status: None,
    }
}

/// Shortest value treated as a secret when scrubbing: AWS secret keys are 40 characters and
/// session tokens longer, and replacing a stray short value would garble every message.
const MIN_SCRUB_LEN: usize = 8;

/// Removes the data source's secrets from text that leaves the plugin (AWS messages can echo
/// request content).
pub fn scrub(text: &str, settings: Option<&Settings>) -> String {
    let mut out = text.to_string();
    if let Some(keys) = settings.and_then(|s| s.keys.as_ref()) {
        for secret in [Some(&keys.secret_access_key), keys.session_token.as_ref()]
            .into_iter()
            .flatten()
        {
            if secret.expose().len() >= MIN_SCRUB_LEN {
                out = out.replace(secret.expose(), "[redacted]");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::for_test;

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
            scrub("a S3CR3T-S3CR3T b T0KEN-T0KEN", Some(&s)),
            "a [redacted] b [redacted]"
        );
        assert_eq!(scrub("plain", None), "plain");
        // A value too short to be a real secret is left alone rather than garbling the text.
        let s = for_test(keys, &[("accessKey", "AK"), ("secretKey", "S")]);
        assert_eq!(scrub("STS said", Some(&s)), "STS said");
    }
}
