//! EC2 lookups: the account's regions, an attribute of the instances that match filters, and
//! the EBS volumes attached to instances. Every page of DescribeInstances is read.

use std::collections::BTreeSet;

use aws_sdk_ec2::types::{Filter, Instance};

use crate::aws::failure::{describe, AwsFailure};
use crate::aws::session::AwsSession;
use crate::config::names::Region;
use crate::observability::meters::metered;

use super::request::Filters;

/// The regions enabled for the account, as EC2 in the default region lists them.
pub async fn describe_regions(session: &AwsSession) -> Result<Vec<String>, AwsFailure> {
    let call = session
        .ec2(&session.default_region)
        .describe_regions()
        .send();
    let out = metered("ec2", "DescribeRegions", |f| f.call_outcome(), async {
        call.await.map_err(|e| describe(&e))
    })
    .await?;
    Ok(out
        .regions()
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect())
}

/// Every instance DescribeInstances finds for `filters` or `instance_ids`, all pages.
async fn instances(
    session: &AwsSession,
    region: &Region,
    filters: &Filters,
    instance_ids: &[String],
) -> Result<Vec<Instance>, AwsFailure> {
    let client = session.ec2(region);
    // A filter without values would match nothing at AWS; Grafana's "any value" leaves it out.
    let filters: Vec<Filter> = filters
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(name, values)| {
            Filter::builder()
                .name(name)
                .set_values(Some(values.clone()))
                .build()
        })
        .collect();
    let mut found = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let call = client
            .describe_instances()
            .set_filters((!filters.is_empty()).then(|| filters.clone()))
            .set_instance_ids((!instance_ids.is_empty()).then(|| instance_ids.to_vec()))
            .set_next_token(token.take())
            .send();
        let out = metered("ec2", "DescribeInstances", |f| f.call_outcome(), async {
            call.await.map_err(|e| describe(&e))
        })
        .await?;
        found.extend(
            out.reservations()
                .iter()
                .flat_map(|r| r.instances().to_vec()),
        );
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(found)
}

/// The instance attributes Stratus reads, by Grafana's names (the Instance type's fields, a
/// dot for a nested one), and how to read each.
type Reader = fn(&Instance) -> Option<String>;

fn text<T: AsRef<str>>(v: Option<T>) -> Option<String> {
    v.map(|s| s.as_ref().to_string())
}

const ATTRIBUTES: [(&str, Reader); 34] = [
    ("AmiLaunchIndex", |i| {
        i.ami_launch_index().map(|n| n.to_string())
    }),
    ("Architecture", |i| {
        text(i.architecture().map(|a| a.as_str()))
    }),
    ("ClientToken", |i| text(i.client_token())),
    ("EbsOptimized", |i| i.ebs_optimized().map(|b| b.to_string())),
    ("EnaSupport", |i| i.ena_support().map(|b| b.to_string())),
    ("Hypervisor", |i| text(i.hypervisor().map(|h| h.as_str()))),
    ("IamInstanceProfile.Arn", |i| {
        text(i.iam_instance_profile().and_then(|p| p.arn()))
    }),
    ("IamInstanceProfile.Id", |i| {
        text(i.iam_instance_profile().and_then(|p| p.id()))
    }),
    ("ImageId", |i| text(i.image_id())),
    ("InstanceId", |i| text(i.instance_id())),
    ("InstanceLifecycle", |i| {
        text(i.instance_lifecycle().map(|l| l.as_str()))
    }),
    ("InstanceType", |i| {
        text(i.instance_type().map(|t| t.as_str()))
    }),
    ("KernelId", |i| text(i.kernel_id())),
    ("KeyName", |i| text(i.key_name())),
    ("LaunchTime", |i| i.launch_time().map(|t| t.to_string())),
    ("Monitoring.State", |i| {
        text(i.monitoring().and_then(|m| m.state()).map(|s| s.as_str()))
    }),
    ("Placement.AvailabilityZone", |i| {
        text(i.placement().and_then(|p| p.availability_zone()))
    }),
    ("Placement.GroupName", |i| {
        text(i.placement().and_then(|p| p.group_name()))
    }),
    ("Placement.Tenancy", |i| {
        text(i.placement().and_then(|p| p.tenancy()).map(|t| t.as_str()))
    }),
    ("Platform", |i| text(i.platform().map(|p| p.as_str()))),
    ("PlatformDetails", |i| text(i.platform_details())),
    ("PrivateDnsName", |i| text(i.private_dns_name())),
    ("PrivateIpAddress", |i| text(i.private_ip_address())),
    ("PublicDnsName", |i| text(i.public_dns_name())),
    ("PublicIpAddress", |i| text(i.public_ip_address())),
    ("RamdiskId", |i| text(i.ramdisk_id())),
    ("RootDeviceName", |i| text(i.root_device_name())),
    ("RootDeviceType", |i| {
        text(i.root_device_type().map(|t| t.as_str()))
    }),
    ("SourceDestCheck", |i| {
        i.source_dest_check().map(|b| b.to_string())
    }),
    ("SpotInstanceRequestId", |i| {
        text(i.spot_instance_request_id())
    }),
    ("State.Name", |i| {
        text(i.state().and_then(|s| s.name()).map(|n| n.as_str()))
    }),
    ("SubnetId", |i| text(i.subnet_id())),
    ("VirtualizationType", |i| {
        text(i.virtualization_type().map(|v| v.as_str()))
    }),
    ("VpcId", |i| text(i.vpc_id())),
];

/// How an attribute is read: a tag (`Tags.<key>`) or one of [`ATTRIBUTES`].
#[derive(Debug, Clone, Copy)]
pub enum Attribute<'a> {
    /// A tag's value.
    Tag(&'a str),
    /// An Instance field.
    Field(Reader),
}

/// The attribute named so, if Stratus reads it.
pub fn attribute(name: &str) -> Option<Attribute<'_>> {
    if let Some(key) = name.strip_prefix("Tags.") {
        return (!key.is_empty()).then_some(Attribute::Tag(key));
    }
    ATTRIBUTES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, read)| Attribute::Field(*read))
}

/// The attribute names Stratus reads, for messages.
pub fn attribute_names() -> String {
    let mut names: Vec<&str> = ATTRIBUTES.iter().map(|(n, _)| *n).collect();
    names.push("Tags.<key>");
    names.join(", ")
}

/// The distinct values of `attribute` over the instances matching `filters`, sorted;
/// instances without it are left out.
pub fn attribute_values(instances: &[Instance], attribute: Attribute<'_>) -> Vec<String> {
    let values: BTreeSet<String> = instances
        .iter()
        .filter_map(|i| match attribute {
            Attribute::Tag(key) => i
                .tags()
                .iter()
                .find(|t| t.key() == Some(key))
                .and_then(|t| t.value().map(str::to_string)),
            Attribute::Field(read) => read(i),
        })
        .collect();
    values.into_iter().collect()
}

/// An attribute of the instances matching `filters`.
pub async fn instance_attribute(
    session: &AwsSession,
    region: &Region,
    attribute: Attribute<'_>,
    filters: &Filters,
) -> Result<Vec<String>, AwsFailure> {
    Ok(attribute_values(
        &instances(session, region, filters, &[]).await?,
        attribute,
    ))
}

/// The EBS volumes attached to `instance_ids`, sorted.
pub async fn volumes(
    session: &AwsSession,
    region: &Region,
    instance_ids: &[String],
) -> Result<Vec<String>, AwsFailure> {
    let found = instances(session, region, &Filters::new(), instance_ids).await?;
    let volumes: BTreeSet<String> = found
        .iter()
        .flat_map(|i| i.block_device_mappings())
        .filter_map(|m| m.ebs().and_then(|e| e.volume_id()).map(str::to_string))
        .collect();
    Ok(volumes.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{Placement, Tag};

    fn instance(id: &str, name: Option<&str>, zone: &str) -> Instance {
        let mut b = Instance::builder()
            .instance_id(id)
            .placement(Placement::builder().availability_zone(zone).build());
        if let Some(n) = name {
            b = b.tags(Tag::builder().key("Name").value(n).build());
        }
        b.build()
    }

    #[test]
    fn attributes_by_grafanas_names() {
        let found = [
            instance("i-2", Some("web"), "us-east-1a"),
            instance("i-1", Some("web"), "us-east-1b"),
            instance("i-3", None, "us-east-1a"),
        ];
        let values = |name: &str| attribute_values(&found, attribute(name).unwrap());
        assert_eq!(values("InstanceId"), vec!["i-1", "i-2", "i-3"]);
        assert_eq!(values("Tags.Name"), vec!["web"]);
        assert_eq!(
            values("Placement.AvailabilityZone"),
            vec!["us-east-1a", "us-east-1b"]
        );
        assert!(values("PublicIpAddress").is_empty());
        assert!(attribute("Bogus").is_none());
        assert!(attribute("Tags.").is_none());
        assert!(
            attribute_names().contains("InstanceType") && attribute_names().contains("Tags.<key>")
        );
    }
}
