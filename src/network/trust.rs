//! The certificate authorities a data source's calls trust beside the system's: the bundle
//! `AWS_CA_BUNDLE` names (or else the profile's `ca_bundle`, for the modes that read
//! profiles), and the data source's own `caBundle`. Each is checked before the SDK sees it.

use std::fmt;
use std::path::{Path, PathBuf};

use aws_config::profile::ProfileSet;
use thiserror::Error;

use crate::config::network::{PemBundle, PemProblem};
use crate::config::settings::Settings;

/// Where a trusted CA bundle came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaSource {
    /// The data source's `caBundle`.
    DataSource,
    /// `AWS_CA_BUNDLE` in the plugin's environment.
    Environment(PathBuf),
    /// `ca_bundle` of a shared config profile.
    Profile {
        /// The profile.
        name: String,
        /// The file it names.
        path: PathBuf,
    },
}

impl fmt::Display for CaSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaSource::DataSource => {
                f.write_str("the data source's CA bundle (secureJsonData.caBundle)")
            }
            CaSource::Environment(p) => write!(f, "AWS_CA_BUNDLE ({})", p.display()),
            CaSource::Profile { name, path } => {
                write!(f, "ca_bundle of profile [{name}] ({})", path.display())
            }
        }
    }
}

/// A CA bundle that passed the checks, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedCa {
    /// Where it came from.
    pub source: CaSource,
    /// The certificates.
    pub bundle: PemBundle,
}

/// A CA bundle file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TrustError {
    /// The file cannot be read.
    #[error("The CA bundle named by {origin} cannot be read: {reason}. Fix the path (it must be readable by the user running grafana-server), or remove the setting.")]
    Unreadable {
        /// Which setting named it.
        origin: CaSource,
        /// The operating system's reason.
        reason: String,
    },
    /// The file is not a usable PEM bundle.
    #[error("The CA bundle named by {origin} cannot be used: {problem}. It must hold the PEM text of the CA certificates, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.")]
    Invalid {
        /// Which setting named it.
        origin: CaSource,
        /// What is wrong with it.
        problem: PemProblem,
    },
}

/// Reads and checks a bundle file.
fn read_bundle(source: CaSource, path: &Path) -> Result<TrustedCa, TrustError> {
    let bytes = std::fs::read(path).map_err(|e| TrustError::Unreadable {
        origin: source.clone(),
        reason: e.kind().to_string(),
    })?;
    let bundle = PemBundle::parse(&bytes).map_err(|problem| TrustError::Invalid {
        origin: source.clone(),
        problem,
    })?;
    Ok(TrustedCa { source, bundle })
}

/// `ca_bundle` of the profile a data source reads (`profiles`, loaded by aws-config's own
/// profile loader for the modes that read one).
fn profile_ca_bundle(profiles: &ProfileSet) -> Option<(CaSource, PathBuf)> {
    let name = profiles.selected_profile().to_string();
    let path = profiles.get_profile(&name)?.get("ca_bundle")?.trim();
    let path = home_relative(path, std::env::var_os("HOME").map(PathBuf::from));
    (!path.as_os_str().is_empty()).then(|| {
        (
            CaSource::Profile {
                name,
                path: path.clone(),
            },
            path,
        )
    })
}

/// `~/...` under HOME, as the AWS CLI reads a profile's paths.
fn home_relative(path: &str, home: Option<PathBuf>) -> PathBuf {
    match (path.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// Every extra CA a data source trusts. `AWS_CA_BUNDLE` wins over a profile's `ca_bundle`, as
/// in the AWS CLI and the Go SDK Grafana uses; the data source's own bundle comes on top.
/// `profiles` are the shared files of a data source that reads a profile.
pub fn gather(
    settings: &Settings,
    aws_ca_bundle: Option<PathBuf>,
    profiles: Option<&ProfileSet>,
) -> Result<Vec<TrustedCa>, TrustError> {
    let shared = match aws_ca_bundle {
        Some(path) => Some((CaSource::Environment(path.clone()), path)),
        None => profiles.and_then(profile_ca_bundle),
    };
    let mut trusted = Vec::new();
    if let Some((source, path)) = shared {
        trusted.push(read_bundle(source, &path)?);
    }
    if let Some(bundle) = &settings.network.ca_bundle {
        trusted.push(TrustedCa {
            source: CaSource::DataSource,
            bundle: bundle.clone(),
        });
    }
    Ok(trusted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::settings::for_test;

    const TEST_CA: &str = include_str!("../../tests/fixtures/tls/test-ca.pem");

    #[test]
    fn profile_paths_may_start_at_home() {
        let home = Some(PathBuf::from("/home/grafana"));
        assert_eq!(
            home_relative("~/certs/ca.pem", home.clone()),
            PathBuf::from("/home/grafana/certs/ca.pem")
        );
        assert_eq!(
            home_relative("/etc/ca.pem", home),
            PathBuf::from("/etc/ca.pem")
        );
        assert_eq!(home_relative("~/x.pem", None), PathBuf::from("~/x.pem"));
    }

    #[test]
    fn bundle_files_are_checked_and_named() {
        let dir = std::env::temp_dir().join(format!("stratus-trust-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("good.pem");
        let bad = dir.join("bad.pem");
        std::fs::write(&good, TEST_CA).unwrap();
        std::fs::write(&bad, "-----BEGIN CERTIFICATE-----\nCANARY\n").unwrap();
        let keys = for_test(
            r#"{"authType":"keys"}"#,
            &[("accessKey", "AK"), ("secretKey", "SK")],
        );

        let found = gather(&keys, Some(good.clone()), None).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].source, CaSource::Environment(good.clone()));
        assert_eq!(found[0].bundle.certificates(), 1);

        let err = gather(&keys, Some(bad.clone()), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("AWS_CA_BUNDLE ({})", bad.display())),
            "{err}"
        );
        assert!(
            err.contains("no matching -----END CERTIFICATE-----") && !err.contains("CANARY"),
            "{err}"
        );

        let missing = dir.join("missing.pem");
        let err = gather(&keys, Some(missing.clone()), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&missing.display().to_string()) && err.contains("not found"),
            "{err}"
        );

        // The data source's own bundle comes beside the environment's.
        let both = for_test(
            r#"{"authType":"keys"}"#,
            &[
                ("accessKey", "AK"),
                ("secretKey", "SK"),
                ("caBundle", TEST_CA),
            ],
        );
        let found = gather(&both, Some(good), None).unwrap();
        assert_eq!(found[1].source, CaSource::DataSource);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
