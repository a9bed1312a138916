//! Fixtures for the credential sources moto has no endpoint for, each minting real credentials
//! from moto's STS: a container credentials endpoint (ECS, EKS Pod Identity) and an IAM
//! Identity Center portal; and the token cache `aws sso login` writes.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha1::{Digest, Sha1};

use super::{http, http_json, start_script, support, Guard, Moto};

/// The container credentials endpoint (tests/support/container_creds.py), serving credentials
/// of `role_arn` with session `session_name`.
pub struct ContainerCreds {
    _guard: Guard,
    /// `http://127.0.0.1:PORT/v1/credentials`, the path the Pod Identity Agent serves.
    pub uri: String,
    endpoint: String,
}

impl ContainerCreds {
    /// Accepts `token` (`None`: no Authorization needed); credentials say they expire after
    /// `lifetime_s`.
    pub fn start(
        moto: &Moto,
        role_arn: &str,
        user: &Value,
        session_name: &str,
        lifetime_s: u32,
        token: Option<&str>,
    ) -> ContainerCreds {
        let lifetime = lifetime_s.to_string();
        let mut args = vec![
            support("container_creds.py").to_str().unwrap().to_string(),
            moto.endpoint.clone(),
            role_arn.to_string(),
            user["access_key_id"].as_str().unwrap().to_string(),
            user["secret_access_key"].as_str().unwrap().to_string(),
            session_name.to_string(),
            lifetime,
        ];
        args.extend(token.map(str::to_string));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (guard, port) = start_script(&args);
        let endpoint = format!("http://127.0.0.1:{port}");
        ContainerCreds {
            _guard: guard,
            uri: format!("{endpoint}/v1/credentials"),
            endpoint,
        }
    }

    /// Accepts `token` from now on, and no other (a rotation).
    pub fn accept(&self, token: &str) {
        let (status, body) = http(&self.endpoint, "POST", "/__accept", token);
        assert!(status.starts_with("HTTP/1.1 200"), "{status} {body}");
    }

    /// {"served", "refused": [statuses], "secrets": [...]}.
    pub fn stats(&self) -> Value {
        http_json(&self.endpoint, "GET", "/__stats", "")
    }
}

/// The IAM Identity Center portal (tests/support/sso_portal.py): accepts `token` for
/// `role_name` in `account`, and answers with credentials of `role_arn`.
pub struct SsoPortal {
    _guard: Guard,
    pub endpoint: String,
}

impl SsoPortal {
    pub fn start(
        moto: &Moto,
        role_arn: &str,
        user: &Value,
        account: &str,
        role_name: &str,
        token: &str,
    ) -> SsoPortal {
        let (guard, port) = start_script(&[
            support("sso_portal.py").to_str().unwrap(),
            &moto.endpoint,
            role_arn,
            user["access_key_id"].as_str().unwrap(),
            user["secret_access_key"].as_str().unwrap(),
            account,
            role_name,
            token,
        ]);
        SsoPortal {
            _guard: guard,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// {"served", "refused": [error types], "secrets": [...]}.
    pub fn stats(&self) -> Value {
        http_json(&self.endpoint, "GET", "/__stats", "")
    }
}

/// Where `aws sso login` caches the token of `key` (an sso-session name, or the start URL of
/// a legacy profile): `~/.aws/sso/cache/<sha1 of key>.json`.
pub fn sso_cache_path(home: &Path, key: &str) -> PathBuf {
    let hex: String = Sha1::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    home.join(".aws/sso/cache").join(format!("{hex}.json"))
}

/// Writes the token cache as the AWS CLI's `aws sso login` does, with the client registration
/// it makes; a token past `expires_at` whose registration has `lapsed` cannot be refreshed.
pub fn write_sso_cache(
    home: &Path,
    key: &str,
    start_url: &str,
    token: &str,
    expires_at: &str,
    lapsed: bool,
) -> PathBuf {
    let path = sso_cache_path(home, key);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let cache = json!({
        "startUrl": start_url,
        "region": "us-east-1",
        "accessToken": token,
        "expiresAt": expires_at,
        "clientId": "stratus-test-client",
        "clientSecret": "stratus-test-client-secret",
        "registrationExpiresAt": if lapsed { "2020-01-01T00:00:00Z" } else { "2099-01-01T00:00:00Z" },
        "refreshToken": "stratus-test-refresh-token",
    });
    std::fs::write(&path, cache.to_string()).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    path
}
